#include "liveness/passive_pad_model.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "common/native_error.h"
#include "face/face_codes.h"
#include "face/tensor_input.h"

namespace proofgate::liveness {
namespace {

[[noreturn]] void LoadFailure(const char* code, const std::string& label, const std::string& problem) {
  throw NativeError(code, "passive PAD model " + label + ": " + problem);
}

std::string OpenCvMessage(const cv::Exception& e) { return e.err.empty() ? std::string(e.what()) : e.err; }

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

PassivePadModel::PassivePadModel(const PassivePadSpec& spec)
    : input_(spec.input), label_(spec.label), output_(spec.output), outputSize_(spec.outputSize),
      cropScale_(spec.cropScale), squareCrop_(spec.squareCrop) {
  try {
    net_ = cv::dnn::readNetFromONNX(reinterpret_cast<const char*>(spec.modelBytes), spec.modelSize);
  } catch (const cv::Exception& e) {
    LoadFailure(face_codes::kModelLoad, label_, "OpenCV cannot read it as ONNX: " + OpenCvMessage(e));
  }
  if (net_.empty()) LoadFailure(face_codes::kModelLoad, label_, "OpenCV read no layers from it");
  net_.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
  net_.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);

  const std::vector<std::string> outputs = net_.getUnconnectedOutLayersNames();
  if (output_.empty()) {
    if (outputs.size() != 1) {
      LoadFailure(face_codes::kModelOutput, label_, "it has " + std::to_string(outputs.size()) + " outputs (" + JoinNames(outputs) + "): name one");
    }
    output_ = outputs[0];
  } else if (net_.getLayerId(output_) < 0) {
    LoadFailure(face_codes::kModelOutput, label_, "it has no output named " + output_ + " (outputs: " + JoinNames(outputs) + ")");
  }

  // A blank input through the whole network: a wrong input size or an output of another size fails at
  // start-up instead of on the first person's selfie, and the Net allocates its buffers now.
  const int dims[4] = {1, 3, input_.height, input_.width};
  cv::Mat result;
  try {
    net_.setInput(cv::Mat(4, dims, CV_32F, cv::Scalar(0)));
    result = net_.forward(output_);
  } catch (const cv::Exception& e) {
    LoadFailure(face_codes::kModelLoad, label_, "a test run on a " + std::to_string(input_.width) + "x" + std::to_string(input_.height) + " input failed: " + OpenCvMessage(e));
  }
  if (result.type() != CV_32F) LoadFailure(face_codes::kModelOutput, label_, "output " + output_ + " is not float32");
  if (result.total() != static_cast<size_t>(outputSize_)) {
    LoadFailure(face_codes::kModelOutput, label_, "output " + output_ + " holds " + std::to_string(result.total()) + " values, not " + std::to_string(outputSize_));
  }
}

std::vector<float> PassivePadModel::Score(const cv::Mat& bgr, const cv::Rect2d& faceBox) {
  const cv::Mat crop = CropFaceForModel(bgr, faceBox, cropScale_, squareCrop_, cv::Size(input_.width, input_.height));
  const cv::Mat blob = face::MakeInputBlob(crop, input_);
  cv::Mat result;
  {
    std::lock_guard<std::mutex> lock(inUse_);
    net_.setInput(blob);
    // forward() may return a view into the Net's buffers: copy out before the next crop reuses them.
    result = net_.forward(output_).clone();
  }
  if (result.type() != CV_32F || result.total() != static_cast<size_t>(outputSize_) || !result.isContinuous()) {
    throw NativeError(face_codes::kModelOutput, "passive PAD model " + label_ + ": output " + output_ + " changed shape");
  }
  const float* values = result.ptr<float>();
  return std::vector<float>(values, values + result.total());
}

cv::Mat CropFaceForModel(const cv::Mat& bgr, const cv::Rect2d& faceBox, double cropScale, bool square, cv::Size inputSize) {
  CV_Assert(bgr.type() == CV_8UC3 && inputSize.width > 0 && inputSize.height > 0);
  double width = faceBox.width * cropScale, height = faceBox.height * cropScale;
  if (square) width = height = std::max(width, height);
  if (!(width >= 1 && height >= 1)) throw NativeError("ERR_NATIVE_ARGUMENT", "the face box is empty");
  const cv::Rect2d crop(faceBox.x + faceBox.width / 2 - width / 2, faceBox.y + faceBox.height / 2 - height / 2, width, height);
  cv::Mat canvas(inputSize, CV_8UC3, cv::Scalar(0, 0, 0));
  // The whole pixels of the image the crop covers, and where they land in the model's input.
  const int x0 = std::max(0, static_cast<int>(std::floor(crop.x)));
  const int y0 = std::max(0, static_cast<int>(std::floor(crop.y)));
  const int x1 = std::min(bgr.cols, static_cast<int>(std::ceil(crop.x + crop.width)));
  const int y1 = std::min(bgr.rows, static_cast<int>(std::ceil(crop.y + crop.height)));
  if (x1 <= x0 || y1 <= y0) return canvas;
  const double sx = inputSize.width / crop.width, sy = inputSize.height / crop.height;
  const int dx0 = std::clamp(static_cast<int>(std::lround((x0 - crop.x) * sx)), 0, inputSize.width);
  const int dy0 = std::clamp(static_cast<int>(std::lround((y0 - crop.y) * sy)), 0, inputSize.height);
  const int dx1 = std::clamp(static_cast<int>(std::lround((x1 - crop.x) * sx)), 0, inputSize.width);
  const int dy1 = std::clamp(static_cast<int>(std::lround((y1 - crop.y) * sy)), 0, inputSize.height);
  if (dx1 <= dx0 || dy1 <= dy0) return canvas;
  cv::Mat target = canvas(cv::Rect(dx0, dy0, dx1 - dx0, dy1 - dy0));
  const bool shrinking = (x1 - x0) > target.cols || (y1 - y0) > target.rows;
  // Same size and type: resize writes into the canvas in place.
  cv::resize(bgr(cv::Rect(x0, y0, x1 - x0, y1 - y0)), target, target.size(), 0, 0, shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
  return canvas;
}

}  // namespace proofgate::liveness
