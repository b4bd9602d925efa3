// Shared pieces of the PC/SC binding (libpcsclite): a failed SCard* call becomes a NativeError whose
// code is "ERR_PCSC_" + the 8-digit hex return value, so TypeScript (src/native/pcsc.ts) owns the
// mapping of PC/SC codes to device errors; handles cross to JavaScript as BigInts (LONG on Linux).
#pragma once
#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>
#include <napi.h>

#include "common/js_args.h"

namespace proofgate::pcsc {

// Throws NativeError("ERR_PCSC_xxxxxxxx", "<operation>: <pcsc_stringify_error>") unless rv is SCARD_S_SUCCESS.
void Check(LONG rv, const char* operation);

// Reads argument i as a BigInt handle (SCARDCONTEXT or SCARDHANDLE); throws ERR_NATIVE_ARGUMENT otherwise.
LONG HandleArg(const js::Args& args, size_t i);

inline Napi::BigInt HandleToJs(Napi::Env env, LONG handle) { return Napi::BigInt::New(env, static_cast<int64_t>(handle)); }

}  // namespace proofgate::pcsc
