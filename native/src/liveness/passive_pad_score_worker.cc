// passivePadScore(handle, image, options) -> Promise<Float32Array>: decodes the image (EXIF orientation
// applied, as the face engine does, so the face box means the same pixels), crops around the face box
// and runs the model on the libuv pool. options: {box {x, y, width, height} in image pixels, maxPixels}.
// The answer is the model's raw output; its meaning and the threshold are TypeScript's.
#include <cstring>
#include <memory>
#include <vector>

#include "common/baton_worker.h"
#include "common/js_args.h"
#include "common/native_error.h"
#include "common/registry.h"
#include "face/face_codes.h"
#include "face/image_decode.h"
#include "liveness/passive_pad_handle.h"

namespace proofgate {
namespace {

struct ScorePassivePadBaton {
  std::shared_ptr<liveness::PassivePadModel> model;  // null once the handle was closed
  const uint8_t* data = nullptr;
  size_t size = 0;
  cv::Rect2d box;
  uint64_t maxPixels = 0;
  std::vector<float> output;

  void Compute() {
    if (!model) throw NativeError(face_codes::kEngineClosed, "the passive PAD model is closed");
    const face::DecodedImage image = face::DecodeImage(data, size, maxPixels);
    output = model->Score(image.bgr, box);
  }

  Napi::Value ToJs(Napi::Env env) {
    Napi::Float32Array out = Napi::Float32Array::New(env, output.size());
    std::memcpy(out.Data(), output.data(), output.size() * sizeof(float));
    return out;
  }
};

}  // namespace

Napi::Value PassivePadScore(const Napi::CallbackInfo& info) {
  const js::Args args(info, "passivePadScore", 3);
  auto baton = std::make_unique<ScorePassivePadBaton>();
  baton->model = liveness::UnwrapPassivePad(args.Value(0));
  Napi::Buffer<uint8_t> image = args.Buffer(1);
  baton->data = image.Data();
  baton->size = image.Length();
  const js::Options options(args, 2, "options");
  const js::Options box = options.Object("box");
  baton->box = cv::Rect2d(box.Number("x"), box.Number("y"), box.Number("width"), box.Number("height"));
  baton->maxPixels = options.Unsigned("maxPixels");
  return BatonWorker<ScorePassivePadBaton>::Queue(info.Env(), "proofgate:passivePadScore", std::move(baton), {image});
}

}  // namespace proofgate
