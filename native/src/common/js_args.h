// Reads the arguments TypeScript built from validated configuration into plain C++ values, on the main
// thread. Every key is required and nothing here holds a value of its own: a missing key or a value of
// the wrong type throws a TypeError with code ERR_NATIVE_ARGUMENT naming the operation and the key.
// These are shape guards against memory errors, not validation (that lives in TypeScript).
#pragma once
#include <napi.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace proofgate::js {

// The positional arguments of one call, `name` being the export's name ("documentMeasure").
class Args {
 public:
  Args(const Napi::CallbackInfo& info, const char* name, size_t count);

  Napi::Object Object(size_t i) const;
  Napi::Buffer<uint8_t> Buffer(size_t i) const;
  std::string String(size_t i) const;
  double Number(size_t i) const;
  Napi::Value Value(size_t i) const { return info_[i]; }
  Napi::Env Env() const { return info_.Env(); }
  const std::string& Name() const { return name_; }

 private:
  [[noreturn]] void Fail(size_t i, const char* expectation) const;

  const Napi::CallbackInfo& info_;
  std::string name_;
};

// One options object; `path` names it in errors ("documentMeasure options", "... options.regions[2]").
class Options {
 public:
  Options(Napi::Object object, std::string path);
  Options(const Args& args, size_t i, const std::string& what);

  double Number(const char* key) const;
  int Int(const char* key) const;        // a number with no fractional part, within int range
  uint64_t Unsigned(const char* key) const;  // a non-negative integer (pixel counts, seeds)
  bool Boolean(const char* key) const;
  std::string String(const char* key) const;
  Napi::Buffer<uint8_t> Buffer(const char* key) const;
  Napi::Float32Array Float32Array(const char* key) const;
  Options Object(const char* key) const;
  std::vector<Options> Objects(const char* key) const;
  std::vector<double> Numbers(const char* key) const;
  std::vector<std::vector<double>> NumberLists(const char* key) const;  // an array of arrays of numbers
  std::vector<std::string> Strings(const char* key) const;
  // The key must be present; null is its explicit "none" (never a default).
  std::optional<double> NumberOrNull(const char* key) const;
  std::optional<Napi::Buffer<uint8_t>> BufferOrNull(const char* key) const;

  Napi::Env Env() const { return object_.Env(); }
  const std::string& Path() const { return path_; }

 private:
  Napi::Value Get(const char* key) const;
  [[noreturn]] void Fail(const char* key, const char* expectation) const;

  Napi::Object object_;
  std::string path_;
};

}  // namespace proofgate::js
