// imageProbe(image, {maxPixels}) -> Promise<{format, width, height}>: decodes an upload on the libuv
// pool (EXIF orientation applied) without running any model.
#include <cstdint>
#include <memory>

#include "common/baton_worker.h"
#include "common/js_args.h"
#include "common/registry.h"
#include "face/image_decode.h"

namespace proofgate {
namespace {

struct ProbeImageBaton {
  const uint8_t* data = nullptr;
  size_t size = 0;
  uint64_t maxPixels = 0;
  const char* format = "";
  int width = 0, height = 0;

  void Compute() {
    const face::DecodedImage decoded = face::DecodeImage(data, size, maxPixels);
    format = face::ImageFormatName(decoded.header.format);
    width = decoded.bgr.cols;
    height = decoded.bgr.rows;
  }

  Napi::Value ToJs(Napi::Env env) {
    Napi::Object out = Napi::Object::New(env);
    out.Set("format", format);
    out.Set("width", width);
    out.Set("height", height);
    return out;
  }
};

}  // namespace

Napi::Value ImageProbe(const Napi::CallbackInfo& info) {
  const js::Args args(info, "imageProbe", 2);
  auto baton = std::make_unique<ProbeImageBaton>();
  Napi::Buffer<uint8_t> image = args.Buffer(0);
  baton->data = image.Data();
  baton->size = image.Length();
  baton->maxPixels = js::Options(args, 1, "options").Unsigned("maxPixels");
  return BatonWorker<ProbeImageBaton>::Queue(info.Env(), "proofgate:imageProbe", std::move(baton), {image});
}

}  // namespace proofgate
