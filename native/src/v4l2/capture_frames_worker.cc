// v4l2CaptureFrames({device, fourcc, width, height, warmupFrames, frames, intervalMs, timeoutMs, maxFrameBytes})
//   -> Promise<{driver, card, busInfo, width, height, bytesPerLine, frames: [{data: Buffer, sequence, timestampUs}]}>
// Streams one V4L2 node on the libuv pool (v4l2_stream.cc) and hands the kept frames over without a copy.
#include <memory>

#include "common/baton_worker.h"
#include "common/js_args.h"
#include "common/registry.h"
#include "v4l2/v4l2_stream.h"

namespace proofgate {
namespace {

struct CaptureFramesBaton {
  v4l2::StreamRequest request;
  v4l2::StreamResult result;

  void Compute() { result = v4l2::Capture(request); }

  Napi::Value ToJs(Napi::Env env) {
    Napi::Object out = Napi::Object::New(env);
    out.Set("driver", result.driver);
    out.Set("card", result.card);
    out.Set("busInfo", result.busInfo);
    out.Set("width", result.width);
    out.Set("height", result.height);
    out.Set("bytesPerLine", result.bytesPerLine);
    Napi::Array frames = Napi::Array::New(env, result.frames.size());
    for (size_t i = 0; i < result.frames.size(); ++i) {
      auto* owned = new std::vector<uint8_t>(std::move(result.frames[i].data));
      Napi::Object frame = Napi::Object::New(env);
      frame.Set("data", Napi::Buffer<uint8_t>::New(env, owned->data(), owned->size(), [](Napi::Env, uint8_t*, std::vector<uint8_t>* v) { delete v; }, owned));
      frame.Set("sequence", result.frames[i].sequence);
      frame.Set("timestampUs", static_cast<double>(result.frames[i].timestampUs));
      frames.Set(i, frame);
    }
    out.Set("frames", frames);
    return out;
  }
};

}  // namespace

Napi::Value V4l2CaptureFrames(const Napi::CallbackInfo& info) {
  const js::Args args(info, "v4l2CaptureFrames", 1);
  const js::Options o(args, 0, "options");
  auto baton = std::make_unique<CaptureFramesBaton>();
  baton->request.device = o.String("device");
  baton->request.fourcc = static_cast<uint32_t>(o.Unsigned("fourcc"));
  baton->request.width = static_cast<uint32_t>(o.Unsigned("width"));
  baton->request.height = static_cast<uint32_t>(o.Unsigned("height"));
  baton->request.warmupFrames = o.Int("warmupFrames");
  baton->request.frames = o.Int("frames");
  baton->request.intervalMs = o.Int("intervalMs");
  baton->request.timeoutMs = o.Int("timeoutMs");
  baton->request.maxFrameBytes = static_cast<size_t>(o.Unsigned("maxFrameBytes"));
  return BatonWorker<CaptureFramesBaton>::Queue(info.Env(), "proofgate:v4l2CaptureFrames", std::move(baton));
}

}  // namespace proofgate
