#define ZX_USE_UTF8 1
#include "pdf417_writer.h"

#include <ZXing/BitMatrix.h>
#include <ZXing/MultiFormatWriter.h>

#include "common/native_error.h"

namespace proofgate::testing {

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

}  // namespace proofgate::testing
