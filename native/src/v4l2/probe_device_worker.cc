// v4l2ProbeDevice(device) -> Promise<{driver, card, busInfo, formats: string[]}>: VIDIOC_QUERYCAP and
// VIDIOC_ENUM_FMT on one node, for the agent's selftest.
#include <memory>

#include "common/baton_worker.h"
#include "common/js_args.h"
#include "common/registry.h"
#include "v4l2/v4l2_stream.h"

namespace proofgate {
namespace {

struct ProbeDeviceBaton {
  std::string device;
  v4l2::DeviceInfo result;

  void Compute() { result = v4l2::Probe(device); }

  Napi::Value ToJs(Napi::Env env) {
    Napi::Object out = Napi::Object::New(env);
    out.Set("driver", result.driver);
    out.Set("card", result.card);
    out.Set("busInfo", result.busInfo);
    Napi::Array formats = Napi::Array::New(env, result.formats.size());
    for (size_t i = 0; i < result.formats.size(); ++i) formats.Set(i, result.formats[i]);
    out.Set("formats", formats);
    return out;
  }
};

}  // namespace

Napi::Value V4l2ProbeDevice(const Napi::CallbackInfo& info) {
  const js::Args args(info, "v4l2ProbeDevice", 1);
  auto baton = std::make_unique<ProbeDeviceBaton>();
  baton->device = args.String(0);
  return BatonWorker<ProbeDeviceBaton>::Queue(info.Env(), "proofgate:v4l2ProbeDevice", std::move(baton));
}

}  // namespace proofgate
