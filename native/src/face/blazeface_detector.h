// BlazeFace detection, ported from @vladmandic/human src/face/blazeface.ts: anchor grid, box and
// keypoint decoding, non-maximum suppression. The image is letterboxed (aspect kept) instead of
// stretched, optionally with a margin so a face filling the whole frame looks like the faces the
// model was trained on (face_analysis.cc decides when to make that second pass).
#pragma once
#include <functional>
#include <string>
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

// One forward pass of the detector: the 1x3xHxW input in, the named outputs back in that order.
// The engine's cv::dnn::Net, or a model run outside the native pipeline (face/external_forward.h).
using DetectorForward = std::function<std::vector<cv::Mat>(const cv::Mat& input, const std::vector<std::string>& outputs)>;

// Anchor centres in input pixels, in the order the model's outputs list them.
std::vector<cv::Point2f> MakeBlazeFaceAnchors(const DetectorSpec& spec);

// Faces best score first. `padding`: margin added on every side, as a fraction of the image's long side.
std::vector<FaceDetection> DetectFaces(const DetectorForward& forward, const cv::Mat& bgr, const DetectorSpec& spec,
                                       const std::vector<cv::Point2f>& anchors, const DetectOptions& options,
                                       float padding);

}  // namespace proofgate::face
