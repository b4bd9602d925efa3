#include "face/tensor_input.h"

#include "common/native_error.h"

namespace proofgate::face {

cv::Mat MakeInputBlob(const cv::Mat& bgr, const InputSpec& spec) {
  CV_Assert(bgr.type() == CV_8UC3 && bgr.cols == spec.width && bgr.rows == spec.height);
  const int dims[4] = {1, 3, spec.height, spec.width};
  cv::Mat blob(4, dims, CV_32F);
  const size_t plane = static_cast<size_t>(spec.width) * spec.height;
  float* out[3];
  float scale[3], offset[3];
  for (int c = 0; c < 3; ++c) {
    out[c] = blob.ptr<float>() + plane * c;
    scale[c] = 1.0f / spec.std[c];
    offset[c] = -spec.mean[c] / spec.std[c];
  }
  // Source channel feeding model channel c: BGR memory order, so RGB models read 2,1,0.
  const int source[3] = {spec.rgb ? 2 : 0, 1, spec.rgb ? 0 : 2};
  size_t i = 0;
  for (int y = 0; y < bgr.rows; ++y) {
    const uint8_t* row = bgr.ptr<uint8_t>(y);
    for (int x = 0; x < bgr.cols; ++x, ++i, row += 3) {
      out[0][i] = row[source[0]] * scale[0] + offset[0];
      out[1][i] = row[source[1]] * scale[1] + offset[1];
      out[2][i] = row[source[2]] * scale[2] + offset[2];
    }
  }
  return blob;
}

}  // namespace proofgate::face
