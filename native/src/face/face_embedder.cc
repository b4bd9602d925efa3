#include "face/face_embedder.h"

#include <string>

#include "common/native_error.h"
#include "face/face_codes.h"
#include "face/tensor_input.h"

namespace proofgate::face {

std::vector<float> EmbedFaceChip(cv::dnn::Net& net, const cv::Mat& chip, const EmbedderSpec& spec) {
  net.setInput(MakeInputBlob(chip, spec.model.input));
  const cv::Mat out = net.forward(spec.output);
  if (out.total() != static_cast<size_t>(spec.outputDim) || out.type() != CV_32F) {
    throw NativeError(face_codes::kModelOutput, "embedder returned " + std::to_string(out.total()) +
                                                    " values, expected " + std::to_string(spec.outputDim));
  }
  const float* p = out.ptr<float>();
  return std::vector<float>(p, p + out.total());
}

}  // namespace proofgate::face
