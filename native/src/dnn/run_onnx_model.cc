// runOnnxModel(modelPath, inputs, outputNames): runs any ONNX file through cv::dnn with float32
// inputs and returns the named outputs (all unconnected outputs when the list is empty). A generic
// runner for conversion checks and tools; the face pipeline has its own typed entry points. Inputs
// are validated in TypeScript (tools/models/run-onnx.ts).
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include <string>
#include <vector>

#include "common/baton_worker.h"
#include "common/js_args.h"
#include "common/native_error.h"
#include "common/registry.h"
#include "dnn/onnx_tensors.h"

namespace proofgate {
namespace {

struct RunOnnxModelBaton {
  std::string modelPath;
  dnn::InputTensors inputs;  // headers over the callers' Float32Arrays (kept alive by the worker)
  std::vector<std::string> outputNames;
  std::vector<dnn::OutputTensor> outputs;

  void Compute() {
    cv::dnn::Net net = cv::dnn::readNetFromONNX(modelPath);
    if (net.empty()) throw NativeError("ERR_MODEL_LOAD", "OpenCV loaded an empty network from " + modelPath);
    net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    std::vector<std::string> names = outputNames;
    if (names.empty()) {
      for (const auto& n : net.getUnconnectedOutLayersNames()) names.push_back(n);
    }
    for (const auto& n : names) {
      if (net.getLayerId(n) < 0) throw NativeError("ERR_MODEL_OUTPUT", "the model has no output named " + n);
    }
    for (size_t i = 0; i < inputs.blobs.size(); i++) net.setInput(inputs.blobs[i], inputs.names[i]);
    std::vector<cv::Mat> results;
    net.forward(results, std::vector<cv::String>(names.begin(), names.end()));
    // forward() may return views into the network's internal buffers; clone so they outlive `net`.
    for (size_t i = 0; i < names.size(); i++) outputs.push_back({names[i], results[i].clone()});
  }

  Napi::Value ToJs(Napi::Env env) { return dnn::OutputTensorsToJs(env, outputs); }
};

}  // namespace

Napi::Value RunOnnxModel(const Napi::CallbackInfo& info) {
  const js::Args args(info, "runOnnxModel", 3);
  auto baton = std::make_unique<RunOnnxModelBaton>();
  baton->modelPath = args.String(0);
  baton->inputs = dnn::ReadInputTensors(args.Value(1), "runOnnxModel");
  baton->outputNames = dnn::ReadOutputNames(args.Value(2), "runOnnxModel");
  std::vector<Napi::Object> keepAlive = baton->inputs.keepAlive;
  return BatonWorker<RunOnnxModelBaton>::Queue(info.Env(), "proofgate:runOnnxModel", std::move(baton), keepAlive);
}

}  // namespace proofgate
