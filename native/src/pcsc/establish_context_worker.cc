// pcscEstablishContext() -> Promise<bigint>: a PC/SC context with pcscd (SCARD_SCOPE_SYSTEM). The
// daemon's socket comes from libpcsclite's PCSCLITE_CSOCK_NAME environment variable when set.
#include <memory>

#include "common/baton_worker.h"
#include "common/registry.h"
#include "pcsc/pcsc_call.h"

namespace proofgate {
namespace {

struct EstablishContextBaton {
  SCARDCONTEXT context = 0;
  void Compute() { pcsc::Check(SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &context), "SCardEstablishContext"); }
  Napi::Value ToJs(Napi::Env env) { return pcsc::HandleToJs(env, context); }
};

}  // namespace

Napi::Value PcscEstablishContext(const Napi::CallbackInfo& info) {
  const js::Args args(info, "pcscEstablishContext", 0);
  return BatonWorker<EstablishContextBaton>::Queue(info.Env(), "proofgate:pcscEstablishContext", std::make_unique<EstablishContextBaton>());
}

}  // namespace proofgate
