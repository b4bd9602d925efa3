#include "pcsc/pcsc_call.h"

#include <cstdio>
#include <string>

#include "common/native_error.h"

namespace proofgate::pcsc {

void Check(LONG rv, const char* operation) {
  if (rv == SCARD_S_SUCCESS) return;
  char code[24];
  std::snprintf(code, sizeof code, "ERR_PCSC_%08lX", static_cast<unsigned long>(rv) & 0xFFFFFFFFul);
  throw NativeError(code, std::string(operation) + ": " + pcsc_stringify_error(rv));
}

LONG HandleArg(const js::Args& args, size_t i) {
  const Napi::Value value = args.Value(i);
  if (!value.IsBigInt()) throw MakeArgumentError(args.Env(), args.Name() + " argument " + std::to_string(i) + " must be a BigInt handle");
  bool lossless = false;
  const int64_t handle = value.As<Napi::BigInt>().Int64Value(&lossless);
  if (!lossless) throw MakeArgumentError(args.Env(), args.Name() + " argument " + std::to_string(i) + " is out of range");
  return static_cast<LONG>(handle);
}

}  // namespace proofgate::pcsc
