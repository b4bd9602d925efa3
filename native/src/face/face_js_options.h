// Copies the options TypeScript validated into plain C++ structs, on the main thread. A value of the
// wrong shape still throws a TypeError naming the key (a guard, not the validation).
#pragma once
#include <napi.h>

#include "face/face_analysis.h"
#include "face/model_spec.h"

namespace proofgate::face {

EngineSpec ReadEngineSpec(const Napi::Object& options);
AnalyzeOptions ReadAnalyzeOptions(const Napi::Object& options);

}  // namespace proofgate::face
