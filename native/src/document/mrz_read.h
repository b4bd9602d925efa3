// Reads the machine-readable zone from a document image: locate the MRZ band (blackhat + Sobel-x
// gradient + closing, as in the classic OpenCV MRZ detectors), deskew it, cut it into lines and
// fixed-pitch character cells (30/36/44 a line), and classify each cell against OCR-B templates.
// No decision is made here: every position comes back with its top-k classes and scores.
#pragma once
#include <opencv2/core.hpp>

#include <string>
#include <vector>

#include "document/glyph_templates.h"

namespace proofgate::document {

// Every field is read from the options TypeScript builds (no value here is a default).
struct MrzReadOptions {
  int topK = 0;
  int maxCandidates = 0;  // band candidates tried, largest first
  std::vector<double> cellWidthFactors;  // character cell widths tried, as shares of the measured pitch
};

struct MrzPosition {
  std::string chars;          // top-k classes, best first
  std::vector<float> scores;  // their correlations (1 = identical to a template)
};

struct MrzLineRead {
  std::string text;  // top-1 reading
  std::vector<MrzPosition> positions;
};

struct MrzRead {
  bool found = false;
  std::vector<MrzLineRead> lines;
  std::vector<cv::Point2f> band;  // band corners in the coordinates of the image given to ReadMrz
  double angleDegrees = 0;        // rotation applied to make the band level (incl. 180 if upside down)
  double meanScore = 0;           // mean top-1 score
  double minScore = 0;            // lowest top-1 score
  double capHeightPx = 0;         // cap height in the upright band
};

// `gray` is the whole document or photo. Never throws on "nothing found": returns found=false.
MrzRead ReadMrz(const cv::Mat& gray, const GlyphTemplates& templates, const MrzReadOptions& options);

}  // namespace proofgate::document
