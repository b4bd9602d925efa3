// PDF417 through zxing-cpp 1.4 (Debian libzxing): decode the barcode on a licence's back. (The
// test addon's encoder, native/test/pdf417_writer.cc, uses the same library's writer.)
#pragma once
#include <opencv2/core.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace proofgate::document {

struct Pdf417Read {
  bool found = false;
  std::vector<uint8_t> payload;      // the symbol's bytes as encoded, no character-set conversion
  std::vector<cv::Point2f> corners;  // TL, TR, BR, BL of the symbol
  int orientation = 0;               // degrees
};

Pdf417Read DecodePdf417(const cv::Mat& gray);

}  // namespace proofgate::document
