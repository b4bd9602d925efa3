// pcscDisconnect(card, reset) -> Promise<void>: ends the card session; `reset` resets the card so no
// secure-messaging state outlives the session.
#include <memory>

#include "common/baton_worker.h"
#include "common/registry.h"
#include "pcsc/pcsc_call.h"

namespace proofgate {
namespace {

struct DisconnectBaton {
  SCARDHANDLE card = 0;
  DWORD disposition = SCARD_LEAVE_CARD;
  void Compute() { pcsc::Check(SCardDisconnect(card, disposition), "SCardDisconnect"); }
  Napi::Value ToJs(Napi::Env env) { return env.Undefined(); }
};

}  // namespace

Napi::Value PcscDisconnect(const Napi::CallbackInfo& info) {
  const js::Args args(info, "pcscDisconnect", 2);
  auto baton = std::make_unique<DisconnectBaton>();
  baton->card = pcsc::HandleArg(args, 0);
  if (!args.Value(1).IsBoolean()) throw MakeArgumentError(info.Env(), "pcscDisconnect argument 1 must be a boolean");
  baton->disposition = args.Value(1).As<Napi::Boolean>().Value() ? SCARD_RESET_CARD : SCARD_LEAVE_CARD;
  return BatonWorker<DisconnectBaton>::Queue(info.Env(), "proofgate:pcscDisconnect", std::move(baton));
}

}  // namespace proofgate
