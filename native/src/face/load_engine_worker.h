// faceEngineLoad(spec) -> Promise<handle>: reads and checks the models off the main thread.
#pragma once
#include <napi.h>

namespace proofgate::face {
Napi::Value LoadFaceEngine(const Napi::CallbackInfo& info);
}  // namespace proofgate::face
