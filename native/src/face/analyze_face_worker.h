// faceAnalyze(handle, image, options) -> Promise<object>: the whole pipeline on the libuv pool.
#pragma once
#include <napi.h>

namespace proofgate::face {
Napi::Value AnalyzeFaceAsync(const Napi::CallbackInfo& info);
}  // namespace proofgate::face
