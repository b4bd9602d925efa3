// runOnnxModel(modelPath, inputs, outputNames): runs any ONNX file through cv::dnn with float32
// inputs and returns the named outputs (all unconnected outputs when the list is empty). A generic
// runner for conversion checks and tools; the face pipeline has its own typed entry points. Inputs
// are validated in TypeScript (tools/models/run-onnx.ts).
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "common/baton_worker.h"
#include "common/js_args.h"
#include "common/native_error.h"
#include "common/registry.h"

namespace proofgate {
namespace {

struct OutputTensor {
  std::string name;
  cv::Mat blob;  // owned copy made by OpenCV's forward()
};

struct RunOnnxModelBaton {
  std::string modelPath;
  std::vector<std::string> inputNames;
  std::vector<cv::Mat> inputs;  // headers over the callers' Float32Arrays (kept alive by the worker)
  std::vector<std::string> outputNames;
  std::vector<OutputTensor> outputs;

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
    for (size_t i = 0; i < inputs.size(); i++) net.setInput(inputs[i], inputNames[i]);
    std::vector<cv::Mat> results;
    net.forward(results, std::vector<cv::String>(names.begin(), names.end()));
    for (size_t i = 0; i < names.size(); i++) {
      // forward() may return views into the network's internal buffers; clone so they outlive `net`.
      outputs.push_back({names[i], results[i].clone()});
    }
  }

  Napi::Value ToJs(Napi::Env env) {
    Napi::Array out = Napi::Array::New(env, outputs.size());
    for (size_t i = 0; i < outputs.size(); i++) {
      const OutputTensor& t = outputs[i];
      CV_Assert(t.blob.type() == CV_32F && t.blob.isContinuous());
      Napi::Float32Array data = Napi::Float32Array::New(env, t.blob.total());
      std::memcpy(data.Data(), t.blob.ptr<float>(), t.blob.total() * sizeof(float));
      Napi::Array shape = Napi::Array::New(env, t.blob.dims);
      for (int d = 0; d < t.blob.dims; d++) shape.Set(static_cast<uint32_t>(d), Napi::Number::New(env, t.blob.size[d]));
      Napi::Object entry = Napi::Object::New(env);
      entry.Set("name", Napi::String::New(env, t.name));
      entry.Set("data", data);
      entry.Set("shape", shape);
      out.Set(static_cast<uint32_t>(i), entry);
    }
    return out;
  }
};

}  // namespace

Napi::Value RunOnnxModel(const Napi::CallbackInfo& info) {
  const js::Args args(info, "runOnnxModel", 3);
  Napi::Env env = info.Env();
  auto baton = std::make_unique<RunOnnxModelBaton>();
  baton->modelPath = args.String(0);
  if (!args.Value(1).IsArray()) throw MakeArgumentError(env, "runOnnxModel: argument 1 must be an array of inputs");
  if (!args.Value(2).IsArray()) throw MakeArgumentError(env, "runOnnxModel: argument 2 must be an array of output names");
  std::vector<Napi::Object> keepAlive;
  Napi::Array inputs = args.Value(1).As<Napi::Array>();
  for (uint32_t i = 0; i < inputs.Length(); i++) {
    Napi::Value item = inputs.Get(i);
    if (!item.IsObject()) throw MakeArgumentError(env, "runOnnxModel: inputs[" + std::to_string(i) + "] must be an object");
    const js::Options spec(item.As<Napi::Object>(), "runOnnxModel inputs[" + std::to_string(i) + "]");
    Napi::Float32Array data = spec.Float32Array("data");
    std::vector<int> shape;
    size_t total = 1;
    for (double d : spec.Numbers("shape")) {
      if (d < 1 || d != static_cast<int>(d)) throw MakeArgumentError(env, "runOnnxModel: shape dimensions must be positive integers");
      shape.push_back(static_cast<int>(d));
      total *= static_cast<size_t>(d);
    }
    // Never read past the caller's memory, whatever the TypeScript layer let through.
    if (shape.empty() || total != data.ElementLength()) {
      throw MakeArgumentError(env, "runOnnxModel: inputs[" + std::to_string(i) + "] shape does not match its data length");
    }
    baton->inputNames.push_back(spec.String("name"));
    baton->inputs.emplace_back(static_cast<int>(shape.size()), shape.data(), CV_32F, data.Data());
    keepAlive.push_back(data);
  }
  Napi::Array names = args.Value(2).As<Napi::Array>();
  for (uint32_t i = 0; i < names.Length(); i++) {
    Napi::Value name = names.Get(i);
    if (!name.IsString()) throw MakeArgumentError(env, "runOnnxModel: outputNames must hold strings");
    baton->outputNames.push_back(name.As<Napi::String>().Utf8Value());
  }
  return BatonWorker<RunOnnxModelBaton>::Queue(env, "proofgate:runOnnxModel", std::move(baton), keepAlive);
}

}  // namespace proofgate
