#ifndef HEMATOVISION_BUNDLED_MODEL_H
#define HEMATOVISION_BUNDLED_MODEL_H
#include <stddef.h>

/// The shipped model file's bytes, compiled into the binary (see bundled_model.c).
const unsigned char *hv_bundled_model(void);
size_t hv_bundled_model_size(void);

#endif
