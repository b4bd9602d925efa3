// runtimeInfo() -> what the native side runs on, so /health can say it and the TS layer can pick a backend.
#include <opencv2/core.hpp>
#include <opencv2/core/ocl.hpp>
#include <opencv2/dnn.hpp>

#include "common/js_args.h"
#include "common/registry.h"

namespace proofgate {

Napi::Value RuntimeInfo(const Napi::CallbackInfo& info) {
  const js::Args args(info, "runtimeInfo", 0);
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  out.Set("opencvVersion", Napi::String::New(env, CV_VERSION));
  out.Set("threads", Napi::Number::New(env, cv::getNumThreads()));
  out.Set("haveOpenCL", Napi::Boolean::New(env, cv::ocl::haveOpenCL()));
  Napi::Array targets = Napi::Array::New(env);
  uint32_t i = 0;
  for (const auto& bt : cv::dnn::getAvailableBackends()) {
    Napi::Object pair = Napi::Object::New(env);
    pair.Set("backend", Napi::Number::New(env, bt.first));
    pair.Set("target", Napi::Number::New(env, bt.second));
    targets.Set(i++, pair);
  }
  out.Set("dnnBackends", targets);
  return out;
}

}  // namespace proofgate
