// OCR-B glyph templates rendered from the font at load time (no trained model shipped), with
// augmentation (blur, stroke weight, vertical shifts, slight rotation), and a nearest-template
// classifier that returns every class's best normalised correlation, so callers can keep top-k.
#pragma once
#include <opencv2/core.hpp>

#include <array>
#include <memory>
#include <string>
#include <vector>

namespace proofgate::document {

// The MRZ alphabet, in class order.
inline constexpr const char* kMrzAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<";
inline constexpr int kMrzClasses = 37;

// A glyph cell is sampled to this size: the line's cap height (plus margin) by one character pitch.
inline constexpr int kCellWidth = 16;
inline constexpr int kCellHeight = 24;
// Vertical margin added above the cap line and below the baseline, as a share of the cap height.
inline constexpr double kCellMargin = 0.12;

struct GlyphTemplates {
  // One row per template (kCellWidth*kCellHeight floats, zero mean, unit norm).
  cv::Mat features;
  std::vector<int> classOf;
  // Character pitch divided by cap height in the font, to choose between 30/36/44 characters a line.
  double pitchToCapHeight = 0;
  std::string fontPath;
};

// Renders the templates from an OpenType/TrueType font. Throws NativeError ERR_DOCUMENT_FONT.
std::shared_ptr<const GlyphTemplates> RenderGlyphTemplates(const std::string& fontPath);

// Feature of one cell: grey pixels with dark ink on light paper, cut to cap height + margin by one pitch.
cv::Mat CellFeature(const cv::Mat& grayCell);

// Best correlation per class (size kMrzClasses) for one cell feature.
std::array<float, kMrzClasses> ClassifyCell(const GlyphTemplates& templates, const cv::Mat& feature);

}  // namespace proofgate::document
