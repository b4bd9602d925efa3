// passivePadClose(handle): drops the handle's reference; a running score finishes on its own copy.
#include "common/js_args.h"
#include "common/registry.h"
#include "liveness/passive_pad_handle.h"

namespace proofgate {

Napi::Value PassivePadClose(const Napi::CallbackInfo& info) {
  const js::Args args(info, "passivePadClose", 1);
  liveness::ClosePassivePad(args.Value(0));
  return info.Env().Undefined();
}

}  // namespace proofgate
