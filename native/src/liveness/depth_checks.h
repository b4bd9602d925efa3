// The depth presentation-attack checks on one RGB-D frame: the face region from the landmarks,
// back-projected to metric 3D, then valid-depth fraction, RANSAC plane residual, quadric residual with
// the nose excluded, nose prominence over that surface, nose relief along every direction through the
// tip, metric eye distances, foreground vs the ring
// around the face, and IR reflectance when an IR frame is given. Every check reports its value, the
// bounds it was given and whether it passed. No thresholds live here: they come from TypeScript.
#pragma once
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "liveness/surface_fit.h"

namespace proofgate::liveness {

struct Intrinsics {
  double fx = 0, fy = 0, cx = 0, cy = 0;
};

// Lower/upper bound; NaN means "no bound on that side". Both NaN: reported, not gating.
struct Bounds {
  double min = std::numeric_limits<double>::quiet_NaN();
  double max = std::numeric_limits<double>::quiet_NaN();
};

struct DepthCheckBounds {
  Bounds validDepthFraction, planeResidualMm, planeInlierFraction, quadricResidualMm, noseProminenceMm,
      noseReliefMm, outerCanthiMm, interPupilMm, foregroundRingFraction, irReflectance;
};

// Mesh vertex numbers (the caller's knowledge of the landmark layout).
struct LandmarkRoles {
  int noseTip = 0;
  int rightEyeOuter = 0, rightEyeInner = 0, leftEyeInner = 0, leftEyeOuter = 0;
};

struct DepthCheckParams {
  PlaneFitOptions plane;
  double noseExclusionMm = 0;    // quadric fitted outside this radius (in x, y) of the nose tip
  double noseTipRadiusMm = 0;    // prominence taken inside this radius ...
  double noseTipQuantile = 0;    // ... as this quantile of the heights there
  int noseReliefDirections = 0;     // chords through the nose tip, evenly spread over 180 degrees: strips
  double noseReliefRadiusMm = 0;    // of pixels reaching this far on both sides of the tip and
  double noseReliefStripMm = 0;     // this far either side of the chord's line; pixels nearer the tip
  double noseReliefInnerMm = 0;     // than this are the nose, those beyond it give the line
  double noseReliefQuantile = 0;    // a chord's relief: this quantile of the nose pixels' heights over it
  int noseReliefSmoothPx = 0;       // depths for the relief: medians over a (2r+1)^2 window
  int noseReliefMinPoints = 0;      // fewer valid pixels in a part (outer side or middle): chord not measured
  int noseReliefMinDirections = 0;  // fewer measured chords than this: not computed
  int quadricRounds = 0;
  double quadricRejectSigma = 0;
  int sampleRadiusPx = 0;        // depth at a landmark: median over a (2r+1)^2 window
  double ringInnerScale = 0;     // ring between the landmark hull scaled by these factors about its centroid
  double ringOuterScale = 0;
  double ringBehindMm = 0;       // ring pixel counts as background when this far behind the face (or empty)
  double irReferenceDistanceMm = 0;
  int minFacePoints = 0;
  double faceDepthBandMm = 0;    // face points and landmark depths farther than this from the face median are ignored
};

struct DepthFrameView {
  const uint16_t* depth = nullptr;
  int width = 0, height = 0;
  double depthUnitMm = 0;
  Intrinsics intrinsics;
  const float* landmarks = nullptr;  // 468 * stride
  int landmarkStride = 0;
  int landmarkCount = 0;
  const uint8_t* ir = nullptr;       // same size as depth, 8 or 16 bits per pixel
  int irBits = 0;
};

struct CheckResult {
  std::string name;
  std::string unit;
  double value = std::numeric_limits<double>::quiet_NaN();
  Bounds bounds;
  // "pass", "fail", "info" (no bounds) or "not-computed" (too little data: gating checks then fail).
  std::string outcome;
};

struct DepthCheckReport {
  std::vector<CheckResult> checks;
  int facePixels = 0;
  int validFacePixels = 0;
  double faceDepthMm = 0;
};

DepthCheckReport RunDepthChecks(const DepthFrameView& frame, const LandmarkRoles& roles, const DepthCheckParams& params,
                                const DepthCheckBounds& bounds);

}  // namespace proofgate::liveness
