// Registers the face capability's exports (declared in common/registry.h).
#include <napi.h>

#include "common/registry.h"
#include "face/analyze_face_worker.h"
#include "face/engine_handle.h"
#include "face/load_engine_worker.h"
#include "face/probe_image_worker.h"

namespace proofgate {
namespace {

Napi::Value FaceEngineInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::shared_ptr<face::FaceEngine> engine = face::UnwrapEngine(info[0]);
  Napi::Object out = Napi::Object::New(env);
  out.Set("closed", engine == nullptr);
  if (engine) {
    out.Set("pipelines", static_cast<double>(engine->pipelineCount()));
    out.Set("target", engine->targetName());
    out.Set("anchors", static_cast<double>(engine->anchors().size()));
  }
  return out;
}

Napi::Value FaceEngineClose(const Napi::CallbackInfo& info) {
  face::CloseEngine(info[0]);
  return info.Env().Undefined();
}

}  // namespace

void RegisterFace(Napi::Env env, Napi::Object exports) {
  exports.Set("faceEngineLoad", Napi::Function::New(env, face::LoadFaceEngine));
  exports.Set("faceAnalyze", Napi::Function::New(env, face::AnalyzeFaceAsync));
  exports.Set("imageProbe", Napi::Function::New(env, face::ProbeImageAsync));
  exports.Set("faceEngineInfo", Napi::Function::New(env, FaceEngineInfo));
  exports.Set("faceEngineClose", Napi::Function::New(env, FaceEngineClose));
}

}  // namespace proofgate
