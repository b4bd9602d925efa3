// livenessTrackTexture(frames, options) -> Promise<{frames, points, width, height, xy, tracked, forwardBackwardPx}>:
// decodes the challenge frames (JPEG/PNG bytes as uploaded) to grey and tracks the seed points through
// them with pyramidal Lucas-Kanade (liveness/texture_tracking.h), on the libuv pool.
// frames: Buffer[] (2 or more); options: {reference, seeds: Float32Array (x, y pairs in the reference
// frame), maxPixels, windowPx, pyramidLevels, maxIterations, epsilon, minEigThreshold, maxForwardBackwardPx, reacquireFromReference,
// reacquireFromLastGood (booleans)}.
// TypeScript bounds the frame count, the bytes, the pixels and the points; this file only guards memory.
#include <memory>
#include <string>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "common/baton_worker.h"
#include "common/js_args.h"
#include "common/native_error.h"
#include "common/registry.h"
#include "face/image_decode.h"
#include "liveness/texture_tracking.h"

namespace proofgate {
namespace {

using namespace liveness;

struct TrackTextureBaton {
  std::vector<std::pair<const uint8_t*, size_t>> encoded;
  uint64_t maxPixels = 0;
  int reference = 0;
  std::vector<cv::Point2f> seeds;
  TrackingParams params;
  int width = 0, height = 0;
  TrackingResult result;

  void Compute() {
    std::vector<cv::Mat> grey;
    grey.reserve(encoded.size());
    for (size_t i = 0; i < encoded.size(); ++i) {
      const face::DecodedImage image = face::DecodeImage(encoded[i].first, encoded[i].second, maxPixels);
      cv::Mat g;
      cv::cvtColor(image.bgr, g, cv::COLOR_BGR2GRAY);
      if (i > 0 && (g.cols != grey[0].cols || g.rows != grey[0].rows)) {
        throw NativeError("ERR_TRACK_FRAME_SIZE", "challenge frame " + std::to_string(i) + " is " + std::to_string(g.cols) + "x" +
                                                     std::to_string(g.rows) + ", frame 0 is " + std::to_string(grey[0].cols) + "x" +
                                                     std::to_string(grey[0].rows));
      }
      grey.push_back(std::move(g));
    }
    width = grey[0].cols;
    height = grey[0].rows;
    result = TrackTexture(grey, reference, seeds, params);
  }

  Napi::Value ToJs(Napi::Env env) {
    Napi::Object out = Napi::Object::New(env);
    out.Set("frames", result.frames);
    out.Set("points", result.points);
    out.Set("width", width);
    out.Set("height", height);
    Napi::Float32Array xy = Napi::Float32Array::New(env, result.xy.size());
    std::copy(result.xy.begin(), result.xy.end(), xy.Data());
    Napi::Uint8Array tracked = Napi::Uint8Array::New(env, result.tracked.size());
    std::copy(result.tracked.begin(), result.tracked.end(), tracked.Data());
    Napi::Float32Array fb = Napi::Float32Array::New(env, result.forwardBackwardPx.size());
    std::copy(result.forwardBackwardPx.begin(), result.forwardBackwardPx.end(), fb.Data());
    out.Set("xy", xy);
    out.Set("tracked", tracked);
    out.Set("forwardBackwardPx", fb);
    return out;
  }
};

}  // namespace

Napi::Value LivenessTrackTexture(const Napi::CallbackInfo& info) {
  const js::Args args(info, "livenessTrackTexture", 2);
  Napi::Env env = info.Env();
  if (!args.Value(0).IsArray()) throw MakeArgumentError(env, "livenessTrackTexture: frames must be an array of Buffers");
  const Napi::Array frames = args.Value(0).As<Napi::Array>();
  const js::Options options(args, 1, "options");
  auto baton = std::make_unique<TrackTextureBaton>();
  std::vector<Napi::Object> keepAlive;
  if (frames.Length() < 2) throw MakeArgumentError(env, "livenessTrackTexture: at least 2 frames are needed");
  for (uint32_t i = 0; i < frames.Length(); ++i) {
    const Napi::Value v = frames.Get(i);
    if (!v.IsBuffer()) throw MakeArgumentError(env, "livenessTrackTexture: frames[" + std::to_string(i) + "] must be a Buffer");
    const auto b = v.As<Napi::Buffer<uint8_t>>();
    baton->encoded.emplace_back(b.Data(), b.Length());
    keepAlive.push_back(b);
  }
  baton->reference = options.Int("reference");
  if (baton->reference < 0 || baton->reference >= static_cast<int>(frames.Length())) {
    throw MakeArgumentError(env, "livenessTrackTexture: options.reference must index a frame");
  }
  const Napi::Float32Array seeds = options.Float32Array("seeds");
  if (seeds.ElementLength() % 2 != 0) throw MakeArgumentError(env, "livenessTrackTexture: options.seeds must hold x, y pairs");
  for (size_t i = 0; i + 1 < seeds.ElementLength(); i += 2) baton->seeds.emplace_back(seeds[i], seeds[i + 1]);
  baton->maxPixels = options.Unsigned("maxPixels");
  TrackingParams& p = baton->params;
  p.windowPx = options.Int("windowPx");
  p.pyramidLevels = options.Int("pyramidLevels");
  p.maxIterations = options.Int("maxIterations");
  p.epsilon = options.Number("epsilon");
  p.minEigThreshold = options.Number("minEigThreshold");
  p.maxForwardBackwardPx = options.Number("maxForwardBackwardPx");
  p.reacquireFromReference = options.Boolean("reacquireFromReference");
  p.reacquireFromLastGood = options.Boolean("reacquireFromLastGood");
  // Shape guards only (OpenCV would assert on these): the values themselves are configuration's.
  if (p.windowPx < 3 || p.pyramidLevels < 0 || p.maxIterations < 1) {
    throw MakeArgumentError(env, "livenessTrackTexture: windowPx >= 3, pyramidLevels >= 0 and maxIterations >= 1 are required");
  }
  return BatonWorker<TrackTextureBaton>::Queue(env, "proofgate:livenessTrackTexture", std::move(baton), keepAlive);
}

}  // namespace proofgate
