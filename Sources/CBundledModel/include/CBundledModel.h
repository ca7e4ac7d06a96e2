#ifndef HEMATOVISION_BUNDLED_MODEL_H
#define HEMATOVISION_BUNDLED_MODEL_H
#include <stddef.h>

/// The shipped model file's bytes, compiled into the binary (see bundled_model.c).
const unsigned char *hv_bundled_model(void);
size_t hv_bundled_model_size(void);

/// The shipped model's int8 calibration (a JSON sidecar), compiled in the same way.
const unsigned char *hv_bundled_int8_calibration(void);
size_t hv_bundled_int8_calibration_size(void);

/// The shipped model's stain reference (a JSON sidecar), compiled in the same way.
const unsigned char *hv_bundled_stain_reference(void);
size_t hv_bundled_stain_reference_size(void);

#endif
