// The AVX2 build of the dot kernels (CMake compiles this file alone with -mavx2 -mfma -mf16c; the
// rest of the addon stays baseline x86-64). Each template's row is read once, front to back: at
// 128 int8 values a template is two cache lines, so the scan runs at memory bandwidth.
#include "search/dot_kernels.h"

#if defined(PROOFGATE_AVX2_KERNELS)
#include <immintrin.h>

namespace proofgate::search {
namespace {

inline int32_t HorizontalSum(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
  return _mm_cvtsi128_si32(s);
}

inline float HorizontalSum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
  return _mm_cvtss_f32(s);
}

void Int8Dots(const int8_t* codes, size_t count, int dim, const int16_t* query, int32_t* out) {
  const int vectorised = dim & ~15;
  for (size_t i = 0; i < count; ++i) {
    const int8_t* t = codes + i * dim;
    __m256i acc0 = _mm256_setzero_si256(), acc1 = _mm256_setzero_si256();
    int j = 0;
    for (; j + 32 <= vectorised; j += 32) {
      const __m256i t0 = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(t + j)));
      const __m256i t1 = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(t + j + 16)));
      acc0 = _mm256_add_epi32(acc0, _mm256_madd_epi16(t0, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(query + j))));
      acc1 = _mm256_add_epi32(acc1, _mm256_madd_epi16(t1, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(query + j + 16))));
    }
    for (; j < vectorised; j += 16) {
      const __m256i t0 = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(t + j)));
      acc0 = _mm256_add_epi32(acc0, _mm256_madd_epi16(t0, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(query + j))));
    }
    int32_t sum = HorizontalSum(_mm256_add_epi32(acc0, acc1));
    for (; j < dim; ++j) sum += int32_t(query[j]) * int32_t(t[j]);
    out[i] = sum;
  }
}

void Float16Dots(const uint16_t* codes, size_t count, int dim, const float* query, float* out) {
  const int vectorised = dim & ~7;
  for (size_t i = 0; i < count; ++i) {
    const uint16_t* t = codes + i * dim;
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    int j = 0;
    for (; j + 16 <= vectorised; j += 16) {
      acc0 = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(t + j))), _mm256_loadu_ps(query + j), acc0);
      acc1 = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(t + j + 8))), _mm256_loadu_ps(query + j + 8), acc1);
    }
    for (; j < vectorised; j += 8) {
      acc0 = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(t + j))), _mm256_loadu_ps(query + j), acc0);
    }
    float sum = HorizontalSum(_mm256_add_ps(acc0, acc1));
    for (; j < dim; ++j) sum += query[j] * _cvtsh_ss(t[j]);
    out[i] = sum;
  }
}

void Float32Dots(const float* codes, size_t count, int dim, const float* query, float* out) {
  const int vectorised = dim & ~7;
  for (size_t i = 0; i < count; ++i) {
    const float* t = codes + i * dim;
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    int j = 0;
    for (; j + 16 <= vectorised; j += 16) {
      acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(t + j), _mm256_loadu_ps(query + j), acc0);
      acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(t + j + 8), _mm256_loadu_ps(query + j + 8), acc1);
    }
    for (; j < vectorised; j += 8) acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(t + j), _mm256_loadu_ps(query + j), acc0);
    float sum = HorizontalSum(_mm256_add_ps(acc0, acc1));
    for (; j < dim; ++j) sum += query[j] * t[j];
    out[i] = sum;
  }
}

}  // namespace

const DotKernels* Avx2DotKernels() {
  static const DotKernels kernels{"avx2", Int8Dots, Float16Dots, Float32Dots};
  return &kernels;
}

}  // namespace proofgate::search

#else

namespace proofgate::search {
const DotKernels* Avx2DotKernels() { return nullptr; }
}  // namespace proofgate::search

#endif
