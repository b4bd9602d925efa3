#include "face/image_header.h"

#include <cstring>

#include "common/native_error.h"
#include "face/face_codes.h"

namespace proofgate::face {
namespace {

uint32_t ReadBe16(const uint8_t* p) { return (uint32_t{p[0]} << 8) | p[1]; }
uint32_t ReadBe32(const uint8_t* p) { return (ReadBe16(p) << 16) | ReadBe16(p + 2); }
uint32_t ReadLe16(const uint8_t* p) { return uint32_t{p[0]} | (uint32_t{p[1]} << 8); }
uint32_t ReadLe24(const uint8_t* p) { return ReadLe16(p) | (uint32_t{p[2]} << 16); }

[[noreturn]] void Fail(const char* code, const std::string& message) { throw NativeError(code, message); }

[[noreturn]] void Truncated(const char* what) {
  Fail(face_codes::kImageTruncated, std::string("image data ends early (") + what + ")");
}

bool IsStartOfFrame(uint8_t marker) {
  // SOF0..SOF15 carry the frame size; C4 (DHT), C8 (JPG extension) and CC (DAC) share the range.
  return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

// Walks the marker segments up to the first scan. libjpeg decodes a cut-off scan into a grey-filled
// frame with only a warning, so a missing end-of-image marker after the scan is reported here.
ImageHeader ReadJpeg(const uint8_t* data, size_t size) {
  size_t pos = 2;
  uint32_t width = 0, height = 0;
  bool haveFrame = false;
  for (;;) {
    while (pos < size && data[pos] == 0xFF && pos + 1 < size && data[pos + 1] == 0xFF) ++pos;  // fill bytes
    if (pos + 2 > size) Truncated("JPEG marker segments");
    if (data[pos] != 0xFF) Fail(face_codes::kImageDecode, "invalid JPEG: marker expected");
    const uint8_t marker = data[pos + 1];
    pos += 2;
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) continue;  // markers without a length
    if (marker == 0xD9) Fail(face_codes::kImageDecode, "invalid JPEG: end of image before any scan");
    if (pos + 2 > size) Truncated("JPEG segment length");
    const uint32_t length = ReadBe16(data + pos);
    if (length < 2) Fail(face_codes::kImageDecode, "invalid JPEG: segment length below 2");
    if (pos + length > size) Truncated("JPEG segment");
    if (IsStartOfFrame(marker)) {
      if (length < 7) Fail(face_codes::kImageDecode, "invalid JPEG: short frame header");
      height = ReadBe16(data + pos + 3);
      width = ReadBe16(data + pos + 5);
      haveFrame = true;
    }
    if (marker == 0xDA) {
      if (!haveFrame) Fail(face_codes::kImageDecode, "invalid JPEG: scan before frame header");
      break;
    }
    pos += length;
  }
  if (width == 0 || height == 0) Fail(face_codes::kImageDecode, "invalid JPEG: zero width or height");
  // Entropy-coded data byte-stuffs 0xFF, so FF D9 after the first scan is a real end-of-image marker.
  // Searching backwards finds it at once in the usual case where it ends the file.
  bool haveEnd = false;
  for (size_t i = size - 1; i > pos; --i) {
    if (data[i] == 0xD9 && data[i - 1] == 0xFF) {
      haveEnd = true;
      break;
    }
  }
  if (!haveEnd) Truncated("JPEG has no end-of-image marker");
  return {ImageFormat::kJpeg, width, height};
}

ImageHeader ReadPng(const uint8_t* data, size_t size) {
  // 8-byte signature, then the IHDR chunk: length(4) "IHDR" width(4) height(4) ...
  if (size < 8 + 8 + 13 + 4) Truncated("PNG header");
  if (ReadBe32(data + 8) != 13 || std::memcmp(data + 12, "IHDR", 4) != 0) {
    Fail(face_codes::kImageDecode, "invalid PNG: first chunk is not IHDR");
  }
  const uint32_t width = ReadBe32(data + 16), height = ReadBe32(data + 20);
  if (width == 0 || height == 0 || width > 0x7FFFFFFF || height > 0x7FFFFFFF) {
    Fail(face_codes::kImageDecode, "invalid PNG: width or height out of range");
  }
  return {ImageFormat::kPng, width, height};
}

ImageHeader ReadWebp(const uint8_t* data, size_t size) {
  // "RIFF" size "WEBP", then the first chunk: "VP8 " (lossy), "VP8L" (lossless) or "VP8X" (extended).
  if (size < 32) Truncated("WebP header");  // OpenCV's WebP decoder reads a 32-byte header first
  const uint8_t* chunk = data + 12;
  const uint8_t* payload = data + 20;
  uint32_t width = 0, height = 0;
  if (std::memcmp(chunk, "VP8 ", 4) == 0) {
    if (payload[3] != 0x9D || payload[4] != 0x01 || payload[5] != 0x2A) {
      Fail(face_codes::kImageDecode, "invalid WebP: bad VP8 start code");
    }
    width = ReadLe16(payload + 6) & 0x3FFF;
    height = ReadLe16(payload + 8) & 0x3FFF;
  } else if (std::memcmp(chunk, "VP8L", 4) == 0) {
    if (payload[0] != 0x2F) Fail(face_codes::kImageDecode, "invalid WebP: bad VP8L signature");
    width = 1 + (uint32_t{payload[1]} | ((uint32_t{payload[2]} & 0x3F) << 8));
    height = 1 + ((uint32_t{payload[2]} >> 6) | (uint32_t{payload[3]} << 2) | ((uint32_t{payload[4]} & 0x0F) << 10));
  } else if (std::memcmp(chunk, "VP8X", 4) == 0) {
    width = 1 + ReadLe24(payload + 4);
    height = 1 + ReadLe24(payload + 7);
  } else {
    Fail(face_codes::kImageDecode, "invalid WebP: unknown first chunk");
  }
  if (width == 0 || height == 0) Fail(face_codes::kImageDecode, "invalid WebP: zero width or height");
  return {ImageFormat::kWebp, width, height};
}

}  // namespace

const char* ImageFormatName(ImageFormat format) {
  switch (format) {
    case ImageFormat::kJpeg: return "jpeg";
    case ImageFormat::kPng: return "png";
    case ImageFormat::kWebp: return "webp";
  }
  return "unknown";
}

ImageHeader ReadImageHeader(const uint8_t* data, size_t size) {
  if (size == 0 || data == nullptr) Fail(face_codes::kImageEmpty, "image is empty (0 bytes)");
  static constexpr uint8_t kPngSignature[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  if (size >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF) return ReadJpeg(data, size);
  if (size >= 8 && std::memcmp(data, kPngSignature, 8) == 0) return ReadPng(data, size);
  if (size >= 12 && std::memcmp(data, "RIFF", 4) == 0 && std::memcmp(data + 8, "WEBP", 4) == 0) return ReadWebp(data, size);
  Fail(face_codes::kImageUnsupported, "not a JPEG, PNG or WebP image");
}

}  // namespace proofgate::face
