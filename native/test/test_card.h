// Synthetic document photos for tests and benchmarks only: a card drawn with the OCR-B font (MRZ
// lines at ICAO pitch, a few visual-zone lines, a portrait area), placed on a table under
// perspective and rotation, then blurred and noised. Nothing in the product path calls this.
#pragma once
#include <opencv2/core.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace proofgate::document {

struct Patch {
  cv::Rect2d relative;  // fractions of the card
  cv::Scalar bgr;
};

struct TestCardSpec {
  std::string fontPath;
  std::vector<std::string> mrzLines;
  std::vector<std::string> vizLines;
  double cardWidthMm = 85.6, cardHeightMm = 53.98;
  double pxPerMm = 10;
  cv::Size canvas{1280, 960};
  double rotationDeg = 0;
  double perspective = 0;  // corner jitter as a share of the card's width
  double scale = 0.75;     // card width / canvas width
  double blurSigma = 0;
  double noiseSigma = 0;
  uint64_t seed = 1;
  cv::Scalar cardBgr{215, 225, 230};
  cv::Scalar tableBgr{60, 70, 80};
  cv::Scalar mrzInkBgr{20, 20, 20};
  cv::Scalar vizInkBgr{60, 40, 30};
  cv::Scalar portraitBgr{110, 120, 140};
  cv::Mat portrait;  // optional BGR image pasted into the portrait area
  std::vector<Patch> patches;
  std::vector<cv::Point3d> glare;  // x, y (fractions of the card), radius (fraction of card width)
  bool noCard = false;             // only the table (for "document not found" tests)
};

struct TestCard {
  cv::Mat bgr;
  std::vector<cv::Point2f> corners;  // TL, TR, BR, BL of the card in the photo
};

TestCard RenderTestCard(const TestCardSpec& spec);

}  // namespace proofgate::document
