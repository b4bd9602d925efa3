#include "search/index_handle.h"

#include <string>

#include "common/native_error.h"

namespace proofgate::search {
namespace {

// Random, fixed: marks Externals this file made.
constexpr napi_type_tag kTemplateIndexTag = {0x5d2f8a61c03e4b97ULL, 0x8e14b7d2a95c6f30ULL};

using Holder = std::shared_ptr<TemplateIndex>;

}  // namespace

Napi::External<Holder> WrapTemplateIndex(Napi::Env env, Holder index) {
  auto external = Napi::External<Holder>::New(env, new Holder(std::move(index)), [](Napi::Env, Holder* h) { delete h; });
  external.TypeTag(&kTemplateIndexTag);
  return external;
}

Holder UnwrapTemplateIndex(const Napi::Value& handle) {
  if (!handle.IsExternal() || !handle.As<Napi::External<Holder>>().CheckTypeTag(&kTemplateIndexTag)) {
    throw MakeArgumentError(handle.Env(), "not a template index handle");
  }
  return *handle.As<Napi::External<Holder>>().Data();
}

Napi::Int32Array Int32ArrayArgument(const Napi::CallbackInfo& info, size_t i, const char* what) {
  const Napi::Value v = info[i];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    throw MakeArgumentError(info.Env(), std::string(what) + ": expected an Int32Array");
  }
  return v.As<Napi::Int32Array>();
}

Napi::Float32Array Float32ArrayArgument(const Napi::CallbackInfo& info, size_t i, const char* what) {
  const Napi::Value v = info[i];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw MakeArgumentError(info.Env(), std::string(what) + ": expected a Float32Array");
  }
  return v.As<Napi::Float32Array>();
}

}  // namespace proofgate::search
