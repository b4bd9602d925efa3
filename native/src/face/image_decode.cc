#include "face/image_decode.h"

#include <climits>
#include <string>

#include <opencv2/imgcodecs.hpp>

#include "common/native_error.h"
#include "face/face_codes.h"

namespace proofgate::face {

DecodedImage DecodeImage(const uint8_t* data, size_t size, uint64_t maxPixels) {
  const ImageHeader header = ReadImageHeader(data, size);
  const uint64_t pixels = uint64_t{header.width} * header.height;
  if (pixels > maxPixels) {
    throw NativeError(face_codes::kImageTooLarge, "image is " + std::to_string(header.width) + "x" +
                                                      std::to_string(header.height) + " pixels, over the limit of " +
                                                      std::to_string(maxPixels));
  }
  if (size > static_cast<size_t>(INT_MAX)) throw NativeError(face_codes::kImageTooLarge, "image file exceeds 2 GiB");
  // A 1xN header over the caller's bytes: imdecode reads them without a copy.
  const cv::Mat encoded(1, static_cast<int>(size), CV_8UC1, const_cast<uint8_t*>(data));
  // IMREAD_COLOR applies the EXIF orientation in OpenCV 4.6 (checked by test/face/decode-image.test.ts),
  // converts grey and 16-bit input to 8-bit BGR and drops alpha.
  DecodedImage out{header, cv::imdecode(encoded, cv::IMREAD_COLOR)};
  if (out.bgr.empty()) {
    throw NativeError(face_codes::kImageDecode, std::string("the ") + ImageFormatName(header.format) +
                                                    " decoder rejected the image data");
  }
  const bool sameSize = static_cast<uint32_t>(out.bgr.cols) == header.width && static_cast<uint32_t>(out.bgr.rows) == header.height;
  const bool turned = static_cast<uint32_t>(out.bgr.cols) == header.height && static_cast<uint32_t>(out.bgr.rows) == header.width;
  if (!sameSize && !turned) throw NativeError(face_codes::kImageDecode, "decoded size differs from the header's");
  return out;
}

}  // namespace proofgate::face
