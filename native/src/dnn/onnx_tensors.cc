#include "dnn/onnx_tensors.h"

#include <cstring>

#include "common/js_args.h"
#include "common/native_error.h"

namespace proofgate::dnn {

InputTensors ReadInputTensors(const Napi::Value& value, const std::string& operation) {
  Napi::Env env = value.Env();
  if (!value.IsArray()) throw MakeArgumentError(env, operation + ": inputs must be an array");
  InputTensors out;
  Napi::Array inputs = value.As<Napi::Array>();
  for (uint32_t i = 0; i < inputs.Length(); i++) {
    const std::string where = operation + " inputs[" + std::to_string(i) + "]";
    Napi::Value item = inputs.Get(i);
    if (!item.IsObject()) throw MakeArgumentError(env, where + " must be an object");
    const js::Options spec(item.As<Napi::Object>(), where);
    Napi::Float32Array data = spec.Float32Array("data");
    std::vector<int> shape;
    size_t total = 1;
    for (double d : spec.Numbers("shape")) {
      if (d < 1 || d > 1 << 24 || d != static_cast<int>(d)) throw MakeArgumentError(env, where + " shape dimensions must be positive integers");
      shape.push_back(static_cast<int>(d));
      total *= static_cast<size_t>(d);
    }
    // Never read past the caller's memory, whatever the TypeScript layer let through.
    if (shape.empty() || total != data.ElementLength()) throw MakeArgumentError(env, where + " shape does not match its data length");
    out.names.push_back(spec.String("name"));
    out.blobs.emplace_back(static_cast<int>(shape.size()), shape.data(), CV_32F, data.Data());
    out.keepAlive.push_back(data);
  }
  return out;
}

std::vector<std::string> ReadOutputNames(const Napi::Value& value, const std::string& operation) {
  Napi::Env env = value.Env();
  if (!value.IsArray()) throw MakeArgumentError(env, operation + ": outputNames must be an array");
  std::vector<std::string> names;
  Napi::Array array = value.As<Napi::Array>();
  for (uint32_t i = 0; i < array.Length(); i++) {
    Napi::Value name = array.Get(i);
    if (!name.IsString()) throw MakeArgumentError(env, operation + ": outputNames must hold strings");
    names.push_back(name.As<Napi::String>().Utf8Value());
  }
  return names;
}

Napi::Array OutputTensorsToJs(Napi::Env env, const std::vector<OutputTensor>& outputs) {
  Napi::Array out = Napi::Array::New(env, outputs.size());
  for (size_t i = 0; i < outputs.size(); i++) {
    const OutputTensor& t = outputs[i];
    CV_Assert(t.blob.type() == CV_32F && t.blob.isContinuous());
    Napi::Float32Array data = Napi::Float32Array::New(env, t.blob.total());
    std::memcpy(data.Data(), t.blob.ptr<float>(), t.blob.total() * sizeof(float));
    Napi::Array shape = Napi::Array::New(env, t.blob.dims);
    for (int d = 0; d < t.blob.dims; d++) shape.Set(static_cast<uint32_t>(d), Napi::Number::New(env, t.blob.size[d]));
    Napi::Object entry = Napi::Object::New(env);
    entry.Set("name", Napi::String::New(env, t.name));
    entry.Set("data", data);
    entry.Set("shape", shape);
    out.Set(static_cast<uint32_t>(i), entry);
  }
  return out;
}

}  // namespace proofgate::dnn
