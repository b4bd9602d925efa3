#include "liveness/depth_checks.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "common/native_error.h"

namespace proofgate::liveness {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

CheckResult Judge(const char* name, const char* unit, double value, const Bounds& b, bool computed) {
  CheckResult r{name, unit, value, b, ""};
  const bool gating = !std::isnan(b.min) || !std::isnan(b.max);
  if (!computed || std::isnan(value)) {
    r.outcome = "not-computed";
    r.value = kNaN;
  } else if (!gating) {
    r.outcome = "info";
  } else {
    const bool ok = (std::isnan(b.min) || value >= b.min) && (std::isnan(b.max) || value <= b.max);
    r.outcome = ok ? "pass" : "fail";
  }
  return r;
}

double Median(std::vector<double>& v) {
  if (v.empty()) return kNaN;
  const size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<long>(mid), v.end());
  return v[mid];
}

class FrameGeometry {
 public:
  explicit FrameGeometry(const DepthFrameView& f) : f_(f) {}

  double DepthMm(int x, int y) const {
    if (x < 0 || y < 0 || x >= f_.width || y >= f_.height) return 0;
    return f_.depth[static_cast<size_t>(y) * f_.width + x] * f_.depthUnitMm;
  }

  cv::Point3d BackProject(double u, double v, double z) const {
    return {(u - f_.intrinsics.cx) * z / f_.intrinsics.fx, (v - f_.intrinsics.cy) * z / f_.intrinsics.fy, z};
  }

  cv::Point2d Landmark(int i) const {
    const float* p = f_.landmarks + static_cast<size_t>(i) * f_.landmarkStride;
    return {p[0], p[1]};
  }

  // Median valid depth in a window around a pixel, counting only depths within `band` of `faceZ`
  // (a landmark at the silhouette may see the background past it); NaN when none qualify.
  double DepthNear(cv::Point2d p, int radius, double faceZ, double band) const {
    std::vector<double> zs;
    const int px = static_cast<int>(std::lround(p.x)), py = static_cast<int>(std::lround(p.y));
    for (int y = py - radius; y <= py + radius; ++y)
      for (int x = px - radius; x <= px + radius; ++x) {
        const double z = DepthMm(x, y);
        if (z > 0 && (std::isnan(faceZ) || std::abs(z - faceZ) <= band)) zs.push_back(z);
      }
    return Median(zs);
  }

  // A landmark in 3D; takes the face's median depth when its window has no usable depth.
  cv::Point3d Landmark3d(int i, int radius, double faceZ, double band) const {
    const cv::Point2d p = Landmark(i);
    double z = DepthNear(p, radius, faceZ, band);
    if (std::isnan(z)) z = faceZ;
    return BackProject(p.x, p.y, z);
  }

  const DepthFrameView& frame() const { return f_; }

 private:
  const DepthFrameView& f_;
};

std::vector<cv::Point> ScaledPolygon(const std::vector<cv::Point2d>& poly, cv::Point2d centre, double scale) {
  std::vector<cv::Point> out;
  out.reserve(poly.size());
  for (const auto& p : poly) {
    const cv::Point2d q = centre + (p - centre) * scale;
    out.emplace_back(static_cast<int>(std::lround(q.x)), static_cast<int>(std::lround(q.y)));
  }
  return out;
}

}  // namespace

DepthCheckReport RunDepthChecks(const DepthFrameView& frame, const LandmarkRoles& roles, const DepthCheckParams& params,
                                const DepthCheckBounds& bounds) {
  DepthCheckReport report;
  const FrameGeometry geo(frame);
  const cv::Rect image(0, 0, frame.width, frame.height);

  // Face region: the convex hull of all landmarks. (The oval landmarks alone are not enough: under
  // yaw the nose tip projects outside them.)
  std::vector<cv::Point2f> all;
  for (int i = 0; i < frame.landmarkCount; ++i) all.emplace_back(geo.Landmark(i));
  std::vector<cv::Point2f> hull;
  cv::convexHull(all, hull);
  std::vector<cv::Point2d> hullPolygon;
  cv::Point2d centre(0, 0);
  for (const auto& p : hull) {
    hullPolygon.emplace_back(p.x, p.y);
    centre += hullPolygon.back();
  }
  centre *= 1.0 / static_cast<double>(hullPolygon.size());
  cv::Mat faceMask = cv::Mat::zeros(frame.height, frame.width, CV_8U);
  cv::fillPoly(faceMask, std::vector<std::vector<cv::Point>>{ScaledPolygon(hullPolygon, centre, 1.0)}, cv::Scalar(255));
  const cv::Rect box = cv::boundingRect(ScaledPolygon(hullPolygon, centre, params.ringOuterScale)) & image;
  if (box.area() == 0) throw NativeError("ERR_LIVENESS_FACE_OUTSIDE", "the face landmarks lie outside the depth frame");

  std::vector<cv::Point3d> points;
  std::vector<cv::Point> pixels;
  std::vector<double> depths;
  for (int y = box.y; y < box.y + box.height; ++y) {
    const uint8_t* m = faceMask.ptr<uint8_t>(y);
    for (int x = box.x; x < box.x + box.width; ++x) {
      if (!m[x]) continue;
      ++report.facePixels;
      const double z = geo.DepthMm(x, y);
      if (z <= 0) continue;
      points.push_back(geo.BackProject(x, y, z));
      pixels.emplace_back(x, y);
      depths.push_back(z);
    }
  }
  report.validFacePixels = static_cast<int>(points.size());
  const bool enough = report.validFacePixels >= params.minFacePoints;
  report.faceDepthMm = Median(depths);
  const double validFraction = report.facePixels > 0 ? static_cast<double>(report.validFacePixels) / report.facePixels : 0.0;
  report.checks.push_back(Judge("validDepthFraction", "ratio", validFraction, bounds.validDepthFraction, report.facePixels > 0));

  // Background seen past the silhouette and flying pixels would drag the fits: keep points near the face's depth.
  std::vector<cv::Point3d> face;
  std::vector<cv::Point> facePixels;
  if (enough) {
    for (size_t i = 0; i < points.size(); ++i)
      if (std::abs(points[i].z - report.faceDepthMm) <= params.faceDepthBandMm) {
        face.push_back(points[i]);
        facePixels.push_back(pixels[i]);
      }
  }

  // 1. RANSAC plane.
  PlaneFit plane = enough ? FitPlaneRansac(face, params.plane) : PlaneFit{};
  report.checks.push_back(Judge("planeResidualMm", "mm", plane.trimmedRmsMm, bounds.planeResidualMm, plane.ok));
  report.checks.push_back(Judge("planeInlierFraction", "ratio", plane.inlierFraction, bounds.planeInlierFraction, plane.ok));

  // 2. Quadric without the nose, 3. nose prominence over it. Both regions are taken in the image
  //    around the nose landmark (radii converted with the face depth), so a wrong depth at the nose
  //    tip itself cannot move them.
  const cv::Point2d noseAt = geo.Landmark(roles.noseTip);
  const double pxPerMm = std::isnan(report.faceDepthMm) ? 0 : frame.intrinsics.fx / report.faceDepthMm;
  const double exclusionPx = params.noseExclusionMm * pxPerMm, tipPx = params.noseTipRadiusMm * pxPerMm;
  std::vector<cv::Point3d> cheeks, tip;
  for (size_t i = 0; i < face.size(); ++i) {
    const double d = std::hypot(facePixels[i].x - noseAt.x, facePixels[i].y - noseAt.y);
    if (d > exclusionPx) cheeks.push_back(face[i]);
    else if (d <= tipPx) tip.push_back(face[i]);
  }
  QuadricFit quadric = enough ? FitQuadricRobust(cheeks, params.quadricRounds, params.quadricRejectSigma) : QuadricFit{};
  report.checks.push_back(Judge("quadricResidualMm", "mm", quadric.rmsMm, bounds.quadricResidualMm, quadric.ok));
  double prominence = kNaN;
  if (quadric.ok && tip.size() >= 3) {
    // Upper quantile of heights: under yaw the disc around the tip also covers the cheek beside the nose.
    std::vector<double> above;
    for (const auto& p : tip) above.push_back(quadric.At(p.x, p.y) - p.z);  // nearer than the surface: positive
    const size_t q = static_cast<size_t>(std::floor(params.noseTipQuantile * static_cast<double>(above.size() - 1)));
    std::nth_element(above.begin(), above.begin() + static_cast<long>(q), above.end());
    prominence = above[q];
  }
  report.checks.push_back(Judge("noseProminenceMm", "mm", prominence, bounds.noseProminenceMm, quadric.ok && tip.size() >= 3));

  // 3b. Nose relief: how far the nose stands out of the flattest straight chord through it. Paper and
  //     screens, however bent, are developable surfaces (Gaussian curvature 0): through every point runs a
  //     straight line lying in the surface, so along it nothing near the "tip" stands out, whatever the
  //     bend's radius or axis. A nose is a bump: it stands out of every chord (cheeks beside it, bridge
  //     above, lip below). No surface is fitted, so a tight bend leaves no misfit to read as a nose.
  //     Each chord is a strip of pixels through the nose-tip landmark. Its outer parts give the line: on
  //     each side the median position and the median inverse depth (1/z is affine along an image line on
  //     a plane, and along any straight line in space). Its middle part is the nose: the heights of its
  //     pixels in front of that line, taken at a quantile (the landmark may sit on the nose's lower edge
  //     under pitch, with the most protruding point a few millimetres away).
  double relief = kNaN;
  if (enough && pxPerMm > 0) {
    const int directions = params.noseReliefDirections;
    const double innerPx = params.noseReliefInnerMm * pxPerMm, outerPx = params.noseReliefRadiusMm * pxPerMm;
    const double halfWidthPx = std::max(1.0, params.noseReliefStripMm * pxPerMm);
    std::vector<double> cosines(directions), sines(directions);
    for (int k = 0; k < directions; ++k) {
      cosines[k] = std::cos(CV_PI * k / directions);
      sines[k] = std::sin(CV_PI * k / directions);
    }
    struct Strip {
      std::vector<double> along[2], inverse[2];  // the outer parts: [0] before the tip, [1] after
      std::vector<double> middleAlong, middleZ;  // the middle part
    };
    std::vector<Strip> strips(directions);
    // Every pixel near the nose with depth near the face's, inside the landmark hull or not: near profile
    // the tip is a corner of the hull, and the far side of the head beside it is what the chords rest on.
    const int reach = static_cast<int>(std::ceil(outerPx));
    const int cx0 = static_cast<int>(std::lround(noseAt.x)), cy0 = static_cast<int>(std::lround(noseAt.y));
    for (int y = std::max(0, cy0 - reach); y <= std::min(frame.height - 1, cy0 + reach); ++y) {
      for (int x = std::max(0, cx0 - reach); x <= std::min(frame.width - 1, cx0 + reach); ++x) {
        const double dx = x - noseAt.x, dy = y - noseAt.y, r = std::hypot(dx, dy);
        if (r > outerPx) continue;
        const double raw = geo.DepthMm(x, y);
        if (raw <= 0 || std::abs(raw - report.faceDepthMm) > params.faceDepthBandMm) continue;
        // A small median first: stereo noise would otherwise give a sheet a "nose" at the quantile taken below.
        const double z = geo.DepthNear(cv::Point2d(x, y), params.noseReliefSmoothPx, report.faceDepthMm, params.faceDepthBandMm);
        for (int k = 0; k < directions; ++k) {
          if (std::abs(-dx * sines[k] + dy * cosines[k]) > halfWidthPx) continue;
          const double t = dx * cosines[k] + dy * sines[k];
          Strip& strip = strips[k];
          if (r < innerPx) {
            strip.middleAlong.push_back(t);
            strip.middleZ.push_back(z);
          } else {
            strip.along[t > 0 ? 1 : 0].push_back(t);
            strip.inverse[t > 0 ? 1 : 0].push_back(1.0 / z);
          }
        }
      }
    }
    const size_t need = static_cast<size_t>(params.noseReliefMinPoints);
    int measured = 0;
    double flattest = std::numeric_limits<double>::infinity();
    for (Strip& strip : strips) {
      // A part with no depth (the silhouette, a stereo shadow) says nothing about that chord: skipped.
      if (strip.along[0].size() < need || strip.along[1].size() < need || strip.middleZ.size() < need) continue;
      const double ta = Median(strip.along[0]), wa = Median(strip.inverse[0]);
      const double tb = Median(strip.along[1]), wb = Median(strip.inverse[1]);
      std::vector<double> heights;
      for (size_t j = 0; j < strip.middleZ.size(); ++j) {
        const double w = wa + (wb - wa) * (strip.middleAlong[j] - ta) / (tb - ta);
        if (w > 0) heights.push_back(1.0 / w - strip.middleZ[j]);  // positive: nearer than the chord
      }
      if (heights.size() < need) continue;
      const size_t q = static_cast<size_t>(std::floor(params.noseReliefQuantile * static_cast<double>(heights.size() - 1)));
      std::nth_element(heights.begin(), heights.begin() + static_cast<long>(q), heights.end());
      flattest = std::min(flattest, heights[q]);
      ++measured;
    }
    if (measured >= params.noseReliefMinDirections) relief = flattest;
  }
  report.checks.push_back(Judge("noseReliefMm", "mm", relief, bounds.noseReliefMm, !std::isnan(relief)));

  // 4. Metric size from depth + intrinsics.
  const double z0 = report.faceDepthMm;
  const bool sized = enough && !std::isnan(z0);
  const cv::Point3d ro = geo.Landmark3d(roles.rightEyeOuter, params.sampleRadiusPx, z0, params.faceDepthBandMm);
  const cv::Point3d ri = geo.Landmark3d(roles.rightEyeInner, params.sampleRadiusPx, z0, params.faceDepthBandMm);
  const cv::Point3d li = geo.Landmark3d(roles.leftEyeInner, params.sampleRadiusPx, z0, params.faceDepthBandMm);
  const cv::Point3d lo = geo.Landmark3d(roles.leftEyeOuter, params.sampleRadiusPx, z0, params.faceDepthBandMm);
  report.checks.push_back(Judge("outerCanthiMm", "mm", cv::norm(ro - lo), bounds.outerCanthiMm, sized));
  report.checks.push_back(Judge("interPupilMm", "mm", cv::norm((ro + ri) * 0.5 - (li + lo) * 0.5), bounds.interPupilMm, sized));

  // 5. Depth-RGB consistency: the RGB face's surroundings must lie behind it (or be empty), as around a
  //    head; a print, screen or frame around the face sits at the face's own depth.
  cv::Mat ring = cv::Mat::zeros(frame.height, frame.width, CV_8U);
  cv::fillPoly(ring, std::vector<std::vector<cv::Point>>{ScaledPolygon(hullPolygon, centre, params.ringOuterScale)}, cv::Scalar(255));
  cv::fillPoly(ring, std::vector<std::vector<cv::Point>>{ScaledPolygon(hullPolygon, centre, params.ringInnerScale)}, cv::Scalar(0));
  int ringPixels = 0, ringBehind = 0;
  for (int y = box.y; y < box.y + box.height; ++y) {
    const uint8_t* m = ring.ptr<uint8_t>(y);
    for (int x = box.x; x < box.x + box.width; ++x) {
      if (!m[x]) continue;
      ++ringPixels;
      const double z = geo.DepthMm(x, y);
      if (z <= 0 || z > z0 + params.ringBehindMm) ++ringBehind;
    }
  }
  report.checks.push_back(Judge("foregroundRingFraction", "ratio", ringPixels > 0 ? static_cast<double>(ringBehind) / ringPixels : kNaN,
                                bounds.foregroundRingFraction, sized && ringPixels > 0));

  // 6. IR reflectance of the face region, corrected for the projector's inverse-square falloff.
  if (frame.ir != nullptr) {
    std::vector<double> irs;
    const double full = frame.irBits == 16 ? 65535.0 : 255.0;
    for (int y = box.y; y < box.y + box.height; ++y) {
      const uint8_t* m = faceMask.ptr<uint8_t>(y);
      for (int x = box.x; x < box.x + box.width; ++x) {
        if (!m[x]) continue;
        const size_t k = static_cast<size_t>(y) * frame.width + x;
        irs.push_back(frame.irBits == 16 ? reinterpret_cast<const uint16_t*>(frame.ir)[k] : frame.ir[k]);
      }
    }
    const double r = z0 / params.irReferenceDistanceMm;
    report.checks.push_back(Judge("irReflectance", "ratio", Median(irs) / full * r * r, bounds.irReflectance, sized && !irs.empty()));
  }
  return report;
}

}  // namespace proofgate::liveness
