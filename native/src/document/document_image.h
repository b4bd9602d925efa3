// What every document operation shares: decoding the upload (with the shape guard every stage relies
// on) and converting points and bytes back to JavaScript.
#pragma once
#include <napi.h>
#include <opencv2/core.hpp>

#include <cstdint>
#include <vector>

namespace proofgate::document {

// Decodes a photo (EXIF orientation applied), refusing more than `maxPixels` and shapes no document
// fits (NativeError ERR_IMAGE_SHAPE). The bytes are read in place.
cv::Mat DecodeDocumentImage(const uint8_t* data, size_t size, uint64_t maxPixels);

// [[x, y], ...]
Napi::Array PointsToJs(Napi::Env env, const std::vector<cv::Point2f>& points);

// A Buffer owning a copy of `bytes` (encoder outputs are small).
Napi::Buffer<uint8_t> BytesToJs(Napi::Env env, const std::vector<uint8_t>& bytes);

}  // namespace proofgate::document
