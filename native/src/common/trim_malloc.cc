// trimMalloc(): hands the C heap's free pages back to the kernel (glibc malloc_trim(0): every arena,
// whole free pages inside the heaps as well as the top). ONNX Runtime's sessions and their runs leave
// tens of MB freed but kept by the allocator (a model's protobuf and load-time copies, scratch buffers
// of runs on other threads); the face engine calls this after loading and now and then after analyses
// (src/biometrics/heap-trim.ts). Returns whether any memory was released; false where the C library
// has no such call.
#if defined(__linux__)
#include <malloc.h>  // defines __GLIBC__ where the C library is glibc
#endif

#include "common/js_args.h"
#include "common/registry.h"

namespace proofgate {

Napi::Value TrimMalloc(const Napi::CallbackInfo& info) {
  const js::Args args(info, "trimMalloc", 0);
#if defined(__GLIBC__)
  return Napi::Boolean::New(info.Env(), malloc_trim(0) != 0);
#else
  return Napi::Boolean::New(info.Env(), false);
#endif
}

}  // namespace proofgate
