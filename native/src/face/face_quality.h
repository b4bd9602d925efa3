// Capture-quality measurements. Numbers only: which values are acceptable is decided in TypeScript
// (src/biometrics/face-quality.ts) against the configured thresholds.
#pragma once
#include <opencv2/core.hpp>

#include "face/face_types.h"

namespace proofgate::face {

// `chip` is the aligned embedder input: a fixed-size, fixed-scale view of the face, so sharpness
// and exposure compare across photo resolutions.
FaceQuality MeasureFaceQuality(const FaceLandmarks& mesh, const cv::Mat& chip);

}  // namespace proofgate::face
