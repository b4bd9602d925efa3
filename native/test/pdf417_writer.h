// A PDF417 symbol for tests, through zxing-cpp 1.4's writer (the library the addon decodes with).
#pragma once
#include <opencv2/core.hpp>

#include <string>

namespace proofgate::testing {

// A white-margined black-on-white PDF417 symbol, at least `width` x `height` pixels.
cv::Mat EncodePdf417(const std::string& payload, int width, int height, int margin);

}  // namespace proofgate::testing
