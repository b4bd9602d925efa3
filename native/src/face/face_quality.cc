#include "face/face_quality.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <opencv2/imgproc.hpp>

#include "face/mesh_indices.h"

namespace proofgate::face {
namespace {

constexpr float kDegrees = static_cast<float>(180.0 / CV_PI);

float Distance(const cv::Point3f& a, const cv::Point3f& b) { return std::hypot(a.x - b.x, a.y - b.y); }

cv::Point3f Midpoint(const cv::Point3f& a, const cv::Point3f& b) { return (a + b) * 0.5f; }

// (|p2-p6| + |p3-p5|) / (2 |p1-p4|), Soukupova & Cech 2016; ~0.3 open, below ~0.15 closed.
float EyeAspectRatio(const FaceLandmarks& mesh, const int (&ring)[6]) {
  const auto& p = mesh.points;
  const float width = Distance(p[ring[0]], p[ring[3]]);
  if (width <= 0) return 0;
  return (Distance(p[ring[1]], p[ring[5]]) + Distance(p[ring[2]], p[ring[4]])) / (2 * width);
}

cv::Vec3f Normalized(cv::Vec3f v) {
  const float n = static_cast<float>(cv::norm(v));
  return n > 0 ? v / n : v;
}

// Head pose from the mesh, as @vladmandic/human src/face/angles.ts: axes from forehead-chin and
// cheek-cheek, orthogonalised, then YZX Euler angles. Positive yaw: the subject turns to their left.
void MeasurePose(const FaceLandmarks& mesh, FaceQuality& q) {
  const auto& p = mesh.points;
  auto vec = [](const cv::Point3f& from, const cv::Point3f& to) { return cv::Vec3f(to.x - from.x, to.y - from.y, to.z - from.z); };
  const cv::Vec3f yAxis = Normalized(vec(p[mesh::kForehead], p[mesh::kChin]));
  cv::Vec3f xAxis = Normalized(vec(p[mesh::kRightCheek], p[mesh::kLeftCheek]));
  const cv::Vec3f zAxis = Normalized(xAxis.cross(yAxis));
  xAxis = yAxis.cross(zAxis);
  const float r00 = xAxis[0], r10 = yAxis[0], r11 = yAxis[1], r12 = yAxis[2], r20 = zAxis[0], r21 = zAxis[1], r22 = zAxis[2];
  float thetaX, thetaY, thetaZ;
  if (r10 < 1 && r10 > -1) {
    thetaZ = std::atan2(r10, std::sqrt(r00 * r00 + r20 * r20));
    thetaY = std::atan2(-r20, r00);
    thetaX = std::atan2(-r12, r11);
  } else {
    thetaZ = r10 >= 1 ? static_cast<float>(CV_PI / 2) : static_cast<float>(-CV_PI / 2);
    thetaY = (r10 >= 1 ? 1 : -1) * std::atan2(r21, r22);
    thetaX = 0;
  }
  q.pitch = std::isfinite(thetaX) ? -thetaX * kDegrees : 0;
  q.yaw = std::isfinite(thetaY) ? -thetaY * kDegrees : 0;
  q.roll = std::isfinite(thetaZ) ? -thetaZ * kDegrees : 0;
}

void MeasureExposure(const cv::Mat& grey, FaceQuality& q) {
  int histogram[256] = {0};
  for (int y = 0; y < grey.rows; ++y) {
    const uint8_t* row = grey.ptr<uint8_t>(y);
    for (int x = 0; x < grey.cols; ++x) ++histogram[row[x]];
  }
  double sum = 0;
  int dark = 0, bright = 0;
  for (int v = 0; v < 256; ++v) {
    sum += static_cast<double>(v) * histogram[v];
    if (v <= 8) dark += histogram[v];
    if (v >= 247) bright += histogram[v];
  }
  const double total = static_cast<double>(grey.total());
  q.brightness = static_cast<float>(sum / total / 255.0);
  q.darkFraction = static_cast<float>(dark / total);
  q.brightFraction = static_cast<float>(bright / total);
}

}  // namespace

FaceQuality MeasureFaceQuality(const FaceLandmarks& mesh, const cv::Mat& chip) {
  FaceQuality q;
  float minX = std::numeric_limits<float>::max(), maxX = -minX, minY = minX, maxY = -minX;
  for (const cv::Point3f& p : mesh.points) {
    minX = std::min(minX, p.x), maxX = std::max(maxX, p.x), minY = std::min(minY, p.y), maxY = std::max(maxY, p.y);
  }
  q.faceWidth = maxX - minX;
  q.faceHeight = maxY - minY;
  const auto& p = mesh.points;
  q.interocular = Distance(Midpoint(p[mesh::kRightEyeOuter], p[mesh::kRightEyeInner]),
                           Midpoint(p[mesh::kLeftEyeOuter], p[mesh::kLeftEyeInner]));
  q.rightEyeOpenness = EyeAspectRatio(mesh, mesh::kRightEyeRing);
  q.leftEyeOpenness = EyeAspectRatio(mesh, mesh::kLeftEyeRing);
  MeasurePose(mesh, q);

  cv::Mat grey, laplacian;
  cv::cvtColor(chip, grey, cv::COLOR_BGR2GRAY);
  cv::Laplacian(grey, laplacian, CV_32F);
  cv::Scalar mean, stddev;
  cv::meanStdDev(laplacian, mean, stddev);
  q.sharpness = static_cast<float>(stddev[0] * stddev[0]);
  MeasureExposure(grey, q);
  return q;
}

}  // namespace proofgate::face
