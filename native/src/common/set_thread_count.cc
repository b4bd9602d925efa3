// setThreadCount(n): OpenCV's worker threads per call, process-wide (a negative n restores the per-core default).
#include <opencv2/core.hpp>

#include "common/js_args.h"
#include "common/registry.h"

namespace proofgate {

Napi::Value SetThreadCount(const Napi::CallbackInfo& info) {
  const js::Args args(info, "setThreadCount", 1);
  cv::setNumThreads(static_cast<int>(args.Number(0)));
  return info.Env().Undefined();
}

}  // namespace proofgate
