#include "dnn/dnn_net_handle.h"

#include "common/native_error.h"

namespace proofgate::dnn {
namespace {

// Random, fixed: marks Externals this file made, so a foreign External is refused, not cast.
constexpr napi_type_tag kNetTag = {0x3c71d05e9a4b2f18ULL, 0x8e62b1f4c0d7a935ULL};

using Holder = std::shared_ptr<SharedNet>;

Holder* HolderOf(const Napi::Value& handle) {
  if (!handle.IsExternal() || !handle.As<Napi::External<Holder>>().CheckTypeTag(&kNetTag)) {
    throw MakeArgumentError(handle.Env(), "not an OpenCV net handle from dnnNetLoad");
  }
  return handle.As<Napi::External<Holder>>().Data();
}

}  // namespace

Napi::External<Holder> WrapNet(Napi::Env env, Holder net) {
  auto external = Napi::External<Holder>::New(env, new Holder(std::move(net)), [](Napi::Env, Holder* h) { delete h; });
  external.TypeTag(&kNetTag);
  return external;
}

Holder UnwrapNet(const Napi::Value& handle) { return *HolderOf(handle); }

void CloseNet(const Napi::Value& handle) { HolderOf(handle)->reset(); }

}  // namespace proofgate::dnn
