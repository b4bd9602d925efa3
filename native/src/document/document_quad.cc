#include "document/document_quad.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace proofgate::document {
namespace {

constexpr double kWorkSide = 800;      // the outline search runs with this longest side

double Dist(cv::Point2f a, cv::Point2f b) { return std::hypot(a.x - b.x, a.y - b.y); }

// Orders four points TL, TR, BR, BL (by sums and differences), then turns a portrait outline landscape.
std::vector<cv::Point2f> OrderCorners(std::vector<cv::Point2f> p) {
  std::vector<cv::Point2f> o(4);
  auto sum = [](cv::Point2f q) { return q.x + q.y; };
  auto diff = [](cv::Point2f q) { return q.y - q.x; };
  o[0] = *std::min_element(p.begin(), p.end(), [&](auto a, auto b) { return sum(a) < sum(b); });
  o[2] = *std::max_element(p.begin(), p.end(), [&](auto a, auto b) { return sum(a) < sum(b); });
  o[1] = *std::min_element(p.begin(), p.end(), [&](auto a, auto b) { return diff(a) < diff(b); });
  o[3] = *std::max_element(p.begin(), p.end(), [&](auto a, auto b) { return diff(a) < diff(b); });
  const double horizontal = Dist(o[0], o[1]) + Dist(o[3], o[2]);
  const double vertical = Dist(o[0], o[3]) + Dist(o[1], o[2]);
  if (vertical > horizontal) o = {o[3], o[0], o[1], o[2]};  // a card photographed upright: long side to the top
  return o;
}

bool QuadFromContour(const std::vector<cv::Point>& contour, double minArea, std::vector<cv::Point2f>& quad, double& area) {
  area = cv::contourArea(contour);
  if (area < minArea) return false;
  std::vector<cv::Point> approx;
  const double perimeter = cv::arcLength(contour, true);
  for (double eps : {0.02, 0.03, 0.05}) {
    cv::approxPolyDP(contour, approx, eps * perimeter, true);
    if (approx.size() == 4 && cv::isContourConvex(approx)) break;
  }
  if (approx.size() != 4 || !cv::isContourConvex(approx)) {
    // Rounded corners or a nick in the edge: fall back to the rotated bounding box when it fits snugly.
    cv::RotatedRect r = cv::minAreaRect(contour);
    if (area < 0.9 * r.size.area()) return false;
    cv::Point2f pts[4];
    r.points(pts);
    quad.assign(pts, pts + 4);
    return true;
  }
  quad.clear();
  for (const auto& q : approx) quad.emplace_back(static_cast<float>(q.x), static_cast<float>(q.y));
  area = cv::contourArea(approx);
  return true;
}

}  // namespace

DocumentQuad FindDocumentQuad(const cv::Mat& bgr, double minAreaFraction) {
  DocumentQuad out;
  const double scale = std::min(1.0, kWorkSide / std::max(bgr.cols, bgr.rows));
  cv::Mat gray;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  cv::resize(gray, gray, cv::Size(), scale, scale, cv::INTER_AREA);
  cv::GaussianBlur(gray, gray, cv::Size(5, 5), 0);
  const double imageArea = static_cast<double>(gray.total());
  const double minArea = minAreaFraction * imageArea;
  // Two independent masks: edges (card on a similar background) and Otsu in both polarities (card
  // lighter or darker than the table). The largest convex quadrilateral from either wins.
  std::vector<cv::Mat> masks;
  cv::Mat edges;
  cv::Mat sorted = gray.reshape(1, 1).clone();
  cv::sort(sorted, sorted, cv::SORT_ASCENDING);
  const double median = sorted.at<uchar>(0, sorted.cols / 2);
  cv::Canny(gray, edges, std::max(10.0, 0.66 * median) * 0.5, std::min(255.0, 1.33 * median) * 0.6);
  cv::dilate(edges, edges, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(5, 5)));
  masks.push_back(edges);
  cv::Mat otsu;
  cv::threshold(gray, otsu, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
  cv::morphologyEx(otsu, otsu, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(7, 7)));
  masks.push_back(otsu);
  masks.push_back(255 - otsu);
  double bestArea = 0;
  std::vector<cv::Point2f> best;
  for (const auto& mask : masks) {
    std::vector<std::vector<cv::Point>> contours;
    cv::findContours(mask, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
    for (const auto& c : contours) {
      std::vector<cv::Point2f> quad;
      double area = 0;
      if (!QuadFromContour(c, minArea, quad, area)) continue;
      // A contour hugging the image border is the background, not the card.
      cv::Rect box = cv::boundingRect(c);
      if (box.width >= gray.cols - 2 && box.height >= gray.rows - 2) continue;
      if (area > bestArea) { bestArea = area; best = quad; }
    }
  }
  if (best.empty()) return out;
  for (auto& p : best) p *= static_cast<float>(1.0 / scale);
  out.found = true;
  out.corners = OrderCorners(best);
  out.areaFraction = bestArea / imageArea;
  const auto& c = out.corners;
  out.aspectRatio = (Dist(c[0], c[1]) + Dist(c[3], c[2])) / (Dist(c[0], c[3]) + Dist(c[1], c[2]));
  return out;
}

cv::Mat RectifyDocument(const cv::Mat& bgr, const DocumentQuad& quad, int width, cv::Mat* homography) {
  const int height = std::max(1, static_cast<int>(std::round(width / quad.aspectRatio)));
  const std::vector<cv::Point2f> target = {{0, 0}, {static_cast<float>(width), 0},
                                           {static_cast<float>(width), static_cast<float>(height)}, {0, static_cast<float>(height)}};
  cv::Mat h = cv::getPerspectiveTransform(quad.corners, target);
  cv::Mat out;
  cv::warpPerspective(bgr, out, h, cv::Size(width, height), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  if (homography) *homography = h;
  return out;
}

namespace {

RegionStats Stats(const std::string& name, const cv::Mat& bgr, const cv::Mat& gray, int darkLevel) {
  RegionStats s;
  s.name = name;
  cv::Scalar mean, stddev;
  cv::meanStdDev(gray, mean, stddev);
  s.meanGray = mean[0];
  s.stdGray = stddev[0];
  cv::Scalar c = cv::mean(bgr);
  s.meanB = c[0];
  s.meanG = c[1];
  s.meanR = c[2];
  s.darkFraction = static_cast<double>(cv::countNonZero(gray < darkLevel)) / static_cast<double>(gray.total());
  return s;
}

}  // namespace

DocumentMeasurements MeasureDocument(const cv::Mat& bgr, const MeasureOptions& options) {
  DocumentMeasurements m;
  m.quad = FindDocumentQuad(bgr, options.minOutlineAreaFraction);
  cv::Mat doc;
  if (m.quad.found) {
    doc = RectifyDocument(bgr, m.quad, options.rectifiedWidth, nullptr);
  } else {
    const double s = static_cast<double>(options.rectifiedWidth) / bgr.cols;
    cv::resize(bgr, doc, cv::Size(), s, s, s < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
  }
  m.rectifiedSize = doc.size();
  cv::Mat gray;
  cv::cvtColor(doc, gray, cv::COLOR_BGR2GRAY);
  cv::Mat lap;
  cv::Laplacian(gray, lap, CV_64F);
  cv::Scalar mean, stddev;
  cv::meanStdDev(lap, mean, stddev);
  m.sharpness = stddev[0] * stddev[0];

  cv::Mat saturated = gray >= options.saturationLevel;
  cv::Mat labels, stats, centroids;
  const int n = cv::connectedComponentsWithStats(saturated, labels, stats, centroids, 8, CV_32S);
  const double total = static_cast<double>(gray.total());
  double glare = 0, largest = 0;
  for (int i = 1; i < n; i++) {
    const double f = stats.at<int>(i, cv::CC_STAT_AREA) / total;
    if (f < options.minGlareBlobFraction) continue;
    glare += f;
    largest = std::max(largest, f);
  }
  m.glareFraction = glare;
  m.largestGlareBlobFraction = largest;

  m.whole = Stats("document", doc, gray, options.darkLevel);
  const cv::Rect all(0, 0, doc.cols, doc.rows);
  for (const auto& spec : options.regions) {
    cv::Rect r(static_cast<int>(std::round(spec.relative.x * doc.cols)), static_cast<int>(std::round(spec.relative.y * doc.rows)),
               static_cast<int>(std::round(spec.relative.width * doc.cols)), static_cast<int>(std::round(spec.relative.height * doc.rows)));
    r &= all;
    if (r.area() == 0) {
      RegionStats empty;
      empty.name = spec.name;
      m.regions.push_back(empty);
      continue;
    }
    m.regions.push_back(Stats(spec.name, doc(r), gray(r), options.darkLevel));
  }
  return m;
}

}  // namespace proofgate::document
