// faceAnalyze(handle, image, options) -> Promise<analysis>: the whole pipeline on the libuv pool. The
// image Buffer is read in place (kept referenced by the worker); the engine is shared, so closing the
// handle meanwhile never frees the networks this analysis runs on.
#include <memory>

#include "common/baton_worker.h"
#include "common/js_args.h"
#include "common/native_error.h"
#include "common/registry.h"
#include "face/analysis_to_js.h"
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
  face::FaceAnalysisResult result;

  void Compute() {
    if (!engine) throw NativeError(face_codes::kEngineClosed, "the face engine is closed");
    result = face::AnalyzeFace(*engine, data, size, options);
  }

  Napi::Value ToJs(Napi::Env env) { return face::AnalysisToJs(env, result); }
};

}  // namespace

Napi::Value FaceAnalyze(const Napi::CallbackInfo& info) {
  const js::Args args(info, "faceAnalyze", 3);
  auto baton = std::make_unique<AnalyzeFaceBaton>();
  baton->engine = face::UnwrapEngine(args.Value(0));
  Napi::Buffer<uint8_t> image = args.Buffer(1);
  baton->data = image.Data();
  baton->size = image.Length();
  baton->options = face::ReadAnalyzeOptions(js::Options(args, 2, "options"));
  return BatonWorker<AnalyzeFaceBaton>::Queue(info.Env(), "proofgate:faceAnalyze", std::move(baton), {image});
}

}  // namespace proofgate
