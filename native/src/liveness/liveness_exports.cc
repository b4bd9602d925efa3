// Registers the liveness capability's exports (declared in common/registry.h).
#include <napi.h>

#include "common/registry.h"
#include "liveness/depth_checks_worker.h"

namespace proofgate {

void RegisterLiveness(Napi::Env env, Napi::Object exports) {
  exports.Set("livenessDepthChecks", Napi::Function::New(env, liveness::DepthChecksAsync));
}

}  // namespace proofgate
