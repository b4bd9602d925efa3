// Pyramidal Lucas-Kanade tracking of seed points through a sequence of grey frames, chained frame to
// frame outward from a reference frame, each step checked forward-backward. Holds no thresholds of its
// own: every tolerance comes from the caller (TypeScript configuration).
#pragma once
#include <opencv2/core.hpp>

#include <vector>

namespace proofgate::liveness {

struct TrackingParams {
  int windowPx = 0;              // LK window side (odd)
  int pyramidLevels = 0;         // extra pyramid levels (0 = the full-resolution frame only)
  int maxIterations = 0;         // LK iterations per level
  double epsilon = 0;            // LK convergence step, px
  double minEigThreshold = 0;    // LK's minimum eigenvalue of the window's gradient matrix (texture floor)
  double maxForwardBackwardPx = 0;  // a step whose backward track misses its start by more loses the point
  bool reacquireFromReference = false;  // track lost points again straight from the reference frame, every frame
  bool reacquireFromLastGood = false;   // then track those still lost again from the last frame each was tracked in
};

struct TrackingResult {
  int frames = 0, points = 0;
  std::vector<float> xy;            // frames x points x 2; NaN where the point is lost
  std::vector<uint8_t> tracked;     // frames x points; 1 while the point is still tracked
  std::vector<float> forwardBackwardPx;  // frames x points: that frame's step's forward-backward miss; NaN when lost or the reference
};

// `grey`: CV_8UC1 frames of one size; `seeds`: positions in frame `reference`.
TrackingResult TrackTexture(const std::vector<cv::Mat>& grey, int reference, const std::vector<cv::Point2f>& seeds, const TrackingParams& params);

}  // namespace proofgate::liveness
