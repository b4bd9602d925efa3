// One AsyncWorker for every document call: the caller fills a baton on the main thread, `compute`
// runs in Execute() (no Napi:: there), `convert` builds the JS value in OnOK(). Input Buffers are
// kept referenced until the worker finishes, so cv::Mat headers over their bytes stay valid.
#pragma once
#include <napi.h>

#include <functional>
#include <memory>
#include <vector>

#include "common/native_error.h"

namespace proofgate::document {

template <typename Baton>
class DocumentWorker : public Napi::AsyncWorker {
 public:
  using Compute = std::function<void(Baton&)>;
  using Convert = std::function<Napi::Value(Napi::Env, Baton&)>;

  DocumentWorker(Napi::Env env, std::unique_ptr<Baton> baton, std::vector<Napi::Value> keepAlive, Compute compute, Convert convert)
      : Napi::AsyncWorker(env), baton_(std::move(baton)), deferred_(Napi::Promise::Deferred::New(env)),
        compute_(std::move(compute)), convert_(std::move(convert)) {
    for (auto& v : keepAlive) refs_.push_back(Napi::Persistent(v.As<Napi::Object>()));
  }

  static Napi::Promise Start(Napi::Env env, std::unique_ptr<Baton> baton, std::vector<Napi::Value> keepAlive, Compute compute, Convert convert) {
    auto* worker = new DocumentWorker(env, std::move(baton), std::move(keepAlive), std::move(compute), std::move(convert));
    Napi::Promise promise = worker->deferred_.Promise();
    worker->Queue();
    return promise;
  }

  void Execute() override {
    try {
      compute_(*baton_);
    } catch (...) {
      error_ = ClassifyCurrentException();
      failed_ = true;
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    Release();
    if (failed_) {
      deferred_.Reject(MakeCodedError(env, error_.code, error_.message).Value());
      return;
    }
    try {
      deferred_.Resolve(convert_(env, *baton_));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
  }

  void OnError(const Napi::Error& e) override {
    Release();
    deferred_.Reject(e.Value());
  }

 private:
  void Release() {
    for (auto& r : refs_) r.Reset();
    refs_.clear();
  }

  std::unique_ptr<Baton> baton_;
  Napi::Promise::Deferred deferred_;
  Compute compute_;
  Convert convert_;
  std::vector<Napi::ObjectReference> refs_;
  CaughtError error_;
  bool failed_ = false;
};

}  // namespace proofgate::document
