// dnnNetLoad(path, {fuse}) -> Promise<handle>: reads an ONNX file into a cv::dnn::Net (OpenCV backend,
// CPU target) on the libuv pool. `fuse` is OpenCV's layer fusion (the face engine turns it off for
// the embedder to save memory; the runner says which, C++ holds no default).
#include <memory>
#include <string>

#include "common/baton_worker.h"
#include "common/js_args.h"
#include "common/native_error.h"
#include "common/registry.h"
#include "dnn/dnn_net_handle.h"

namespace proofgate {
namespace {

struct DnnNetLoadBaton {
  std::string path;
  bool fuse = false;
  std::shared_ptr<dnn::SharedNet> net;

  void Compute() {
    net = std::make_shared<dnn::SharedNet>();
    try {
      net->net = cv::dnn::readNetFromONNX(path);
    } catch (const cv::Exception& e) {
      throw NativeError("ERR_MODEL_LOAD", "model " + path + ": OpenCV cannot read it as ONNX: " + (e.err.empty() ? std::string(e.what()) : e.err));
    }
    if (net->net.empty()) throw NativeError("ERR_MODEL_LOAD", "model " + path + ": OpenCV read no layers from it");
    net->net.enableFusion(fuse);
    net->net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net->net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
  }

  Napi::Value ToJs(Napi::Env env) { return dnn::WrapNet(env, std::move(net)); }
};

}  // namespace

Napi::Value DnnNetLoad(const Napi::CallbackInfo& info) {
  const js::Args args(info, "dnnNetLoad", 2);
  auto baton = std::make_unique<DnnNetLoadBaton>();
  baton->path = args.String(0);
  baton->fuse = js::Options(args, 1, "options").Boolean("fuse");
  return BatonWorker<DnnNetLoadBaton>::Queue(info.Env(), "proofgate:dnnNetLoad", std::move(baton));
}

}  // namespace proofgate
