#ifndef HEMATOVISION_VECTOR_KERNELS_H
#define HEMATOVISION_VECTOR_KERNELS_H

/// The two loops the lab adaptation's fit spends its time in, for four
/// classes at a time. Swift builds for the x86-64 baseline (SSE2), so its
/// SIMD types cannot use AVX2/FMA; these C kernels pick the widest
/// instructions the processor has at run time.

/// out[c] = dot(rows + c*d, x) for c in 0..<4.
void hv_dot4(const float *rows, const float *x, long d, float out[4]);

/// (rows + c*d)[i] += alpha[c] * x[i] for c in 0..<4.
void hv_axpy4(const float alpha[4], const float *x, float *rows, long d);

#endif
