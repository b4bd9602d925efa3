// dnnNetClose(handle): drops the handle's reference; a running forward pass finishes on its own copy.
#include "common/js_args.h"
#include "common/registry.h"
#include "dnn/dnn_net_handle.h"

namespace proofgate {

Napi::Value DnnNetClose(const Napi::CallbackInfo& info) {
  const js::Args args(info, "dnnNetClose", 1);
  dnn::CloseNet(args.Value(0));
  return info.Env().Undefined();
}

}  // namespace proofgate
