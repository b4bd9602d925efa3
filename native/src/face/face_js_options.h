// Copies the options TypeScript built from validated configuration into plain C++ structs, on the main
// thread. Every key is required (common/js_args.h): a missing or mistyped one throws ERR_NATIVE_ARGUMENT.
#pragma once
#include <napi.h>

#include "common/js_args.h"
#include "face/face_analysis.h"
#include "face/model_spec.h"

namespace proofgate::face {

// A network input's size and normalisation ({width, height, mean, std, channelOrder}); other models reuse it.
InputSpec ReadInputSpec(const js::Options& input);
EngineSpec ReadEngineSpec(const js::Options& options);
AnalyzeOptions ReadAnalyzeOptions(const js::Options& options);

}  // namespace proofgate::face
