// Runs the embedding network on an aligned chip and returns its raw descriptor (unnormalised, as the
// model emits it: dlib's 128-d descriptors are compared by plain Euclidean distance).
#pragma once
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include "face/model_spec.h"

namespace proofgate::face {

std::vector<float> EmbedFaceChip(cv::dnn::Net& net, const cv::Mat& chip, const EmbedderSpec& spec);

}  // namespace proofgate::face
