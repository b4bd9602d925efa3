// Reads an image's format and dimensions from its first bytes, so the pixel limit is enforced before
// any decoder allocates a frame. Only JPEG, PNG and WebP are accepted: every other OpenCV codec
// (TIFF, EXR, JPEG 2000, GDAL, ...) is attack surface this appliance does not need.
#pragma once
#include <cstddef>
#include <cstdint>

namespace proofgate::face {

enum class ImageFormat { kJpeg, kPng, kWebp };

const char* ImageFormatName(ImageFormat format);

struct ImageHeader {
  ImageFormat format;
  uint32_t width;   // as stored, before any EXIF orientation
  uint32_t height;
};

// Throws NativeError with ERR_IMAGE_EMPTY, ERR_IMAGE_UNSUPPORTED, ERR_IMAGE_DECODE or
// ERR_IMAGE_TRUNCATED. Never reads past `size`.
ImageHeader ReadImageHeader(const uint8_t* data, size_t size);

}  // namespace proofgate::face
