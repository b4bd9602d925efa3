#include "face/engine_handle.h"

#include "common/native_error.h"

namespace proofgate::face {
namespace {

// Random, fixed: marks Externals this file made, so a foreign External is refused, not cast.
constexpr napi_type_tag kEngineTag = {0x6d1f0f4c8a2b43e1ULL, 0x9b5e7a3c2d104f87ULL};

using Holder = std::shared_ptr<FaceEngine>;

Holder* HolderOf(const Napi::Value& handle) {
  if (!handle.IsExternal() || !handle.As<Napi::External<Holder>>().CheckTypeTag(&kEngineTag)) {
    throw MakeArgumentError(handle.Env(), "not a face engine handle");
  }
  return handle.As<Napi::External<Holder>>().Data();
}

}  // namespace

Napi::External<Holder> WrapEngine(Napi::Env env, Holder engine) {
  auto external = Napi::External<Holder>::New(env, new Holder(std::move(engine)), [](Napi::Env, Holder* h) { delete h; });
  external.TypeTag(&kEngineTag);
  return external;
}

Holder UnwrapEngine(const Napi::Value& handle) { return *HolderOf(handle); }

void CloseEngine(const Napi::Value& handle) { HolderOf(handle)->reset(); }

}  // namespace proofgate::face
