// faceAnalyze(handle, image, options, runDetector) -> Promise<analysis>: the whole pipeline on the libuv
// pool. The image Buffer is read in place (kept referenced by the worker); the engine is shared, so
// closing the handle meanwhile never frees the networks this analysis runs on. `runDetector` is null
// when the engine runs its detector, else the function that runs it outside (face/external_forward.h).
#include <memory>

#include "common/baton_worker.h"
#include "common/js_args.h"
#include "common/native_error.h"
#include "common/registry.h"
#include "face/analysis_to_js.h"
#include "face/external_forward.h"
#include "face/engine_handle.h"
#include "face/face_analysis.h"
#include "face/face_codes.h"
#include "face/face_js_options.h"

namespace proofgate {
namespace {

struct AnalyzeFaceBaton {
  std::shared_ptr<face::FaceEngine> engine;  // null once the handle was closed
  const uint8_t* data = nullptr;
  size_t size = 0;
  face::AnalyzeOptions options;
  std::unique_ptr<face::ExternalForward> detector;  // released with the baton, on the main thread
  face::FaceAnalysisResult result;

  void Compute() {
    if (!engine) throw NativeError(face_codes::kEngineClosed, "the face engine is closed");
    if (engine->spec().detector.inEngine == (detector != nullptr)) {
      throw NativeError("ERR_NATIVE_INTERNAL", detector ? "the engine runs its own detector" : "the engine was loaded without a detector and none was given");
    }
    if (!detector) {
      result = face::AnalyzeFace(*engine, data, size, options, nullptr);
      return;
    }
    const face::DetectorForward forward = [this](const cv::Mat& input, const std::vector<std::string>& names) { return (*detector)(input, names); };
    result = face::AnalyzeFace(*engine, data, size, options, &forward);
  }

  Napi::Value ToJs(Napi::Env env) { return face::AnalysisToJs(env, result); }
};

}  // namespace

Napi::Value FaceAnalyze(const Napi::CallbackInfo& info) {
  const js::Args args(info, "faceAnalyze", 4);
  auto baton = std::make_unique<AnalyzeFaceBaton>();
  baton->engine = face::UnwrapEngine(args.Value(0));
  Napi::Buffer<uint8_t> image = args.Buffer(1);
  baton->data = image.Data();
  baton->size = image.Length();
  baton->options = face::ReadAnalyzeOptions(js::Options(args, 2, "options"));
  if (args.Value(3).IsFunction()) {
    baton->detector = std::make_unique<face::ExternalForward>(info.Env(), args.Value(3).As<Napi::Function>(), "detector");
  } else if (!args.Value(3).IsNull()) {
    throw MakeArgumentError(info.Env(), "faceAnalyze: argument 3 must be a function or null");
  }
  return BatonWorker<AnalyzeFaceBaton>::Queue(info.Env(), "proofgate:faceAnalyze", std::move(baton), {image});
}

}  // namespace proofgate
