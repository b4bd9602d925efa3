// pcscReleaseContext(context) -> Promise<void>.
#include <memory>

#include "common/baton_worker.h"
#include "common/registry.h"
#include "pcsc/pcsc_call.h"

namespace proofgate {
namespace {

struct ReleaseContextBaton {
  SCARDCONTEXT context = 0;
  void Compute() { pcsc::Check(SCardReleaseContext(context), "SCardReleaseContext"); }
  Napi::Value ToJs(Napi::Env env) { return env.Undefined(); }
};

}  // namespace

Napi::Value PcscReleaseContext(const Napi::CallbackInfo& info) {
  const js::Args args(info, "pcscReleaseContext", 1);
  auto baton = std::make_unique<ReleaseContextBaton>();
  baton->context = pcsc::HandleArg(args, 0);
  return BatonWorker<ReleaseContextBaton>::Queue(info.Env(), "proofgate:pcscReleaseContext", std::move(baton));
}

}  // namespace proofgate
