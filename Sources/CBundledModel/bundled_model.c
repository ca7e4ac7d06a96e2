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

// The shipped model's int8 calibration sidecar (activation ranges for `--precision int8`), bundled
// beside the model file in the same two ways.
__attribute__((aligned(8))) static const unsigned char int8_calibration[] = {
#embed "../HematoNet/Resources/hematovision-mobilenetv2.int8.json"
};

const unsigned char *hv_bundled_int8_calibration(void) { return int8_calibration; }
size_t hv_bundled_int8_calibration_size(void) { return sizeof int8_calibration; }

// The shipped model's stain reference (the stain check's training-lab colours), bundled the same way.
__attribute__((aligned(8))) static const unsigned char stain_reference[] = {
#embed "../HematoNet/Resources/hematovision-mobilenetv2.stain.json"
};

const unsigned char *hv_bundled_stain_reference(void) { return stain_reference; }
size_t hv_bundled_stain_reference_size(void) { return sizeof stain_reference; }
