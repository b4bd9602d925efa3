#include "face/load_engine_worker.h"

#include <memory>

#include "common/native_error.h"
#include "face/engine_handle.h"
#include "face/face_engine.h"
#include "face/face_js_options.h"

namespace proofgate::face {
namespace {

class LoadEngineWorker : public Napi::AsyncWorker {
 public:
  LoadEngineWorker(Napi::Env env, EngineSpec spec)
      : Napi::AsyncWorker(env, "proofgate:faceEngineLoad"), deferred_(Napi::Promise::Deferred::New(env)), spec_(std::move(spec)) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    try {
      engine_ = std::make_shared<FaceEngine>(std::move(spec_));
    } catch (...) {
      error_ = ClassifyCurrentException();
      SetError(error_.message);
    }
  }

  void OnOK() override { deferred_.Resolve(WrapEngine(Env(), std::move(engine_))); }

  void OnError(const Napi::Error&) override {
    deferred_.Reject(MakeCodedError(Env(), error_.code, error_.message).Value());
  }

 private:
  Napi::Promise::Deferred deferred_;
  EngineSpec spec_;
  std::shared_ptr<FaceEngine> engine_;
  CaughtError error_;
};

}  // namespace

Napi::Value LoadFaceEngine(const Napi::CallbackInfo& info) {
  if (!info[0].IsObject()) throw Napi::TypeError::New(info.Env(), "faceEngineLoad(spec): spec must be an object");
  auto* worker = new LoadEngineWorker(info.Env(), ReadEngineSpec(info[0].As<Napi::Object>()));
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace proofgate::face
