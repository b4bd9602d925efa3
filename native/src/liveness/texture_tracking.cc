#include "liveness/texture_tracking.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <opencv2/video/tracking.hpp>

namespace proofgate::liveness {
namespace {

constexpr float kLost = std::numeric_limits<float>::quiet_NaN();

// One step prev -> next for the live points of `current`; points that fail LK either way, leave the
// frame or miss their start by more than the forward-backward tolerance are lost from then on.
void Step(const cv::Mat& prev, const cv::Mat& next, std::vector<cv::Point2f>& current, std::vector<bool>& alive,
          std::vector<float>& fbOut, const TrackingParams& p) {
  std::vector<cv::Point2f> from;
  std::vector<int> index;
  for (size_t i = 0; i < current.size(); ++i)
    if (alive[i]) {
      from.push_back(current[i]);
      index.push_back(static_cast<int>(i));
    }
  std::fill(fbOut.begin(), fbOut.end(), kLost);
  if (from.empty()) return;
  const cv::Size window(p.windowPx, p.windowPx);
  const cv::TermCriteria criteria(cv::TermCriteria::COUNT | cv::TermCriteria::EPS, p.maxIterations, p.epsilon);
  std::vector<cv::Point2f> to, back;
  std::vector<uchar> okForward, okBackward;
  std::vector<float> err;
  cv::calcOpticalFlowPyrLK(prev, next, from, to, okForward, err, window, p.pyramidLevels, criteria, 0, p.minEigThreshold);
  cv::calcOpticalFlowPyrLK(next, prev, to, back, okBackward, err, window, p.pyramidLevels, criteria, 0, p.minEigThreshold);
  const cv::Rect2f frame(0, 0, static_cast<float>(next.cols), static_cast<float>(next.rows));
  for (size_t k = 0; k < from.size(); ++k) {
    const int i = index[k];
    const float fb = static_cast<float>(cv::norm(back[k] - from[k]));
    const bool ok = okForward[k] && okBackward[k] && std::isfinite(fb) && fb <= p.maxForwardBackwardPx && frame.contains(to[k]);
    if (!ok) {
      alive[i] = false;
      continue;
    }
    current[i] = to[k];
    fbOut[i] = fb;
  }
}

// Median of the live points' displacement from their seeds: where a point lost on the way most likely is.
cv::Point2f MedianShift(const std::vector<cv::Point2f>& seeds, const std::vector<cv::Point2f>& current, const std::vector<bool>& alive) {
  std::vector<float> dx, dy;
  for (size_t i = 0; i < seeds.size(); ++i)
    if (alive[i]) {
      dx.push_back(current[i].x - seeds[i].x);
      dy.push_back(current[i].y - seeds[i].y);
    }
  if (dx.empty()) return {0, 0};
  const auto mid = dx.size() / 2;
  std::nth_element(dx.begin(), dx.begin() + mid, dx.end());
  std::nth_element(dy.begin(), dy.begin() + mid, dy.end());
  return {dx[mid], dy[mid]};
}

// Tracks `from` (in `source`) into `target`, started at `to`, and keeps each point that the backward pass
// brings back within maxForwardBackwardPx and that lands inside the frame: its position, liveness and
// forward-backward error go to the seed `index[k]` names.
void TrackBackChecked(const cv::Mat& source, const cv::Mat& target, const std::vector<cv::Point2f>& from, std::vector<cv::Point2f> to,
                      const std::vector<int>& index, std::vector<cv::Point2f>& current, std::vector<bool>& alive,
                      std::vector<float>& fbOut, const TrackingParams& p) {
  const cv::Size window(p.windowPx, p.windowPx);
  const cv::TermCriteria criteria(cv::TermCriteria::COUNT | cv::TermCriteria::EPS, p.maxIterations, p.epsilon);
  std::vector<cv::Point2f> back;
  std::vector<uchar> okForward, okBackward;
  std::vector<float> err;
  cv::calcOpticalFlowPyrLK(source, target, from, to, okForward, err, window, p.pyramidLevels, criteria, cv::OPTFLOW_USE_INITIAL_FLOW, p.minEigThreshold);
  cv::calcOpticalFlowPyrLK(target, source, to, back, okBackward, err, window, p.pyramidLevels, criteria, 0, p.minEigThreshold);
  const cv::Rect2f frame(0, 0, static_cast<float>(target.cols), static_cast<float>(target.rows));
  for (size_t k = 0; k < from.size(); ++k) {
    const float fb = static_cast<float>(cv::norm(back[k] - from[k]));
    if (!(okForward[k] && okBackward[k] && std::isfinite(fb) && fb <= p.maxForwardBackwardPx && frame.contains(to[k]))) continue;
    const int i = index[k];
    current[i] = to[k];
    alive[i] = true;
    fbOut[i] = fb;
  }
}

// Points the chain lost, tracked again straight from the reference frame into `next` (started where the
// live points' median shift puts them), with the same forward-backward check against their seeds. A chain
// loses a point for good at one hard step (a fast turn between two frames); when the head turns back, or
// the step was only hard for the chain, the reference's texture is still found.
void Reacquire(const cv::Mat& reference, const cv::Mat& next, const std::vector<cv::Point2f>& seeds, const std::vector<bool>& seedAlive,
               std::vector<cv::Point2f>& current, std::vector<bool>& alive, std::vector<float>& fbOut, const TrackingParams& p) {
  std::vector<cv::Point2f> from, to;
  std::vector<int> index;
  const cv::Point2f shift = MedianShift(seeds, current, alive);
  for (size_t i = 0; i < seeds.size(); ++i)
    if (seedAlive[i] && !alive[i]) {
      from.push_back(seeds[i]);
      to.push_back(seeds[i] + shift);
      index.push_back(static_cast<int>(i));
    }
  if (from.empty()) return;
  TrackBackChecked(reference, next, from, to, index, current, alive, fbOut, p);
}

// Points still lost after the above, tracked again from the last frame each was tracked in (its position
// there, started at the median move since that frame of the points live in both), forward-backward
// checked against that position. Past ~30° of turn the nose's texture no longer looks like the frontal
// reference's (its far side leaves the view) but still looks like the frame a step before, where the chain
// lost it at one hard step; from the reference alone such a point is not found again until the head
// comes back.
void ReacquireFromLastGood(const std::vector<cv::Mat>& grey, int f, const std::vector<int>& lastFrame, const std::vector<cv::Point2f>& lastPos,
                           const std::vector<std::vector<cv::Point2f>>& posAt, const std::vector<std::vector<bool>>& aliveAt,
                           const std::vector<cv::Point2f>& seeds, const std::vector<bool>& seedAlive,
                           std::vector<cv::Point2f>& current, std::vector<bool>& alive, std::vector<float>& fbOut, const TrackingParams& p) {
  std::vector<int> sources;
  for (size_t i = 0; i < seeds.size(); ++i)
    if (seedAlive[i] && !alive[i] && lastFrame[i] >= 0 && std::find(sources.begin(), sources.end(), lastFrame[i]) == sources.end()) sources.push_back(lastFrame[i]);
  for (int src : sources) {
    // Started at the median move, from that frame to this one, of the points live in both.
    std::vector<bool> both(seeds.size());
    for (size_t i = 0; i < seeds.size(); ++i) both[i] = alive[i] && aliveAt[src][i];
    const cv::Point2f move = MedianShift(posAt[src], current, both);
    std::vector<cv::Point2f> from, to;
    std::vector<int> index;
    for (size_t i = 0; i < seeds.size(); ++i)
      if (seedAlive[i] && !alive[i] && lastFrame[i] == src) {
        from.push_back(lastPos[i]);
        to.push_back(lastPos[i] + move);
        index.push_back(static_cast<int>(i));
      }
    TrackBackChecked(grey[src], grey[f], from, to, index, current, alive, fbOut, p);
  }
}

}  // namespace

TrackingResult TrackTexture(const std::vector<cv::Mat>& grey, int reference, const std::vector<cv::Point2f>& seeds, const TrackingParams& params) {
  TrackingResult r;
  r.frames = static_cast<int>(grey.size());
  r.points = static_cast<int>(seeds.size());
  const size_t n = seeds.size();
  r.xy.assign(grey.size() * n * 2, kLost);
  r.tracked.assign(grey.size() * n, 0);
  r.forwardBackwardPx.assign(grey.size() * n, kLost);
  auto record = [&](int f, const std::vector<cv::Point2f>& pts, const std::vector<bool>& alive, const std::vector<float>* fb) {
    for (size_t i = 0; i < n; ++i) {
      if (!alive[i]) continue;
      const size_t at = static_cast<size_t>(f) * n + i;
      r.xy[at * 2] = pts[i].x;
      r.xy[at * 2 + 1] = pts[i].y;
      r.tracked[at] = 1;
      if (fb) r.forwardBackwardPx[at] = (*fb)[i];
    }
  };
  const cv::Rect2f frame(0, 0, static_cast<float>(grey[reference].cols), static_cast<float>(grey[reference].rows));
  std::vector<bool> seedAlive(n);
  for (size_t i = 0; i < n; ++i) seedAlive[i] = std::isfinite(seeds[i].x) && std::isfinite(seeds[i].y) && frame.contains(seeds[i]);
  record(reference, seeds, seedAlive, nullptr);
  std::vector<float> fb(n);
  // Outward from the reference: forward to the last frame, then backward to the first.
  for (int direction : {+1, -1}) {
    std::vector<cv::Point2f> current = seeds;
    std::vector<bool> alive = seedAlive;
    // Where each point was last tracked (frame, position) and each frame's median shift, for ReacquireFromLastGood.
    std::vector<int> lastFrame(n, reference);
    std::vector<cv::Point2f> lastPos = seeds;
    std::vector<std::vector<cv::Point2f>> posAt(grey.size());
    std::vector<std::vector<bool>> aliveAt(grey.size());
    posAt[reference] = seeds;
    aliveAt[reference] = seedAlive;
    for (int f = reference + direction; f >= 0 && f < r.frames; f += direction) {
      Step(grey[f - direction], grey[f], current, alive, fb, params);
      if (params.reacquireFromReference) Reacquire(grey[reference], grey[f], seeds, seedAlive, current, alive, fb, params);
      if (params.reacquireFromLastGood) ReacquireFromLastGood(grey, f, lastFrame, lastPos, posAt, aliveAt, seeds, seedAlive, current, alive, fb, params);
      record(f, current, alive, &fb);
      posAt[f] = current;
      aliveAt[f] = alive;
      for (size_t i = 0; i < n; ++i)
        if (alive[i]) {
          lastFrame[i] = f;
          lastPos[i] = current[i];
        }
    }
  }
  return r;
}

}  // namespace proofgate::liveness
