#include "vector_kernels.h"

// Portable versions: plain loops the compiler vectorises for the baseline.
static void dot4_generic(const float *rows, const float *x, long d, float out[4]) {
    float a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    for (long i = 0; i < d; i++) {
        a0 += rows[i] * x[i];
        a1 += rows[d + i] * x[i];
        a2 += rows[2 * d + i] * x[i];
        a3 += rows[3 * d + i] * x[i];
    }
    out[0] = a0; out[1] = a1; out[2] = a2; out[3] = a3;
}

static void axpy4_generic(const float alpha[4], const float *x, float *rows, long d) {
    for (int c = 0; c < 4; c++)
        for (long i = 0; i < d; i++) rows[c * d + i] += alpha[c] * x[i];
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

__attribute__((target("avx2,fma")))
static float sum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}

__attribute__((target("avx2,fma")))
static void dot4_avx2(const float *rows, const float *x, long d, float out[4]) {
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    long i = 0;
    for (; i + 8 <= d; i += 8) {
        __m256 v = _mm256_loadu_ps(x + i);
        a0 = _mm256_fmadd_ps(_mm256_loadu_ps(rows + i), v, a0);
        a1 = _mm256_fmadd_ps(_mm256_loadu_ps(rows + d + i), v, a1);
        a2 = _mm256_fmadd_ps(_mm256_loadu_ps(rows + 2 * d + i), v, a2);
        a3 = _mm256_fmadd_ps(_mm256_loadu_ps(rows + 3 * d + i), v, a3);
    }
    out[0] = sum8(a0); out[1] = sum8(a1); out[2] = sum8(a2); out[3] = sum8(a3);
    for (; i < d; i++) {
        out[0] += rows[i] * x[i];
        out[1] += rows[d + i] * x[i];
        out[2] += rows[2 * d + i] * x[i];
        out[3] += rows[3 * d + i] * x[i];
    }
}

__attribute__((target("avx2,fma")))
static void axpy4_avx2(const float alpha[4], const float *x, float *rows, long d) {
    __m256 b0 = _mm256_set1_ps(alpha[0]), b1 = _mm256_set1_ps(alpha[1]);
    __m256 b2 = _mm256_set1_ps(alpha[2]), b3 = _mm256_set1_ps(alpha[3]);
    long i = 0;
    for (; i + 8 <= d; i += 8) {
        __m256 v = _mm256_loadu_ps(x + i);
        _mm256_storeu_ps(rows + i, _mm256_fmadd_ps(b0, v, _mm256_loadu_ps(rows + i)));
        _mm256_storeu_ps(rows + d + i, _mm256_fmadd_ps(b1, v, _mm256_loadu_ps(rows + d + i)));
        _mm256_storeu_ps(rows + 2 * d + i, _mm256_fmadd_ps(b2, v, _mm256_loadu_ps(rows + 2 * d + i)));
        _mm256_storeu_ps(rows + 3 * d + i, _mm256_fmadd_ps(b3, v, _mm256_loadu_ps(rows + 3 * d + i)));
    }
    for (; i < d; i++)
        for (int c = 0; c < 4; c++) rows[c * d + i] += alpha[c] * x[i];
}

static int has_avx2_fma(void) {
    static int known = -1;
    if (known < 0) known = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return known;
}

void hv_dot4(const float *rows, const float *x, long d, float out[4]) {
    if (has_avx2_fma()) dot4_avx2(rows, x, d, out); else dot4_generic(rows, x, d, out);
}

void hv_axpy4(const float alpha[4], const float *x, float *rows, long d) {
    if (has_avx2_fma()) axpy4_avx2(alpha, x, rows, d); else axpy4_generic(alpha, x, rows, d);
}
#else
void hv_dot4(const float *rows, const float *x, long d, float out[4]) { dot4_generic(rows, x, d, out); }
void hv_axpy4(const float alpha[4], const float *x, float *rows, long d) { axpy4_generic(alpha, x, rows, d); }
#endif
