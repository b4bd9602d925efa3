// documentDecodePdf417(image, {maxPixels}) -> Promise<{found, payload, corners, orientation}>: the
// PDF417 symbol on a licence's back, through zxing-cpp; the payload's bytes come back unconverted.
#include <opencv2/imgproc.hpp>

#include <memory>

#include "common/baton_worker.h"
#include "common/js_args.h"
#include "common/registry.h"
#include "document/document_image.h"
#include "document/pdf417.h"

namespace proofgate {
namespace {

using namespace document;

struct DecodePdf417Baton {
  const uint8_t* data = nullptr;
  size_t size = 0;
  uint64_t maxPixels = 0;
  Pdf417Read read;

  void Compute() {
    const cv::Mat bgr = DecodeDocumentImage(data, size, maxPixels);
    cv::Mat gray;
    cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
    read = DecodePdf417(gray);
  }

  Napi::Value ToJs(Napi::Env env) {
    Napi::Object out = Napi::Object::New(env);
    out.Set("found", read.found);
    out.Set("payload", read.found ? Napi::Value(BytesToJs(env, read.payload)) : env.Null());
    out.Set("corners", PointsToJs(env, read.corners));
    out.Set("orientation", read.orientation);
    return out;
  }
};

}  // namespace

Napi::Value DocumentDecodePdf417(const Napi::CallbackInfo& info) {
  const js::Args args(info, "documentDecodePdf417", 2);
  auto baton = std::make_unique<DecodePdf417Baton>();
  Napi::Buffer<uint8_t> image = args.Buffer(0);
  baton->data = image.Data();
  baton->size = image.Length();
  baton->maxPixels = js::Options(args, 1, "options").Unsigned("maxPixels");
  return BatonWorker<DecodePdf417Baton>::Queue(info.Env(), "proofgate:documentDecodePdf417", std::move(baton), {image});
}

}  // namespace proofgate
