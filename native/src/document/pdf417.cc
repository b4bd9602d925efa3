#define ZX_USE_UTF8 1
#include "document/pdf417.h"

#include <ZXing/BitMatrix.h>
#include <ZXing/MultiFormatWriter.h>
#include <ZXing/ReadBarcode.h>

#include <opencv2/imgproc.hpp>

#include "common/native_error.h"

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

cv::Mat EncodePdf417(const std::string& payload, int width, int height, int margin) {
  ZXing::BitMatrix bits;
  try {
    bits = ZXing::MultiFormatWriter(ZXing::BarcodeFormat::PDF417).setMargin(margin).encode(payload, width, height);
  } catch (const std::exception& e) {
    throw NativeError("ERR_BARCODE_ENCODE", std::string("PDF417 encoding failed: ") + e.what());
  }
  const auto matrix = ZXing::ToMatrix<uint8_t>(bits);
  cv::Mat view(matrix.height(), matrix.width(), CV_8UC1, const_cast<uint8_t*>(matrix.data()));
  return view.clone();
}

}  // namespace proofgate::document
