// The shipped model file, compiled into the binary so that the binary alone, copied anywhere,
// still classifies. #embed (C23, clang 19+) reads the file at build time; clang lists it in the
// dependency file, so replacing the model rebuilds this. Aligned like a page-aligned mmap would
// be for what the tensors need (safetensors keeps their offsets 8-byte aligned).
#include "CBundledModel.h"

#pragma clang diagnostic ignored "-Wc23-extensions"
__attribute__((aligned(64))) static const unsigned char model[] = {
#embed "../HematoNet/Resources/hematovision-mobilenetv2.safetensors"
};

const unsigned char *hv_bundled_model(void) { return model; }
size_t hv_bundled_model_size(void) { return sizeof model; }
