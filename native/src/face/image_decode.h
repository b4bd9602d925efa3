// Decodes an upload into an 8-bit BGR frame, upright as the camera meant it (EXIF orientation applied).
#pragma once
#include <opencv2/core.hpp>

#include <cstddef>
#include <cstdint>

#include "face/image_header.h"

namespace proofgate::face {

struct DecodedImage {
  ImageHeader header;
  cv::Mat bgr;  // CV_8UC3, after EXIF orientation
};

// The bytes are read in place through a Mat header (no copy). Rejects images whose header declares
// more than `maxPixels` pixels before decoding them. Throws NativeError with an ERR_IMAGE_* code.
DecodedImage DecodeImage(const uint8_t* data, size_t size, uint64_t maxPixels);

}  // namespace proofgate::face
