// Fills a network's NCHW float input from an 8-bit BGR image already at the input size.
#pragma once
#include <opencv2/core.hpp>

#include "face/model_spec.h"

namespace proofgate::face {

// Returns a 1x3xHxW CV_32F blob. One pass over the pixels: channel swap, mean and std together,
// which cv::dnn::blobFromImage cannot do per channel.
cv::Mat MakeInputBlob(const cv::Mat& bgrAtInputSize, const InputSpec& spec);

}  // namespace proofgate::face
