extension ReviewStore {
    /// Reads the model's record beside labels.csv (if any) and says what opening should tell the
    /// reviewer: a record that cannot be used, or rows the model wrote that were edited since.
    func loadPreLabels() {
        let (record, note) = PreLabelRecord.load(forLabels: labelsPath)
        if let note { addNote(note) }
        guard let record else { return }
        let found = PreLabels(record)
        setPreLabels(found)
        let changed = found.changedRows(in: labels, decidedByPerson: decidedByPerson)
        if changed > 0 {
            addNote("\(changed) label(s) the model wrote (\(found.origin)) were changed in \(DisplayName.escaped(labelsPath)) since, "
                    + "not in a review; they count as from labels.csv, origin unknown.")
        }
    }
}
