#include "document/document_image.h"

#include <algorithm>
#include <string>

#include "common/native_error.h"
#include "face/image_decode.h"

namespace proofgate::document {
namespace {

// Every document stage rescales to a working width; a sliver (1 x 40M pixels) would scale to an
// enormous frame, so the shape is checked right after decoding. A memory guard, not a policy.
constexpr int kMinSide = 32;
constexpr double kMaxAspect = 12;

}  // namespace

cv::Mat DecodeDocumentImage(const uint8_t* data, size_t size, uint64_t maxPixels) {
  cv::Mat bgr = face::DecodeImage(data, size, maxPixels).bgr;
  const int shortSide = std::min(bgr.cols, bgr.rows), longSide = std::max(bgr.cols, bgr.rows);
  if (shortSide < kMinSide || longSide > kMaxAspect * shortSide) {
    throw NativeError("ERR_IMAGE_SHAPE", "a " + std::to_string(bgr.cols) + "x" + std::to_string(bgr.rows) +
                                             " image cannot hold a document (sides of at least 32 pixels, aspect ratio at most 12)");
  }
  return bgr;
}

Napi::Array PointsToJs(Napi::Env env, const std::vector<cv::Point2f>& points) {
  Napi::Array a = Napi::Array::New(env, points.size());
  for (size_t i = 0; i < points.size(); i++) {
    Napi::Array p = Napi::Array::New(env, 2);
    p.Set(0u, points[i].x);
    p.Set(1u, points[i].y);
    a.Set(static_cast<uint32_t>(i), p);
  }
  return a;
}

Napi::Buffer<uint8_t> BytesToJs(Napi::Env env, const std::vector<uint8_t>& bytes) {
  return Napi::Buffer<uint8_t>::Copy(env, bytes.data(), bytes.size());
}

}  // namespace proofgate::document
