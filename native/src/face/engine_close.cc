// faceEngineClose(handle): drops the handle's reference; running analyses finish on their own copies.
#include "common/js_args.h"
#include "common/registry.h"
#include "face/engine_handle.h"

namespace proofgate {

Napi::Value FaceEngineClose(const Napi::CallbackInfo& info) {
  const js::Args args(info, "faceEngineClose", 1);
  face::CloseEngine(args.Value(0));
  return info.Env().Undefined();
}

}  // namespace proofgate
