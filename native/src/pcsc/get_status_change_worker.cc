// pcscGetStatusChange(context, reader, currentState, timeoutMs) -> Promise<{eventState, atr}>: waits
// until the reader's state differs from `currentState` (SCARD_STATE_* bits) or the timeout passes
// (SCARD_E_TIMEOUT). pcscCancel(context) ends a wait early with SCARD_E_CANCELLED.
#include <memory>
#include <string>

#include "common/baton_worker.h"
#include "common/registry.h"
#include "pcsc/pcsc_call.h"

namespace proofgate {
namespace {

struct GetStatusChangeBaton {
  SCARDCONTEXT context = 0;
  std::string reader;
  DWORD currentState = SCARD_STATE_UNAWARE;
  DWORD timeoutMs = 0;
  SCARD_READERSTATE state{};

  void Compute() {
    state.szReader = reader.c_str();
    state.dwCurrentState = currentState;
    pcsc::Check(SCardGetStatusChange(context, timeoutMs, &state, 1), "SCardGetStatusChange");
  }

  Napi::Value ToJs(Napi::Env env) {
    Napi::Object out = Napi::Object::New(env);
    out.Set("eventState", static_cast<double>(state.dwEventState));
    out.Set("atr", Napi::Buffer<uint8_t>::Copy(env, state.rgbAtr, state.cbAtr <= MAX_ATR_SIZE ? state.cbAtr : 0));
    return out;
  }
};

}  // namespace

Napi::Value PcscGetStatusChange(const Napi::CallbackInfo& info) {
  const js::Args args(info, "pcscGetStatusChange", 4);
  auto baton = std::make_unique<GetStatusChangeBaton>();
  baton->context = pcsc::HandleArg(args, 0);
  baton->reader = args.String(1);
  baton->currentState = static_cast<DWORD>(args.Number(2));
  baton->timeoutMs = static_cast<DWORD>(args.Number(3));
  return BatonWorker<GetStatusChangeBaton>::Queue(info.Env(), "proofgate:pcscGetStatusChange", std::move(baton));
}

// Synchronous: SCardCancel only signals the daemon, and must run while the wait occupies a worker.
Napi::Value PcscCancel(const Napi::CallbackInfo& info) {
  const js::Args args(info, "pcscCancel", 1);
  const LONG rv = SCardCancel(pcsc::HandleArg(args, 0));
  return Napi::Boolean::New(info.Env(), rv == SCARD_S_SUCCESS);
}

}  // namespace proofgate
