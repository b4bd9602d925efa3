#include "search/dot_kernels.h"

#include <opencv2/core.hpp>

namespace proofgate::search {
namespace {

void Int8Dots(const int8_t* codes, size_t count, int dim, const int16_t* query, int32_t* out) {
  for (size_t i = 0; i < count; ++i) {
    const int8_t* t = codes + i * dim;
    int32_t sum = 0;
    for (int j = 0; j < dim; ++j) sum += int32_t(query[j]) * int32_t(t[j]);
    out[i] = sum;
  }
}

void Float16Dots(const uint16_t* codes, size_t count, int dim, const float* query, float* out) {
  for (size_t i = 0; i < count; ++i) {
    const uint16_t* t = codes + i * dim;
    float sum = 0;
    for (int j = 0; j < dim; ++j) sum += query[j] * HalfToFloat(t[j]);
    out[i] = sum;
  }
}

void Float32Dots(const float* codes, size_t count, int dim, const float* query, float* out) {
  for (size_t i = 0; i < count; ++i) {
    const float* t = codes + i * dim;
    float sum = 0;
    for (int j = 0; j < dim; ++j) sum += query[j] * t[j];
    out[i] = sum;
  }
}

}  // namespace

const DotKernels& PortableDotKernels() {
  static const DotKernels kernels{"portable", Int8Dots, Float16Dots, Float32Dots};
  return kernels;
}

const DotKernels& SelectDotKernels() {
  static const DotKernels& chosen = [] () -> const DotKernels& {
    const DotKernels* avx2 = Avx2DotKernels();
#if defined(__x86_64__) || defined(__i386__)
    if (avx2 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c")) return *avx2;
#endif
    (void)avx2;
    return PortableDotKernels();
  }();
  return chosen;
}

// OpenCV's float16_t does the rounding (round to nearest even) and the special values.
uint16_t FloatToHalf(float value) { return cv::float16_t(value).bits(); }
float HalfToFloat(uint16_t bits) { return float(cv::float16_t::fromBits(bits)); }

}  // namespace proofgate::search
