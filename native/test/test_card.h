// Synthetic document photos for tests and benchmarks only: a card drawn with the OCR-B font (MRZ
// lines at ICAO pitch, a few visual-zone lines, a portrait area), placed on a table under
// perspective and rotation, then blurred and noised. Nothing in the product path calls this.
#pragma once
#include <opencv2/core.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace proofgate::testing {

struct Patch {
  cv::Rect2d relative;  // fractions of the card
  cv::Scalar bgr;
};

// Every field is read from the spec the test helper builds (test/helpers/documents-imaging/test-addon.ts
// holds the defaults); no value here is a default.
struct TestCardSpec {
  std::string fontPath;
  std::vector<std::string> mrzLines;
  std::vector<std::string> vizLines;
  double cardWidthMm = 0, cardHeightMm = 0;
  double pxPerMm = 0;
  cv::Size canvas;
  double rotationDeg = 0;
  double perspective = 0;  // corner jitter as a share of the card's width
  double scale = 0;        // card width / canvas width
  double blurSigma = 0;
  double noiseSigma = 0;
  uint64_t seed = 0;
  cv::Scalar cardBgr, tableBgr, mrzInkBgr, vizInkBgr, portraitBgr;
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

}  // namespace proofgate::testing
