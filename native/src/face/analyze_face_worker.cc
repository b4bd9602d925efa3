#include "face/analyze_face_worker.h"

#include <memory>

#include "common/native_error.h"
#include "face/analysis_to_js.h"
#include "face/engine_handle.h"
#include "face/face_analysis.h"
#include "face/face_codes.h"
#include "face/face_js_options.h"

namespace proofgate::face {
namespace {

class AnalyzeFaceWorker : public Napi::AsyncWorker {
 public:
  AnalyzeFaceWorker(Napi::Env env, std::shared_ptr<FaceEngine> engine, Napi::Buffer<uint8_t> image, AnalyzeOptions options)
      : Napi::AsyncWorker(env, "proofgate:faceAnalyze"),
        deferred_(Napi::Promise::Deferred::New(env)),
        engine_(std::move(engine)),
        image_(Napi::Persistent(image.As<Napi::Object>())),  // keeps the bytes alive; read in place
        data_(image.Data()),
        size_(image.Length()),
        options_(options) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    try {
      result_ = AnalyzeFace(*engine_, data_, size_, options_);
    } catch (...) {
      error_ = ClassifyCurrentException();
      SetError(error_.message);
    }
  }

  void OnOK() override { deferred_.Resolve(AnalysisToJs(Env(), result_)); }

  void OnError(const Napi::Error&) override {
    deferred_.Reject(MakeCodedError(Env(), error_.code, error_.message).Value());
  }

 private:
  Napi::Promise::Deferred deferred_;
  std::shared_ptr<FaceEngine> engine_;
  Napi::ObjectReference image_;
  const uint8_t* data_;
  size_t size_;
  AnalyzeOptions options_;
  FaceAnalysisResult result_;
  CaughtError error_;
};

}  // namespace

Napi::Value AnalyzeFaceAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::shared_ptr<FaceEngine> engine = UnwrapEngine(info[0]);
  if (!info[1].IsBuffer()) throw Napi::TypeError::New(env, "faceAnalyze: image must be a Buffer");
  if (!info[2].IsObject()) throw Napi::TypeError::New(env, "faceAnalyze: options must be an object");
  AnalyzeOptions options = ReadAnalyzeOptions(info[2].As<Napi::Object>());
  if (!engine) {
    auto deferred = Napi::Promise::Deferred::New(env);
    deferred.Reject(MakeCodedError(env, face_codes::kEngineClosed, "the face engine is closed").Value());
    return deferred.Promise();
  }
  auto* worker = new AnalyzeFaceWorker(env, std::move(engine), info[1].As<Napi::Buffer<uint8_t>>(), options);
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace proofgate::face
