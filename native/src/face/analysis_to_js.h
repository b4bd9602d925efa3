// Converts a FaceAnalysisResult into the plain object src/biometrics/native-face.ts declares.
#pragma once
#include <napi.h>

#include "face/face_analysis.h"

namespace proofgate::face {
Napi::Object AnalysisToJs(Napi::Env env, const FaceAnalysisResult& result);
}  // namespace proofgate::face
