// The one AsyncWorker every native operation runs on (the baton pattern). The operation fills a baton
// on the main thread from its arguments; BatonWorker runs `baton.Compute()` in Execute() (library code
// only, never Napi::) and `baton.ToJs(env)` in OnOK(). Anything Compute() throws (NativeError,
// cv::Exception, std::bad_alloc, std::exception) becomes a rejection with a stable `.code`. Input
// Buffers and typed arrays named at Queue() stay referenced until the worker settles, so cv::Mat
// headers over their bytes stay valid without a copy.
//
//   struct Baton {
//     void Compute();                      // worker thread
//     Napi::Value ToJs(Napi::Env env);     // main thread, on success
//   };
#pragma once
#include <napi.h>

#include <memory>
#include <utility>
#include <vector>

#include "common/native_error.h"

namespace proofgate {

template <typename Baton>
class BatonWorker : public Napi::AsyncWorker {
 public:
  // Queues the work and returns its promise. `name` labels the async resource (async_hooks, traces).
  static Napi::Promise Queue(Napi::Env env, const char* name, std::unique_ptr<Baton> baton, const std::vector<Napi::Object>& keepAlive = {}) {
    auto* worker = new BatonWorker(env, name, std::move(baton), keepAlive);
    Napi::Promise promise = worker->deferred_.Promise();
    worker->Napi::AsyncWorker::Queue();
    return promise;
  }

 protected:
  void Execute() override {
    try {
      baton_->Compute();
    } catch (...) {
      error_ = ClassifyCurrentException();
      SetError(error_.message);
    }
  }

  void OnOK() override {
    Release();
    Napi::Env env = Env();
    try {
      deferred_.Resolve(baton_->ToJs(env));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
  }

  void OnError(const Napi::Error&) override {
    Release();
    deferred_.Reject(MakeCodedError(Env(), error_.code, error_.message).Value());
  }

 private:
  BatonWorker(Napi::Env env, const char* name, std::unique_ptr<Baton> baton, const std::vector<Napi::Object>& keepAlive)
      : Napi::AsyncWorker(env, name), deferred_(Napi::Promise::Deferred::New(env)), baton_(std::move(baton)) {
    for (const auto& object : keepAlive) refs_.push_back(Napi::Persistent(object));
  }

  void Release() {
    for (auto& ref : refs_) ref.Reset();
    refs_.clear();
  }

  Napi::Promise::Deferred deferred_;
  std::unique_ptr<Baton> baton_;
  std::vector<Napi::ObjectReference> refs_;
  CaughtError error_;
};

}  // namespace proofgate
