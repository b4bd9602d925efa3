#include "liveness/surface_fit.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace proofgate::liveness {

PlaneFit FitPlaneRansac(const std::vector<cv::Point3d>& points, const PlaneFitOptions& options) {
  PlaneFit best;
  const size_t n = points.size();
  if (n < 3) return best;
  std::mt19937 rng(options.seed);  // seeded: the same frame always gives the same report
  std::uniform_int_distribution<size_t> pick(0, n - 1);
  std::vector<double> tolerance(n);
  for (size_t i = 0; i < n; ++i) {
    const double zm = points[i].z / 1000.0;
    tolerance[i] = options.inlierBaseMm + options.inlierPerSquareMetreMm * zm * zm;
  }
  size_t bestCount = 0;
  for (int it = 0; it < options.iterations; ++it) {
    const cv::Point3d& a = points[pick(rng)];
    const cv::Point3d& b = points[pick(rng)];
    const cv::Point3d& c = points[pick(rng)];
    cv::Vec3d normal = cv::Vec3d(b - a).cross(cv::Vec3d(c - a));
    const double len = cv::norm(normal);
    if (len < 1e-6) continue;
    normal /= len;
    const double offset = -normal.dot(cv::Vec3d(a));
    size_t count = 0;
    for (size_t i = 0; i < n; ++i) {
      if (std::abs(normal.dot(cv::Vec3d(points[i])) + offset) <= tolerance[i]) ++count;
    }
    if (count > bestCount) {
      bestCount = count;
      best.normal = normal;
      best.offset = offset;
    }
  }
  if (bestCount < 3) return best;
  // Refine on the inliers by PCA: the smallest-variance direction is the normal.
  cv::Mat inliers(0, 3, CV_64F);
  inliers.reserve(bestCount);
  for (size_t i = 0; i < n; ++i) {
    if (std::abs(best.normal.dot(cv::Vec3d(points[i])) + best.offset) <= tolerance[i]) {
      const double row[3] = {points[i].x, points[i].y, points[i].z};
      inliers.push_back(cv::Mat(1, 3, CV_64F, const_cast<double*>(row)).clone());
    }
  }
  cv::PCA pca(inliers, cv::noArray(), cv::PCA::DATA_AS_ROW);
  best.normal = cv::Vec3d(pca.eigenvectors.at<double>(2, 0), pca.eigenvectors.at<double>(2, 1), pca.eigenvectors.at<double>(2, 2));
  best.offset = -best.normal.dot(cv::Vec3d(pca.mean.at<double>(0, 0), pca.mean.at<double>(0, 1), pca.mean.at<double>(0, 2)));
  std::vector<double> residual(n);
  size_t inlierCount = 0;
  for (size_t i = 0; i < n; ++i) {
    residual[i] = std::abs(best.normal.dot(cv::Vec3d(points[i])) + best.offset);
    if (residual[i] <= tolerance[i]) ++inlierCount;
  }
  std::sort(residual.begin(), residual.end());
  const size_t keep = std::max<size_t>(3, static_cast<size_t>(std::floor(n * (1.0 - options.trimFraction))));
  double sum = 0;
  for (size_t i = 0; i < keep && i < n; ++i) sum += residual[i] * residual[i];
  best.trimmedRmsMm = std::sqrt(sum / static_cast<double>(std::min(keep, n)));
  best.inlierFraction = static_cast<double>(inlierCount) / static_cast<double>(n);
  best.ok = true;
  return best;
}

QuadricFit FitQuadricRobust(const std::vector<cv::Point3d>& points, int rounds, double rejectSigma) {
  QuadricFit fit;
  std::vector<char> keep(points.size(), 1);
  for (int round = 0; round <= rounds; ++round) {
    cv::Matx<double, 6, 6> ata = cv::Matx<double, 6, 6>::zeros();
    cv::Matx<double, 6, 1> atb = cv::Matx<double, 6, 1>::zeros();
    size_t used = 0;
    // Centre and scale x, y to keep the normal equations well conditioned.
    for (size_t i = 0; i < points.size(); ++i) {
      if (!keep[i]) continue;
      const double x = points[i].x / 100.0, y = points[i].y / 100.0;
      const double row[6] = {x * x, y * y, x * y, x, y, 1.0};
      for (int r = 0; r < 6; ++r) {
        atb(r) += row[r] * points[i].z;
        for (int c = 0; c < 6; ++c) ata(r, c) += row[r] * row[c];
      }
      ++used;
    }
    if (used < 12) return fit;
    cv::Matx<double, 6, 1> sol;
    if (!cv::solve(ata, atb, sol, cv::DECOMP_SVD)) return fit;
    fit.coeff[0] = sol(0) / 1e4;
    fit.coeff[1] = sol(1) / 1e4;
    fit.coeff[2] = sol(2) / 1e4;
    fit.coeff[3] = sol(3) / 100.0;
    fit.coeff[4] = sol(4) / 100.0;
    fit.coeff[5] = sol(5);
    double sum = 0;
    for (size_t i = 0; i < points.size(); ++i) {
      if (!keep[i]) continue;
      const double r = points[i].z - fit.At(points[i].x, points[i].y);
      sum += r * r;
    }
    fit.rmsMm = std::sqrt(sum / static_cast<double>(used));
    fit.ok = true;
    if (round == rounds) break;
    const double limit = rejectSigma * std::max(fit.rmsMm, 0.5);
    for (size_t i = 0; i < points.size(); ++i) {
      keep[i] = std::abs(points[i].z - fit.At(points[i].x, points[i].y)) <= limit ? 1 : 0;
    }
  }
  return fit;
}

}  // namespace proofgate::liveness
