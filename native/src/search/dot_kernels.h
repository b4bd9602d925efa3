// Dot products of one query against a run of stored templates: the hot loop of the 1:N search. Two
// builds of the same functions: dot_kernels_avx2.cc (compiled with -mavx2 -mfma -mf16c where the
// compiler targets x86-64) and dot_kernels_portable.cc (plain C++, any CPU). SelectDotKernels() picks
// the AVX2 set when the build has it and the CPU runs it, so the addon still loads on a CPU without.
#pragma once
#include <cstddef>
#include <cstdint>

namespace proofgate::search {

struct DotKernels {
  const char* name;
  // out[i] = sum_j query[j] * codes[i * dim + j], exact in int32 (|query| <= 32767, |code| <= 127, dim <= 1024).
  void (*int8)(const int8_t* codes, size_t count, int dim, const int16_t* query, int32_t* out);
  // out[i] = sum_j query[j] * half(codes[i * dim + j]).
  void (*float16)(const uint16_t* codes, size_t count, int dim, const float* query, float* out);
  // out[i] = sum_j query[j] * codes[i * dim + j].
  void (*float32)(const float* codes, size_t count, int dim, const float* query, float* out);
};

const DotKernels& PortableDotKernels();
// nullptr when this build has no AVX2 kernels (a non-x86 target).
const DotKernels* Avx2DotKernels();
// The AVX2 set when built and supported by this CPU, else the portable one; decided once.
const DotKernels& SelectDotKernels();

// IEEE 754 binary16 <-> float, for storing templates (the search converts with F16C where it can).
uint16_t FloatToHalf(float value);
float HalfToFloat(uint16_t bits);

}  // namespace proofgate::search
