// Errors raised inside AsyncWorker::Execute() carry a stable code that TypeScript maps to its own
// error family (src/native/call-native.ts). Nothing thrown by OpenCV or the STL may escape Execute().
#pragma once
#include <napi.h>
#include <stdexcept>
#include <string>

namespace proofgate {

// A call whose arguments are missing a key or hold a value of the wrong type (thrown on the main
// thread, before any work is queued). TypeScript builds every argument, so this is always a bug there.
inline constexpr const char* kArgumentCode = "ERR_NATIVE_ARGUMENT";

class NativeError : public std::runtime_error {
 public:
  NativeError(std::string code, const std::string& message)
      : std::runtime_error(message), code_(std::move(code)) {}
  const std::string& code() const { return code_; }

 private:
  std::string code_;
};

// Turns a caught exception into (code, message) without throwing.
struct CaughtError {
  std::string code;
  std::string message;
};

// Call inside a catch-all in Execute(); rethrows the current exception to classify it.
CaughtError ClassifyCurrentException();

// Builds a JS Error with `.code` set, for OnError().
Napi::Error MakeCodedError(Napi::Env env, const std::string& code, const std::string& message);

// Builds a JS TypeError with `.code` = ERR_NATIVE_ARGUMENT, for argument readers on the main thread.
Napi::TypeError MakeArgumentError(Napi::Env env, const std::string& message);

}  // namespace proofgate
