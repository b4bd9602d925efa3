// Float32 tensors across the boundary for the generic ONNX runners (runOnnxModel, dnnNet*): inputs
// read as cv::Mat headers over the callers' Float32Arrays (no copy), outputs copied into new arrays.
#pragma once
#include <napi.h>

#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace proofgate::dnn {

struct InputTensors {
  std::vector<std::string> names;
  std::vector<cv::Mat> blobs;            // headers over the arrays in keepAlive
  std::vector<Napi::Object> keepAlive;   // hand to BatonWorker::Queue
};

struct OutputTensor {
  std::string name;
  cv::Mat blob;  // an owned copy (forward() may return views into the network's buffers)
};

// [{name, data: Float32Array, shape: number[]}, ...]; a shape whose product is not data.length is refused.
InputTensors ReadInputTensors(const Napi::Value& value, const std::string& operation);
std::vector<std::string> ReadOutputNames(const Napi::Value& value, const std::string& operation);
// [{name, data: Float32Array, shape: number[]}, ...]
Napi::Array OutputTensorsToJs(Napi::Env env, const std::vector<OutputTensor>& outputs);

}  // namespace proofgate::dnn
