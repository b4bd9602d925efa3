// imageThumbnail(image, {maxPixels, size}) -> Promise<Uint8Array>: decodes an upload on the libuv pool
// (EXIF orientation applied) and returns a size x size greyscale thumbnail (area-averaged), row by row.
// The injection signals compare frames on it: averaging over whole blocks leaves the picture's content
// and drops the sensor and re-encoding noise an attacker might add to a repeated frame.
#include <opencv2/imgproc.hpp>

#include <cstdint>
#include <cstring>
#include <memory>

#include "common/baton_worker.h"
#include "common/js_args.h"
#include "common/registry.h"
#include "face/image_decode.h"

namespace proofgate {
namespace {

struct ImageThumbnailBaton {
  const uint8_t* data = nullptr;
  size_t size = 0;
  uint64_t maxPixels = 0;
  int side = 0;
  cv::Mat thumbnail;

  void Compute() {
    const face::DecodedImage decoded = face::DecodeImage(data, size, maxPixels);
    cv::Mat grey;
    cv::cvtColor(decoded.bgr, grey, cv::COLOR_BGR2GRAY);
    cv::resize(grey, thumbnail, cv::Size(side, side), 0, 0, cv::INTER_AREA);
  }

  Napi::Value ToJs(Napi::Env env) {
    const size_t count = static_cast<size_t>(side) * static_cast<size_t>(side);
    Napi::Uint8Array out = Napi::Uint8Array::New(env, count);
    for (int y = 0; y < side; ++y) std::memcpy(out.Data() + static_cast<size_t>(y) * side, thumbnail.ptr<uint8_t>(y), side);
    return out;
  }
};

}  // namespace

Napi::Value ImageThumbnail(const Napi::CallbackInfo& info) {
  const js::Args args(info, "imageThumbnail", 2);
  auto baton = std::make_unique<ImageThumbnailBaton>();
  Napi::Buffer<uint8_t> image = args.Buffer(0);
  baton->data = image.Data();
  baton->size = image.Length();
  const js::Options options = js::Options(args, 1, "options");
  baton->maxPixels = options.Unsigned("maxPixels");
  baton->side = options.Int("size");  // 1..256, checked by src/biometrics/image-thumbnail.ts
  return BatonWorker<ImageThumbnailBaton>::Queue(info.Env(), "proofgate:imageThumbnail", std::move(baton), {image});
}

}  // namespace proofgate
