#include "common/js_args.h"

#include <cmath>
#include <limits>

#include "common/native_error.h"

namespace proofgate::js {

Args::Args(const Napi::CallbackInfo& info, const char* name, size_t count) : info_(info), name_(name) {
  if (info.Length() != count) {
    throw MakeArgumentError(info.Env(), name_ + ": expected " + std::to_string(count) + " arguments, received " + std::to_string(info.Length()));
  }
}

void Args::Fail(size_t i, const char* expectation) const {
  throw MakeArgumentError(info_.Env(), name_ + ": argument " + std::to_string(i) + " must be " + expectation);
}

Napi::Object Args::Object(size_t i) const {
  if (!info_[i].IsObject() || info_[i].IsArray()) Fail(i, "an object");
  return info_[i].As<Napi::Object>();
}

Napi::Buffer<uint8_t> Args::Buffer(size_t i) const {
  if (!info_[i].IsBuffer()) Fail(i, "a Buffer");
  return info_[i].As<Napi::Buffer<uint8_t>>();
}

std::string Args::String(size_t i) const {
  if (!info_[i].IsString()) Fail(i, "a string");
  return info_[i].As<Napi::String>().Utf8Value();
}

double Args::Number(size_t i) const {
  if (!info_[i].IsNumber()) Fail(i, "a number");
  return info_[i].As<Napi::Number>().DoubleValue();
}

Options::Options(Napi::Object object, std::string path) : object_(object), path_(std::move(path)) {}

Options::Options(const Args& args, size_t i, const std::string& what) : object_(args.Object(i)), path_(args.Name() + " " + what) {}

void Options::Fail(const char* key, const char* expectation) const {
  throw MakeArgumentError(object_.Env(), path_ + "." + key + " must be " + expectation);
}

Napi::Value Options::Get(const char* key) const {
  Napi::Value value = object_.Get(key);
  if (value.IsUndefined()) throw MakeArgumentError(object_.Env(), path_ + "." + key + " is missing");
  return value;
}

double Options::Number(const char* key) const {
  Napi::Value value = Get(key);
  if (!value.IsNumber()) Fail(key, "a number");
  const double d = value.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d)) Fail(key, "a finite number");
  return d;
}

int Options::Int(const char* key) const {
  const double d = Number(key);
  if (d != std::trunc(d) || d < std::numeric_limits<int>::min() || d > std::numeric_limits<int>::max()) Fail(key, "an integer");
  return static_cast<int>(d);
}

uint64_t Options::Unsigned(const char* key) const {
  const double d = Number(key);
  if (d != std::trunc(d) || d < 0 || d > 9007199254740991.0) Fail(key, "a non-negative integer");
  return static_cast<uint64_t>(d);
}

bool Options::Boolean(const char* key) const {
  Napi::Value value = Get(key);
  if (!value.IsBoolean()) Fail(key, "a boolean");
  return value.As<Napi::Boolean>().Value();
}

std::string Options::String(const char* key) const {
  Napi::Value value = Get(key);
  if (!value.IsString()) Fail(key, "a string");
  return value.As<Napi::String>().Utf8Value();
}

Napi::Buffer<uint8_t> Options::Buffer(const char* key) const {
  Napi::Value value = Get(key);
  if (!value.IsBuffer()) Fail(key, "a Buffer");
  return value.As<Napi::Buffer<uint8_t>>();
}

Napi::Float32Array Options::Float32Array(const char* key) const {
  Napi::Value value = Get(key);
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) Fail(key, "a Float32Array");
  return value.As<Napi::Float32Array>();
}

Options Options::Object(const char* key) const {
  Napi::Value value = Get(key);
  if (!value.IsObject() || value.IsArray()) Fail(key, "an object");
  return Options(value.As<Napi::Object>(), path_ + "." + key);
}

std::vector<Options> Options::Objects(const char* key) const {
  Napi::Value value = Get(key);
  if (!value.IsArray()) Fail(key, "an array of objects");
  Napi::Array array = value.As<Napi::Array>();
  std::vector<Options> out;
  for (uint32_t i = 0; i < array.Length(); ++i) {
    Napi::Value item = array.Get(i);
    if (!item.IsObject() || item.IsArray()) Fail(key, "an array of objects");
    out.emplace_back(item.As<Napi::Object>(), path_ + "." + key + "[" + std::to_string(i) + "]");
  }
  return out;
}

std::vector<double> Options::Numbers(const char* key) const {
  Napi::Value value = Get(key);
  if (!value.IsArray()) Fail(key, "an array of numbers");
  Napi::Array array = value.As<Napi::Array>();
  std::vector<double> out;
  for (uint32_t i = 0; i < array.Length(); ++i) {
    Napi::Value item = array.Get(i);
    if (!item.IsNumber() || !std::isfinite(item.As<Napi::Number>().DoubleValue())) Fail(key, "an array of numbers");
    out.push_back(item.As<Napi::Number>().DoubleValue());
  }
  return out;
}

std::vector<std::vector<double>> Options::NumberLists(const char* key) const {
  Napi::Value value = Get(key);
  if (!value.IsArray()) Fail(key, "an array of arrays of numbers");
  Napi::Array array = value.As<Napi::Array>();
  std::vector<std::vector<double>> out;
  for (uint32_t i = 0; i < array.Length(); ++i) {
    Napi::Value item = array.Get(i);
    if (!item.IsArray()) Fail(key, "an array of arrays of numbers");
    Napi::Array inner = item.As<Napi::Array>();
    std::vector<double> numbers;
    for (uint32_t k = 0; k < inner.Length(); ++k) {
      Napi::Value n = inner.Get(k);
      if (!n.IsNumber() || !std::isfinite(n.As<Napi::Number>().DoubleValue())) Fail(key, "an array of arrays of numbers");
      numbers.push_back(n.As<Napi::Number>().DoubleValue());
    }
    out.push_back(std::move(numbers));
  }
  return out;
}

std::vector<std::string> Options::Strings(const char* key) const {
  Napi::Value value = Get(key);
  if (!value.IsArray()) Fail(key, "an array of strings");
  Napi::Array array = value.As<Napi::Array>();
  std::vector<std::string> out;
  for (uint32_t i = 0; i < array.Length(); ++i) {
    Napi::Value item = array.Get(i);
    if (!item.IsString()) Fail(key, "an array of strings");
    out.push_back(item.As<Napi::String>().Utf8Value());
  }
  return out;
}

std::optional<double> Options::NumberOrNull(const char* key) const {
  if (Get(key).IsNull()) return std::nullopt;
  return Number(key);
}

std::optional<Napi::Buffer<uint8_t>> Options::BufferOrNull(const char* key) const {
  if (Get(key).IsNull()) return std::nullopt;
  return Buffer(key);
}

}  // namespace proofgate::js
