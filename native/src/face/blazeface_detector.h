// BlazeFace detection, ported from @vladmandic/human src/face/blazeface.ts: anchor grid, box and
// keypoint decoding, non-maximum suppression. The image is letterboxed (aspect kept) instead of
// stretched, optionally with a margin so a face filling the whole frame looks like the faces the
// model was trained on (face_analysis.cc decides when to make that second pass).
#pragma once
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include "face/face_types.h"
#include "face/model_spec.h"

namespace proofgate::face {

struct DetectOptions {
  float minScore = 0;
  float iouThreshold = 0;
  int maxFaces = 0;
};

// Anchor centres in input pixels, in the order the model's outputs list them.
std::vector<cv::Point2f> MakeBlazeFaceAnchors(const DetectorSpec& spec);

// Faces best score first. `padding`: margin added on every side, as a fraction of the image's long side.
std::vector<FaceDetection> DetectFaces(cv::dnn::Net& net, const cv::Mat& bgr, const DetectorSpec& spec,
                                       const std::vector<cv::Point2f>& anchors, const DetectOptions& options,
                                       float padding);

}  // namespace proofgate::face
