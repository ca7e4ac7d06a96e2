print("hematovision")
