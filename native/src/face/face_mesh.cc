#include "face/face_mesh.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include <opencv2/imgproc.hpp>

#include "common/native_error.h"
#include "face/face_codes.h"
#include "face/mesh_indices.h"
#include "face/tensor_input.h"

namespace proofgate::face {
namespace {

// Image -> crop: crop = s * R(-angle) * (p - centre) + half.
cv::Matx23d ImageToCrop(const RotatedSquare& crop, const InputSpec& input) {
  const double sx = input.width / static_cast<double>(crop.side);
  const double sy = input.height / static_cast<double>(crop.side);
  const double c = std::cos(crop.angle), s = std::sin(crop.angle);
  const double a = sx * c, b = sx * s, d = -sy * s, e = sy * c;
  return {a, b, input.width / 2.0 - a * crop.center.x - b * crop.center.y,
          d, e, input.height / 2.0 - d * crop.center.x - e * crop.center.y};
}

float SigmoidIfLogit(float v, bool isLogit) { return isLogit ? 1.0f / (1.0f + std::exp(-v)) : v; }

}  // namespace

RotatedSquare CropFromDetection(const FaceDetection& detection, const DetectorSpec& detector, float cropScale) {
  RotatedSquare crop;
  crop.center = (detection.box.tl() + detection.box.br()) * 0.5f;
  crop.side = std::max(detection.box.width, detection.box.height) * cropScale;
  const cv::Point2f& right = detection.keypoints.at(detector.rightEyeKeypoint);
  const cv::Point2f& left = detection.keypoints.at(detector.leftEyeKeypoint);
  crop.angle = std::atan2(left.y - right.y, left.x - right.x);
  return crop;
}

RotatedSquare CropFromMesh(const FaceLandmarks& mesh, float cropScale) {
  const cv::Point3f& right = mesh.points[mesh::kRightEyeOuter];
  const cv::Point3f& left = mesh.points[mesh::kLeftEyeOuter];
  const float angle = std::atan2(left.y - right.y, left.x - right.x);
  const float c = std::cos(angle), s = std::sin(angle);
  // Extent in the frame turned by -angle, then its centre turned back.
  float minU = std::numeric_limits<float>::max(), maxU = -minU, minV = minU, maxV = -minU;
  for (const cv::Point3f& p : mesh.points) {
    const float u = c * p.x + s * p.y, v = -s * p.x + c * p.y;
    minU = std::min(minU, u), maxU = std::max(maxU, u), minV = std::min(minV, v), maxV = std::max(maxV, v);
  }
  const float u = (minU + maxU) / 2, v = (minV + maxV) / 2;
  RotatedSquare crop;
  crop.center = {c * u - s * v, s * u + c * v};
  crop.side = std::max(maxU - minU, maxV - minV) * cropScale;
  crop.angle = angle;
  return crop;
}

FaceLandmarks RunFaceMesh(cv::dnn::Net& net, const cv::Mat& bgr, const RotatedSquare& crop, const LandmarkerSpec& spec) {
  const InputSpec& input = spec.model.input;
  const cv::Matx23d toCrop = ImageToCrop(crop, input);
  cv::Mat patch;
  cv::warpAffine(bgr, patch, toCrop, cv::Size(input.width, input.height), cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                 cv::Scalar::all(0));
  net.setInput(MakeInputBlob(patch, input));
  std::vector<cv::Mat> outputs;
  net.forward(outputs, std::vector<std::string>{spec.meshOutput, spec.scoreOutput});
  const cv::Mat& meshOut = outputs[0];
  if (meshOut.total() != static_cast<size_t>(mesh::kPointCount) * 3 || outputs[1].total() < 1) {
    throw NativeError(face_codes::kModelOutput, "landmark model returned " + std::to_string(meshOut.total()) +
                                                    " mesh values, expected " + std::to_string(mesh::kPointCount * 3));
  }
  cv::Matx23d toImage;
  cv::invertAffineTransform(toCrop, toImage);
  const float zScale = crop.side / input.width;
  FaceLandmarks out;
  out.crop = crop;
  out.score = SigmoidIfLogit(outputs[1].ptr<float>()[0], spec.scoreIsLogit);
  out.points.reserve(mesh::kPointCount);
  const float* v = meshOut.ptr<float>();
  for (int i = 0; i < mesh::kPointCount; ++i, v += 3) {
    const double x = v[0], y = v[1];
    out.points.emplace_back(static_cast<float>(toImage(0, 0) * x + toImage(0, 1) * y + toImage(0, 2)),
                            static_cast<float>(toImage(1, 0) * x + toImage(1, 1) * y + toImage(1, 2)), v[2] * zScale);
  }
  return out;
}

}  // namespace proofgate::face
