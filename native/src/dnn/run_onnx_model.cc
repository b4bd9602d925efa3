// runOnnxModel(modelPath, inputs, outputNames): runs any ONNX file through cv::dnn with float32
// inputs and returns the named outputs. A generic runner for conversion checks and tools; the face
// pipeline has its own typed entry points. Inputs are validated in TypeScript (src/models/run-onnx.ts).
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "common/native_error.h"
#include "common/registry.h"

namespace proofgate {
namespace {

struct InputTensor {
  std::string name;
  std::vector<int> shape;
  // Header over the caller's Float32Array memory; the array is kept alive by `keepAlive`.
  cv::Mat blob;
  Napi::ObjectReference keepAlive;
};

struct OutputTensor {
  std::string name;
  cv::Mat blob;  // owned copy made by OpenCV's forward()
};

struct RunModelBaton {
  std::string modelPath;
  std::vector<InputTensor> inputs;
  std::vector<std::string> outputNames;
  std::vector<OutputTensor> outputs;
  CaughtError error;
  bool failed = false;
};

class RunModelWorker : public Napi::AsyncWorker {
 public:
  RunModelWorker(Napi::Env env, RunModelBaton* baton)
      : Napi::AsyncWorker(env), baton_(baton), deferred_(Napi::Promise::Deferred::New(env)) {}
  ~RunModelWorker() override { delete baton_; }

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    try {
      cv::dnn::Net net = cv::dnn::readNetFromONNX(baton_->modelPath);
      if (net.empty()) throw NativeError("ERR_MODEL_LOAD", "OpenCV loaded an empty network from " + baton_->modelPath);
      net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
      net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
      std::vector<std::string> names = baton_->outputNames;
      if (names.empty()) {
        for (const auto& n : net.getUnconnectedOutLayersNames()) names.push_back(n);
      }
      for (const auto& n : names) {
        if (net.getLayerId(n) < 0) throw NativeError("ERR_MODEL_OUTPUT", "the model has no output named " + n);
      }
      for (const auto& in : baton_->inputs) net.setInput(in.blob, in.name);
      std::vector<cv::Mat> results;
      net.forward(results, std::vector<cv::String>(names.begin(), names.end()));
      for (size_t i = 0; i < names.size(); i++) {
        // forward() may return views into the network's internal buffers; clone so they outlive `net`.
        baton_->outputs.push_back({names[i], results[i].clone()});
      }
    } catch (...) {
      baton_->error = ClassifyCurrentException();
      baton_->failed = true;
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    for (auto& in : baton_->inputs) in.keepAlive.Reset();
    if (baton_->failed) {
      deferred_.Reject(MakeCodedError(env, baton_->error.code, baton_->error.message).Value());
      return;
    }
    Napi::Array out = Napi::Array::New(env, baton_->outputs.size());
    for (size_t i = 0; i < baton_->outputs.size(); i++) {
      const OutputTensor& t = baton_->outputs[i];
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
    deferred_.Resolve(out);
  }

  void OnError(const Napi::Error& e) override {
    for (auto& in : baton_->inputs) in.keepAlive.Reset();
    deferred_.Reject(e.Value());
  }

 private:
  RunModelBaton* baton_;
  Napi::Promise::Deferred deferred_;
};

Napi::Value RunOnnxModel(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 3 || !info[0].IsString() || !info[1].IsArray() || !info[2].IsArray()) {
    throw MakeCodedError(env, "ERR_INVALID_ARG", "runOnnxModel(modelPath: string, inputs: object[], outputNames: string[])");
  }
  auto* baton = new RunModelBaton();
  try {
    baton->modelPath = info[0].As<Napi::String>().Utf8Value();
    Napi::Array inputs = info[1].As<Napi::Array>();
    for (uint32_t i = 0; i < inputs.Length(); i++) {
      Napi::Object spec = inputs.Get(i).As<Napi::Object>();
      Napi::Value data = spec.Get("data");
      if (!data.IsTypedArray() || data.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
        throw MakeCodedError(env, "ERR_INVALID_ARG", "runOnnxModel: inputs[" + std::to_string(i) + "].data must be a Float32Array");
      }
      Napi::Float32Array array = data.As<Napi::Float32Array>();
      Napi::Array shapeArray = spec.Get("shape").As<Napi::Array>();
      InputTensor tensor;
      tensor.name = spec.Get("name").As<Napi::String>().Utf8Value();
      size_t total = 1;
      for (uint32_t d = 0; d < shapeArray.Length(); d++) {
        int dim = shapeArray.Get(d).As<Napi::Number>().Int32Value();
        if (dim <= 0) throw MakeCodedError(env, "ERR_INVALID_ARG", "runOnnxModel: shape dimensions must be positive");
        tensor.shape.push_back(dim);
        total *= static_cast<size_t>(dim);
      }
      // Never read past the caller's memory, whatever the TypeScript layer let through.
      if (tensor.shape.empty() || total != array.ElementLength()) {
        throw MakeCodedError(env, "ERR_INVALID_ARG", "runOnnxModel: inputs[" + std::to_string(i) + "] shape does not match its data length");
      }
      tensor.blob = cv::Mat(static_cast<int>(tensor.shape.size()), tensor.shape.data(), CV_32F, array.Data());
      tensor.keepAlive = Napi::Persistent(array.As<Napi::Object>());
      baton->inputs.push_back(std::move(tensor));
    }
    Napi::Array names = info[2].As<Napi::Array>();
    for (uint32_t i = 0; i < names.Length(); i++) baton->outputNames.push_back(names.Get(i).As<Napi::String>().Utf8Value());
  } catch (...) {
    for (auto& in : baton->inputs) in.keepAlive.Reset();
    delete baton;
    throw;
  }
  auto* worker = new RunModelWorker(env, baton);
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace

void RegisterDnn(Napi::Env env, Napi::Object exports) {
  exports.Set("runOnnxModel", Napi::Function::New(env, RunOnnxModel));
}

}  // namespace proofgate
