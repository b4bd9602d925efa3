#include "document/pdf417.h"

#include <ZXing/ReadBarcode.h>

#include <opencv2/imgproc.hpp>

namespace proofgate::document {

Pdf417Read DecodePdf417(const cv::Mat& gray) {
  CV_Assert(gray.type() == CV_8UC1);
  Pdf417Read out;
  ZXing::ImageView view(gray.data, gray.cols, gray.rows, ZXing::ImageFormat::Lum, static_cast<int>(gray.step));
  ZXing::DecodeHints hints;
  hints.setFormats(ZXing::BarcodeFormat::PDF417);
  hints.setTryHarder(true);
  hints.setTryRotate(true);
  ZXing::Result result = ZXing::ReadBarcode(view, hints);
  if (!result.isValid()) return out;
  out.found = true;
  const auto& bytes = result.bytes();
  out.payload.assign(bytes.begin(), bytes.end());
  const auto& pos = result.position();
  for (int i = 0; i < 4; i++) out.corners.emplace_back(static_cast<float>(pos[i].x), static_cast<float>(pos[i].y));
  out.orientation = result.orientation();
  return out;
}

}  // namespace proofgate::document
