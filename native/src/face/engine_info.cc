// faceEngineInfo(handle) -> {closed, pipelines?, target?, anchors?}: synchronous, for /health.
#include "common/js_args.h"
#include "common/registry.h"
#include "face/engine_handle.h"

namespace proofgate {

Napi::Value FaceEngineInfo(const Napi::CallbackInfo& info) {
  const js::Args args(info, "faceEngineInfo", 1);
  Napi::Env env = info.Env();
  std::shared_ptr<face::FaceEngine> engine = face::UnwrapEngine(args.Value(0));
  Napi::Object out = Napi::Object::New(env);
  out.Set("closed", engine == nullptr);
  if (engine) {
    out.Set("pipelines", static_cast<double>(engine->pipelineCount()));
    out.Set("target", engine->targetName());
    out.Set("anchors", static_cast<double>(engine->anchors().size()));
  }
  return out;
}

}  // namespace proofgate
