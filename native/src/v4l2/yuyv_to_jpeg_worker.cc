// v4l2YuyvToJpeg(frame, {width, height, quality}) -> Promise<Buffer>: a packed YUYV 4:2:2 frame (what
// uvcvideo delivers) as a JPEG, on the libuv pool. TypeScript has checked that the buffer holds exactly
// width x height x 2 bytes; the Mat header wraps it without a copy.
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <memory>
#include <vector>

#include "common/baton_worker.h"
#include "common/js_args.h"
#include "common/native_error.h"
#include "common/registry.h"

namespace proofgate {
namespace {

struct YuyvToJpegBaton {
  uint8_t* data = nullptr;
  int width = 0;
  int height = 0;
  int quality = 0;
  std::vector<uint8_t> jpeg;

  void Compute() {
    const cv::Mat yuyv(height, width, CV_8UC2, data);
    cv::Mat bgr;
    cv::cvtColor(yuyv, bgr, cv::COLOR_YUV2BGR_YUYV);
    if (!cv::imencode(".jpg", bgr, jpeg, {cv::IMWRITE_JPEG_QUALITY, quality})) throw NativeError("ERR_V4L2_ENCODE", "JPEG encoding failed");
  }

  Napi::Value ToJs(Napi::Env env) { return Napi::Buffer<uint8_t>::Copy(env, jpeg.data(), jpeg.size()); }
};

}  // namespace

Napi::Value V4l2YuyvToJpeg(const Napi::CallbackInfo& info) {
  const js::Args args(info, "v4l2YuyvToJpeg", 2);
  auto baton = std::make_unique<YuyvToJpegBaton>();
  Napi::Buffer<uint8_t> frame = args.Buffer(0);
  baton->data = frame.Data();
  const js::Options o(args, 1, "options");
  baton->width = o.Int("width");
  baton->height = o.Int("height");
  baton->quality = o.Int("quality");
  // The buffer is wrapped as a width x height YUYV image on the worker: its size is checked here, whatever
  // the caller checked (the addon guards its own memory).
  if (baton->width <= 0 || baton->height <= 0 || baton->width % 2 != 0 ||
      frame.Length() != static_cast<size_t>(baton->width) * static_cast<size_t>(baton->height) * 2) {
    throw MakeArgumentError(info.Env(), "v4l2YuyvToJpeg: the frame must hold width x height x 2 bytes, width even and both positive");
  }
  return BatonWorker<YuyvToJpegBaton>::Queue(info.Env(), "proofgate:v4l2YuyvToJpeg", std::move(baton), {frame});
}

}  // namespace proofgate
