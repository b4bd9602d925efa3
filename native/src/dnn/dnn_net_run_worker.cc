// dnnNetRun(handle, inputs, outputNames) -> Promise<outputs>: one forward pass of a loaded net on the
// libuv pool. Inputs are read in place (kept referenced); outputs are copied out in outputNames order.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/baton_worker.h"
#include "common/js_args.h"
#include "common/native_error.h"
#include "common/registry.h"
#include "dnn/dnn_net_handle.h"
#include "dnn/onnx_tensors.h"

namespace proofgate {
namespace {

struct DnnNetRunBaton {
  std::shared_ptr<dnn::SharedNet> net;  // null once the handle was closed
  dnn::InputTensors inputs;
  std::vector<std::string> outputNames;
  std::vector<dnn::OutputTensor> outputs;

  void Compute() {
    if (!net) throw NativeError("ERR_ENGINE_CLOSED", "the OpenCV net is closed");
    std::lock_guard<std::mutex> turn(net->inUse);
    for (const auto& name : outputNames) {
      if (net->net.getLayerId(name) < 0) throw NativeError("ERR_MODEL_OUTPUT", "the model has no output named " + name);
    }
    for (size_t i = 0; i < inputs.blobs.size(); i++) net->net.setInput(inputs.blobs[i], inputs.names[i]);
    std::vector<cv::Mat> results;
    net->net.forward(results, std::vector<cv::String>(outputNames.begin(), outputNames.end()));
    for (size_t i = 0; i < outputNames.size(); i++) outputs.push_back({outputNames[i], results[i].clone()});
  }

  Napi::Value ToJs(Napi::Env env) { return dnn::OutputTensorsToJs(env, outputs); }
};

}  // namespace

Napi::Value DnnNetRun(const Napi::CallbackInfo& info) {
  const js::Args args(info, "dnnNetRun", 3);
  auto baton = std::make_unique<DnnNetRunBaton>();
  baton->net = dnn::UnwrapNet(args.Value(0));
  baton->inputs = dnn::ReadInputTensors(args.Value(1), "dnnNetRun");
  baton->outputNames = dnn::ReadOutputNames(args.Value(2), "dnnNetRun");
  if (baton->outputNames.empty()) throw MakeArgumentError(info.Env(), "dnnNetRun: outputNames must name at least one output");
  std::vector<Napi::Object> keepAlive = baton->inputs.keepAlive;
  return BatonWorker<DnnNetRunBaton>::Queue(info.Env(), "proofgate:dnnNetRun", std::move(baton), keepAlive);
}

}  // namespace proofgate
