// A passive presentation-attack detection (PAD) model: one ONNX network that reads a crop around the
// face and answers with a vector of numbers. What those numbers mean (softmax logits, a sigmoid logit, a
// score), which one is "live" and the threshold are TypeScript's (src/liveness/passive-pad-output.ts):
// this side crops, normalises, runs and returns the raw output.
//
// Concurrency: a cv::dnn::Net keeps its intermediate blobs inside itself, so one model serves one crop at
// a time behind a mutex. It runs once per decision, on a small input, so waits are rare and short.
#pragma once
#include <cstddef>
#include <mutex>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include "face/model_spec.h"

namespace proofgate::liveness {

struct PassivePadSpec {
  std::string label;               // the model file's path, for messages
  const uint8_t* modelBytes = nullptr;  // the bytes TypeScript read and checked (sha256); only read while loading
  size_t modelSize = 0;
  face::InputSpec input;
  std::string output;              // empty: the network's only unconnected output
  int outputSize = 0;              // values that output must hold
  double cropScale = 1;            // the crop's side(s) as a multiple of the face box's
  bool squareCrop = true;          // true: both sides are the box's longer side x cropScale
};

class PassivePadModel {
 public:
  // Reads the network and dry-runs it on a blank input: unreadable bytes, an unknown output or an output
  // of another size throw NativeError (ERR_MODEL_LOAD, ERR_MODEL_OUTPUT) naming the file.
  explicit PassivePadModel(const PassivePadSpec& spec);

  // The model's raw output for the crop around `faceBox` (image pixels) of an 8-bit BGR image.
  std::vector<float> Score(const cv::Mat& bgr, const cv::Rect2d& faceBox);

  const std::string& outputName() const { return output_; }

 private:
  face::InputSpec input_;
  std::string label_;
  std::string output_;
  int outputSize_;
  double cropScale_;
  bool squareCrop_;
  cv::dnn::Net net_;
  std::mutex inUse_;
};

// The model's input image: the crop centred on the face box (scaled, square or not), resized to the
// input size; parts of the crop outside the image are black. Memory stays at the input size whatever
// the crop's size (the visible part is resized straight into its place).
cv::Mat CropFaceForModel(const cv::Mat& bgr, const cv::Rect2d& faceBox, double cropScale, bool square, cv::Size inputSize);

}  // namespace proofgate::liveness
