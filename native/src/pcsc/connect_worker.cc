// pcscConnect(context, reader, {exclusive, protocols}) -> Promise<{handle, protocol}>: `protocols` is
// the SCARD_PROTOCOL_T0/T1 bit mask TypeScript chose; `protocol` is the one the card and reader agreed.
#include <memory>
#include <string>

#include "common/baton_worker.h"
#include "common/registry.h"
#include "pcsc/pcsc_call.h"

namespace proofgate {
namespace {

struct ConnectBaton {
  SCARDCONTEXT context = 0;
  std::string reader;
  DWORD shareMode = SCARD_SHARE_EXCLUSIVE;
  DWORD protocols = 0;
  SCARDHANDLE card = 0;
  DWORD active = 0;

  void Compute() { pcsc::Check(SCardConnect(context, reader.c_str(), shareMode, protocols, &card, &active), "SCardConnect"); }

  Napi::Value ToJs(Napi::Env env) {
    Napi::Object out = Napi::Object::New(env);
    out.Set("handle", pcsc::HandleToJs(env, card));
    out.Set("protocol", static_cast<double>(active));
    return out;
  }
};

}  // namespace

Napi::Value PcscConnect(const Napi::CallbackInfo& info) {
  const js::Args args(info, "pcscConnect", 3);
  auto baton = std::make_unique<ConnectBaton>();
  baton->context = pcsc::HandleArg(args, 0);
  baton->reader = args.String(1);
  const js::Options options(args, 2, "options");
  baton->shareMode = options.Boolean("exclusive") ? SCARD_SHARE_EXCLUSIVE : SCARD_SHARE_SHARED;
  baton->protocols = static_cast<DWORD>(options.Unsigned("protocols"));
  return BatonWorker<ConnectBaton>::Queue(info.Env(), "proofgate:pcscConnect", std::move(baton));
}

}  // namespace proofgate
