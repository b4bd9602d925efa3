// BlazeFace detection, ported from @vladmandic/human src/face/blazeface.ts: anchor grid, box and
// keypoint decoding, non-maximum suppression. The image is letterboxed (aspect kept) instead of
// stretched, and a face filling the whole frame is found by a second pass on a padded canvas.
#pragma once
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include "face/face_types.h"
#include "face/model_spec.h"

namespace proofgate::face {

struct DetectOptions {
  float minScore = 0.5f;
  float iouThreshold = 0.3f;
  int maxFaces = 10;
  // Second pass when the first finds nothing: margin added on every side, as a fraction of the
  // image's long side. 0 turns the pass off.
  float tightCropPadding = 0.5f;
};

struct DetectResult {
  std::vector<FaceDetection> faces;  // best score first
  bool usedPadding = false;
};

// Anchor centres in input pixels, in the order the model's outputs list them.
std::vector<cv::Point2f> MakeBlazeFaceAnchors(const DetectorSpec& spec);

DetectResult DetectFaces(cv::dnn::Net& net, const cv::Mat& bgr, const DetectorSpec& spec,
                         const std::vector<cv::Point2f>& anchors, const DetectOptions& options);

}  // namespace proofgate::face
