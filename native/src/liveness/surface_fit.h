// Robust surface fits over a face's back-projected points (mm, camera frame): a RANSAC plane and an
// iteratively trimmed quadric z = f(x, y). Pure numerics; thresholds arrive from the caller.
#pragma once
#include <cstdint>
#include <vector>

#include <opencv2/core.hpp>

namespace proofgate::liveness {

struct PlaneFit {
  cv::Vec3d normal{0, 0, 1};
  double offset = 0;            // normal . p + offset = 0
  double inlierFraction = 0;    // points within the inlier distance of the best plane
  double trimmedRmsMm = 0;      // RMS of the smallest (1 - trim) share of orthogonal residuals
  bool ok = false;
};

// inlierMm(z) = inlierBaseMm + inlierPerSquareMetreMm * (z / 1000)^2: stereo noise grows with z^2.
struct PlaneFitOptions {
  int iterations = 0;
  double inlierBaseMm = 0;
  double inlierPerSquareMetreMm = 0;
  double trimFraction = 0;
  uint32_t seed = 0;
};

PlaneFit FitPlaneRansac(const std::vector<cv::Point3d>& points, const PlaneFitOptions& options);

struct QuadricFit {
  double coeff[6] = {0, 0, 0, 0, 0, 0};  // z = a x^2 + b y^2 + c xy + d x + e y + f
  double rmsMm = 0;                      // over the points kept by the last trimming round
  bool ok = false;
  double At(double x, double y) const {
    return coeff[0] * x * x + coeff[1] * y * y + coeff[2] * x * y + coeff[3] * x + coeff[4] * y + coeff[5];
  }
};

// Least squares, then `rounds` refits without points beyond `rejectSigma` RMS (flying pixels, eye holes).
QuadricFit FitQuadricRobust(const std::vector<cv::Point3d>& points, int rounds, double rejectSigma);

}  // namespace proofgate::liveness
