// templateIndexInfo(handle) -> {dimension, encoding, slots, live, capacity, bytesPerTemplate, bytes, kernels}.
#include "common/js_args.h"
#include "common/registry.h"
#include "search/index_handle.h"

namespace proofgate {

Napi::Value TemplateIndexInfo(const Napi::CallbackInfo& info) {
  const js::Args args(info, "templateIndexInfo", 1);
  const search::TemplateIndex::Info d = search::UnwrapTemplateIndex(args.Value(0))->Describe();
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  out.Set("dimension", Napi::Number::New(env, d.dim));
  out.Set("encoding", Napi::String::New(env, search::EncodingName(d.encoding)));
  out.Set("slots", Napi::Number::New(env, double(d.slots)));
  out.Set("live", Napi::Number::New(env, double(d.live)));
  out.Set("capacity", Napi::Number::New(env, double(d.capacity)));
  out.Set("bytesPerTemplate", Napi::Number::New(env, double(d.bytesPerTemplate)));
  out.Set("bytes", Napi::Number::New(env, double(d.bytes)));
  out.Set("kernels", Napi::String::New(env, d.kernels));
  return out;
}

}  // namespace proofgate
