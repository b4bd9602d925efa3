#include "document/mrz_read.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace proofgate::document {
namespace {

constexpr double kWorkWidth = 1000;  // the band search runs at this width
const int kLineLengths[] = {30, 36, 44};

struct Line {
  int top, bottom;  // inclusive rows of the cap band
};

struct LineCells {
  int length = 0;          // characters in the line (30/36/44), 0 when the line is not MRZ-like
  double first = 0, last = 0, pitch = 0;
  std::vector<double> centers;
  std::vector<double> glyphCenters;  // every glyph centre found on the line, chain or not
};

// Fixed-pitch grid from `first` to `last`, each cell snapped to the glyph centre found near it
// (which absorbs slight perspective).
std::vector<double> SnapGrid(double first, double last, int length, const std::vector<double>& glyphs) {
  std::vector<double> out;
  const double pitch = (last - first) / (length - 1);
  size_t j = 0;
  for (int i = 0; i < length; i++) {
    const double grid = first + i * pitch;
    while (j + 1 < glyphs.size() && std::abs(glyphs[j + 1] - grid) < std::abs(glyphs[j] - grid)) j++;
    out.push_back(!glyphs.empty() && std::abs(glyphs[j] - grid) < 0.3 * pitch ? glyphs[j] : grid);
  }
  return out;
}

// Candidate MRZ bands, as rotated rectangles in `gray`'s coordinates, largest first.
std::vector<cv::RotatedRect> LocateBands(const cv::Mat& gray, int maxCandidates) {
  const double scale = kWorkWidth / gray.cols;
  cv::Mat small;
  cv::resize(gray, small, cv::Size(), scale, scale, scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
  cv::GaussianBlur(small, small, cv::Size(3, 3), 0);
  const cv::Mat rectKernel = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(13, 5));
  const cv::Mat sqKernel = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(21, 21));
  cv::Mat blackhat;
  cv::morphologyEx(small, blackhat, cv::MORPH_BLACKHAT, rectKernel);  // dark text on light paper
  cv::Mat gradX;
  cv::Sobel(blackhat, gradX, CV_32F, 1, 0, -1);
  gradX = cv::abs(gradX);
  cv::normalize(gradX, gradX, 0, 255, cv::NORM_MINMAX);
  gradX.convertTo(gradX, CV_8U);
  cv::morphologyEx(gradX, gradX, cv::MORPH_CLOSE, rectKernel);
  cv::Mat thresh;
  cv::threshold(gradX, thresh, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
  cv::morphologyEx(thresh, thresh, cv::MORPH_CLOSE, sqKernel);
  cv::erode(thresh, thresh, cv::Mat(), cv::Point(-1, -1), 4);
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(thresh, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
  std::vector<cv::RotatedRect> bands;
  for (const auto& c : contours) {
    cv::RotatedRect r = cv::minAreaRect(c);
    double w = std::max(r.size.width, r.size.height), h = std::min(r.size.width, r.size.height);
    if (h < 4 || w / h < 2.5 || w < 0.25 * small.cols) continue;
    // Back to the caller's coordinates.
    r.center.x = static_cast<float>(r.center.x / scale);
    r.center.y = static_cast<float>(r.center.y / scale);
    r.size.width = static_cast<float>(r.size.width / scale);
    r.size.height = static_cast<float>(r.size.height / scale);
    bands.push_back(r);
  }
  std::sort(bands.begin(), bands.end(), [](const cv::RotatedRect& a, const cv::RotatedRect& b) { return a.size.area() > b.size.area(); });
  if (static_cast<int>(bands.size()) > maxCandidates) bands.resize(static_cast<size_t>(maxCandidates));
  return bands;
}

// Level angle of a band: its long side horizontal, in (-45, 45].
double LevelAngle(const cv::RotatedRect& r) {
  double angle = r.angle;
  if (r.size.width < r.size.height) angle += 90;
  while (angle > 45) angle -= 180;
  while (angle <= -135) angle += 180;
  if (angle < -45) angle += 180;
  return angle;
}

// Rotates `gray` so the band is level and cuts it out with a margin; `toCrop` maps image -> crop.
cv::Mat CutBand(const cv::Mat& gray, const cv::RotatedRect& band, double angle, cv::Mat& toCrop) {
  const double w = std::max(band.size.width, band.size.height), h = std::min(band.size.width, band.size.height);
  // A band this thin is one MRZ line the closing did not join to its neighbours: reach far enough
  // for a whole TD1 zone (3 lines of 4.23 mm under 30 x 2.54 mm is 0.17 of the width) either side.
  const double padX = 0.04 * w + 0.5 * h, padY = w / h > 15 ? std::max(0.35 * h, 0.17 * w) : 0.35 * h;
  const cv::Size out(static_cast<int>(w + 2 * padX), static_cast<int>(h + 2 * padY));
  cv::Mat m = cv::getRotationMatrix2D(band.center, angle, 1.0);
  m.at<double>(0, 2) += out.width / 2.0 - band.center.x;
  m.at<double>(1, 2) += out.height / 2.0 - band.center.y;
  cv::Mat crop;
  cv::warpAffine(gray, crop, m, out, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  toCrop = m;
  return crop;
}

cv::Mat InkMask(const cv::Mat& gray) {
  cv::Mat mask;
  // Local threshold: MRZ photos carry shading and security print behind the characters.
  const int block = std::max(15, (gray.rows / 3) | 1);
  cv::adaptiveThreshold(gray, mask, 255, cv::ADAPTIVE_THRESH_MEAN_C, cv::THRESH_BINARY_INV, block, 12);
  cv::Mat otsu;
  cv::threshold(gray, otsu, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
  return mask & otsu;
}

// Small residual skew from the row projection: the level angle makes text rows sharpest.
double RefineSkew(const cv::Mat& mask) {
  double bestAngle = 0, bestScore = -1;
  const cv::Point2f c(mask.cols / 2.0f, mask.rows / 2.0f);
  for (double a = -3.0; a <= 3.0001; a += 0.25) {
    cv::Mat r;
    cv::warpAffine(mask, r, cv::getRotationMatrix2D(c, a, 1.0), mask.size(), cv::INTER_NEAREST);
    cv::Mat rows;
    cv::reduce(r, rows, 1, cv::REDUCE_SUM, CV_64F);
    const double score = rows.dot(rows);
    if (score > bestScore) { bestScore = score; bestAngle = a; }
  }
  return bestAngle;
}

std::vector<Line> FindLines(const cv::Mat& mask) {
  cv::Mat rows;
  cv::reduce(mask / 255, rows, 1, cv::REDUCE_SUM, CV_64F);
  double maxRow = 0;
  cv::minMaxLoc(rows, nullptr, &maxRow);
  std::vector<Line> runs;
  const double threshold = 0.12 * maxRow;
  int start = -1;
  for (int y = 0; y <= rows.rows; y++) {
    const bool on = y < rows.rows && rows.at<double>(y) > threshold;
    if (on && start < 0) start = y;
    if (!on && start >= 0) { runs.push_back({start, y - 1}); start = -1; }
  }
  // Runs that are not MRZ lines (pictures, other print) are rejected later by CutCells.
  std::vector<Line> lines;
  for (const auto& r : runs) if (r.bottom - r.top + 1 >= 6) lines.push_back(r);
  return lines;
}

LineCells CutCells(const cv::Mat& mask, const Line& line, double pitchToCap) {
  LineCells out;
  const double capH = line.bottom - line.top + 1;
  const int y0 = std::max(0, line.top - static_cast<int>(0.1 * capH));
  const int y1 = std::min(mask.rows, line.bottom + 1 + static_cast<int>(0.1 * capH));
  cv::Mat band = mask.rowRange(y0, y1);
  cv::Mat labels, stats, centroids;
  const int n = cv::connectedComponentsWithStats(band, labels, stats, centroids, 8, CV_32S);
  // Faint print breaks glyphs into pieces (an H into two bars): pieces that overlap or almost touch
  // horizontally are one glyph, as long as the union stays glyph-wide.
  std::vector<cv::Rect> pieces;
  for (int i = 1; i < n; i++) {
    cv::Rect r(stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP), stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT));
    if (stats.at<int>(i, cv::CC_STAT_AREA) < 2 || r.height > 1.6 * capH || r.width > 1.5 * capH) continue;
    pieces.push_back(r);
  }
  std::sort(pieces.begin(), pieces.end(), [](const cv::Rect& a, const cv::Rect& b) { return a.x < b.x; });
  std::vector<cv::Rect> glyphs;
  const int touch = std::max(1, static_cast<int>(0.12 * capH));
  for (const auto& r : pieces) {
    if (!glyphs.empty()) {
      cv::Rect& g = glyphs.back();
      const cv::Rect u = g | r;
      if (r.x <= g.x + g.width + touch && u.width <= 0.9 * capH) { g = u; continue; }
    }
    glyphs.push_back(r);
  }
  const double p0 = pitchToCap * capH;
  std::vector<double> centers;
  for (const auto& g : glyphs) {
    if (g.height < 0.3 * capH) continue;
    const double x = g.x + g.width / 2.0;
    // Pieces of one broken glyph merge into one centre.
    if (!centers.empty() && x - centers.back() < 0.4 * p0) centers.back() = (centers.back() + x) / 2;
    else centers.push_back(x);
  }
  out.glyphCenters = centers;
  if (centers.size() < 10) return out;
  std::vector<double> gaps;
  for (size_t i = 1; i < centers.size(); i++) {
    const double g = centers[i] - centers[i - 1];
    if (g > 0.6 * p0 && g < 1.4 * p0) gaps.push_back(g);
  }
  if (gaps.empty()) return out;
  std::nth_element(gaps.begin(), gaps.begin() + static_cast<long>(gaps.size() / 2), gaps.end());
  const double pitch = gaps[gaps.size() / 2];
  // An MRZ line has a glyph in every position ('<' included), so it is the longest chain of glyphs
  // one pitch apart; a gap of two pitches (a faint glyph) is tolerated. Print beside the band is not.
  size_t bestBegin = 0, bestEnd = 0, begin = 0;
  for (size_t i = 1; i <= centers.size(); i++) {
    const double steps = i < centers.size() ? (centers[i] - centers[i - 1]) / pitch : 0;
    const bool linked = i < centers.size() && ((steps > 0.75 && steps < 1.3) || (steps > 1.75 && steps < 2.3));
    if (linked) continue;
    if (centers[i - 1] - centers[begin] > centers[bestEnd] - centers[bestBegin]) { bestBegin = begin; bestEnd = i - 1; }
    begin = i;
  }
  centers = std::vector<double>(centers.begin() + static_cast<long>(bestBegin), centers.begin() + static_cast<long>(bestEnd) + 1);
  if (centers.size() < 10) return out;
  const double span = centers.back() - centers.front();
  const double estimate = span / pitch + 1;
  int length = 0;
  double bestDiff = 1e9;
  for (int len : kLineLengths) {
    if (std::abs(estimate - len) < bestDiff) { bestDiff = std::abs(estimate - len); length = len; }
  }
  if (bestDiff > 0.12 * length) return out;
  out.length = length;
  out.first = centers.front();
  out.last = centers.back();
  out.pitch = span / (length - 1);
  out.centers = SnapGrid(out.first, out.last, length, centers);
  return out;
}

MrzLineRead ClassifyLine(const cv::Mat& gray, const Line& line, const LineCells& cells, const GlyphTemplates& templates, int topK, const std::vector<double>& cellWidthFactors) {
  MrzLineRead out;
  const double capH = line.bottom - line.top + 1;
  const double margin = kCellMargin * capH;
  const std::string alphabet = kMrzAlphabet;
  const int cellH = std::max(1, static_cast<int>(std::round(capH + 2 * margin)));
  for (double cx : cells.centers) {
    std::array<float, kMrzClasses> scores;
    scores.fill(-1.0f);
    // Several cell widths, best score per class: documents often space OCR-B wider than the font's
    // own advance, and a full-pitch cell then squeezes a 0 towards an O.
    for (double factor : cellWidthFactors) {
      const double width = factor * cells.pitch;
      cv::Rect r(static_cast<int>(std::round(cx - width / 2)), static_cast<int>(std::round(line.top - margin)),
                 std::max(1, static_cast<int>(std::round(width))), cellH);
      // Cells at the crop's edge are padded with paper colour rather than cut short.
      cv::Rect inside = r & cv::Rect(0, 0, gray.cols, gray.rows);
      cv::Mat cell(r.size(), CV_8UC1, cv::Scalar(255));
      if (inside.area() > 0) gray(inside).copyTo(cell(cv::Rect(inside.x - r.x, inside.y - r.y, inside.width, inside.height)));
      const auto s = ClassifyCell(templates, CellFeature(cell));
      for (size_t c = 0; c < s.size(); c++) scores[c] = std::max(scores[c], s[c]);
    }
    std::vector<int> order(kMrzClasses);
    std::iota(order.begin(), order.end(), 0);
    std::partial_sort(order.begin(), order.begin() + topK, order.end(), [&](int a, int b) { return scores[static_cast<size_t>(a)] > scores[static_cast<size_t>(b)]; });
    MrzPosition pos;
    for (int k = 0; k < topK; k++) {
      pos.chars.push_back(alphabet[static_cast<size_t>(order[static_cast<size_t>(k)])]);
      pos.scores.push_back(scores[static_cast<size_t>(order[static_cast<size_t>(k)])]);
    }
    out.text.push_back(pos.chars[0]);
    out.positions.push_back(std::move(pos));
  }
  return out;
}

// Reads an upright band crop; returns found=false unless 2 lines of 36/44 or 3 lines of 30 are found.
MrzRead ReadUprightBand(const cv::Mat& crop, const GlyphTemplates& templates, int topK, const std::vector<double>& cellWidthFactors) {
  MrzRead out;
  // Contrast-stretch so weak scans and photos classify alike.
  cv::Mat gray;
  cv::normalize(crop, gray, 0, 255, cv::NORM_MINMAX);
  const cv::Mat mask = InkMask(gray);
  const std::vector<Line> lines = FindLines(mask);
  std::vector<LineCells> cells;
  for (const auto& l : lines) cells.push_back(CutCells(mask, l, templates.pitchToCapHeight));
  // MRZ lines share their left and right ends: a line whose own chain broke (faint or touching
  // glyphs) takes the grid of a close neighbour that read as an MRZ line, snapped to its own glyphs.
  const std::vector<LineCells> own = cells;
  for (size_t i = 0; i < lines.size(); i++) {
    if (own[i].length == 0) continue;
    const double capH = lines[i].bottom - lines[i].top + 1;
    for (size_t j = 0; j < lines.size(); j++) {
      if (j == i || cells[j].length == own[i].length) continue;
      const double distance = std::abs((lines[j].top + lines[j].bottom) - (lines[i].top + lines[i].bottom)) / 2.0;
      const double capJ = lines[j].bottom - lines[j].top + 1;
      if (distance > 4.5 * capH * (own[i].length == 30 ? 2 : 1) || capJ < 0.6 * capH || capJ > 1.6 * capH) continue;
      // Keep a line's own reading when its glyph count fits it better than the neighbour's length.
      const double count = static_cast<double>(own[j].glyphCenters.size());
      if (own[j].length != 0 && std::abs(count - own[j].length) <= std::abs(count - own[i].length)) continue;
      LineCells adopted = own[i];
      adopted.centers = SnapGrid(own[i].first, own[i].last, own[i].length, own[j].glyphCenters);
      adopted.glyphCenters = own[j].glyphCenters;
      cells[j] = adopted;
    }
  }
  // The bottom-most run of consecutive lines with the same MRZ length and the right count.
  for (int end = static_cast<int>(lines.size()) - 1; end >= 0; end--) {
    const int len = cells[static_cast<size_t>(end)].length;
    if (len == 0) continue;
    const int count = len == 30 ? 3 : 2;
    const int begin = end - count + 1;
    if (begin < 0) continue;
    bool same = true;
    for (int i = begin; i <= end; i++) same = same && cells[static_cast<size_t>(i)].length == len;
    if (!same) continue;
    out.found = true;
    double sum = 0, minScore = 1, capSum = 0;
    int n = 0;
    for (int i = begin; i <= end; i++) {
      const Line& line = lines[static_cast<size_t>(i)];
      out.lines.push_back(ClassifyLine(gray, line, cells[static_cast<size_t>(i)], templates, topK, cellWidthFactors));
      for (const auto& p : out.lines.back().positions) { sum += p.scores[0]; minScore = std::min<double>(minScore, p.scores[0]); n++; }
      capSum += line.bottom - line.top + 1;
    }
    out.meanScore = sum / n;
    out.minScore = minScore;
    out.capHeightPx = capSum / count;
    return out;
  }
  return out;
}

}  // namespace

MrzRead ReadMrz(const cv::Mat& gray, const GlyphTemplates& templates, const MrzReadOptions& options) {
  MrzRead best;
  const int topK = std::clamp(options.topK, 1, kMrzClasses);
  for (const cv::RotatedRect& band : LocateBands(gray, options.maxCandidates)) {
    const double level = LevelAngle(band);
    cv::Mat toCrop;
    cv::Mat crop = CutBand(gray, band, level, toCrop);
    const double skew = RefineSkew(InkMask(crop));
    if (skew != 0) {
      cv::Mat m = cv::getRotationMatrix2D(cv::Point2f(crop.cols / 2.0f, crop.rows / 2.0f), skew, 1.0);
      cv::warpAffine(crop, crop, m, crop.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
      cv::Mat m3 = cv::Mat::eye(3, 3, CV_64F), t3 = cv::Mat::eye(3, 3, CV_64F);
      m.copyTo(m3.rowRange(0, 2));
      toCrop.copyTo(t3.rowRange(0, 2));
      cv::Mat combined = m3 * t3;
      toCrop = combined.rowRange(0, 2).clone();
    }
    for (int flip = 0; flip < 2; flip++) {
      // Upside-down text reads with poor scores; a confident upright read needs no second try.
      if (flip == 1 && best.found && best.meanScore > 0.8) break;
      cv::Mat upright = crop;
      if (flip) cv::rotate(crop, upright, cv::ROTATE_180);
      MrzRead read = ReadUprightBand(upright, templates, topK, options.cellWidthFactors);
      if (!read.found || (best.found && read.meanScore <= best.meanScore)) continue;
      read.angleDegrees = level + skew + (flip ? 180 : 0);
      cv::Mat inverse;
      cv::invertAffineTransform(toCrop, inverse);
      std::vector<cv::Point2f> corners = {{0, 0}, {static_cast<float>(crop.cols), 0},
                                          {static_cast<float>(crop.cols), static_cast<float>(crop.rows)}, {0, static_cast<float>(crop.rows)}};
      cv::transform(corners, read.band, inverse);
      best = std::move(read);
    }
    if (best.found && best.meanScore > 0.8) break;  // a clean read: no need to try smaller bands
  }
  return best;
}

}  // namespace proofgate::document
