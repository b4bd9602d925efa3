#include "liveness/passive_pad_handle.h"

#include "common/native_error.h"

namespace proofgate::liveness {
namespace {

// Random, fixed: marks Externals this file made, so a face engine handle (or any other) is refused, not cast.
constexpr napi_type_tag kPassivePadTag = {0x3c9a5e21d47b4f08ULL, 0xa61e0d9b72c35f14ULL};

using Holder = std::shared_ptr<PassivePadModel>;

Holder* HolderOf(const Napi::Value& handle) {
  if (!handle.IsExternal() || !handle.As<Napi::External<Holder>>().CheckTypeTag(&kPassivePadTag)) {
    throw MakeArgumentError(handle.Env(), "not a passive PAD model handle");
  }
  return handle.As<Napi::External<Holder>>().Data();
}

}  // namespace

Napi::External<Holder> WrapPassivePad(Napi::Env env, Holder model) {
  auto external = Napi::External<Holder>::New(env, new Holder(std::move(model)), [](Napi::Env, Holder* h) { delete h; });
  external.TypeTag(&kPassivePadTag);
  return external;
}

Holder UnwrapPassivePad(const Napi::Value& handle) { return *HolderOf(handle); }

void ClosePassivePad(const Napi::Value& handle) { HolderOf(handle)->reset(); }

}  // namespace proofgate::liveness
