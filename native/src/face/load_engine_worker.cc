// faceEngineLoad(spec) -> Promise<handle>: loads and dry-runs every network on the libuv pool.
#include <memory>

#include "common/baton_worker.h"
#include "common/js_args.h"
#include "common/registry.h"
#include "face/engine_handle.h"
#include "face/face_engine.h"
#include "face/face_js_options.h"

namespace proofgate {
namespace {

struct LoadEngineBaton {
  face::EngineSpec spec;
  std::shared_ptr<face::FaceEngine> engine;

  void Compute() { engine = std::make_shared<face::FaceEngine>(std::move(spec)); }

  Napi::Value ToJs(Napi::Env env) { return face::WrapEngine(env, std::move(engine)); }
};

}  // namespace

Napi::Value FaceEngineLoad(const Napi::CallbackInfo& info) {
  const js::Args args(info, "faceEngineLoad", 1);
  auto baton = std::make_unique<LoadEngineBaton>();
  baton->spec = face::ReadEngineSpec(js::Options(args, 0, "spec"));
  return BatonWorker<LoadEngineBaton>::Queue(info.Env(), "proofgate:faceEngineLoad", std::move(baton));
}

}  // namespace proofgate
