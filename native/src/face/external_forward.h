// A model's forward pass run outside the native pipeline (TypeScript picks the inference engine per
// model: src/biometrics/inference-choice.ts). The analysis worker hands the input tensor to a
// JavaScript function through a ThreadSafeFunction and waits for its outputs; the function starts
// the run (ONNX Runtime, on its own threads) and calls back `done`. The worker thread only waits:
// no Napi value is touched off the main thread. Waiting holds the worker's libuv thread for the
// run's duration, exactly as the in-engine net would; the admission queue bounds how many do.
#pragma once
#include <napi.h>

#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace proofgate::face {

class ExternalForward {
 public:
  // Main thread. `run(input: Float32Array, outputNames: string[], done: (error, outputs?: Float32Array[]) => void)`.
  ExternalForward(Napi::Env env, Napi::Function run, const char* name);
  ~ExternalForward();
  ExternalForward(const ExternalForward&) = delete;
  ExternalForward& operator=(const ExternalForward&) = delete;

  // Worker thread: blocks until done() is called. A failure (reported by done, a throw in `run`, or
  // the environment shutting down) throws NativeError ERR_MODEL_OUTPUT with its message.
  std::vector<cv::Mat> operator()(const cv::Mat& input, const std::vector<std::string>& outputNames) const;

 private:
  Napi::ThreadSafeFunction tsfn_;
  std::string name_;
};

}  // namespace proofgate::face
