#include "document/glyph_templates.h"

#include <opencv2/freetype.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

#include "common/native_error.h"

namespace proofgate::document {
namespace {

constexpr int kRenderHeight = 64;  // font height used for rendering; cells are downsampled from it

struct InkBox {
  int left, right, top, bottom;  // inclusive
};

InkBox InkExtent(const cv::Mat& gray) {
  cv::Mat ink = gray < 128;
  std::vector<cv::Point> pts;
  cv::findNonZero(ink, pts);
  if (pts.empty()) throw NativeError("ERR_DOCUMENT_FONT", "the font rendered an empty glyph");
  cv::Rect r = cv::boundingRect(pts);
  return {r.x, r.x + r.width - 1, r.y, r.y + r.height - 1};
}

cv::Mat Render(cv::Ptr<cv::freetype::FreeType2>& ft, const std::string& text, cv::Size canvas, cv::Point origin) {
  cv::Mat img(canvas, CV_8UC3, cv::Scalar::all(255));  // the freetype module draws on BGR only
  ft->putText(img, text, origin, kRenderHeight, cv::Scalar::all(0), -1, cv::LINE_AA, true);
  cv::Mat gray;
  cv::cvtColor(img, gray, cv::COLOR_BGR2GRAY);
  return gray;
}

}  // namespace

cv::Mat CellFeature(const cv::Mat& grayCell) {
  cv::Mat small;
  cv::resize(grayCell, small, cv::Size(kCellWidth, kCellHeight), 0, 0, cv::INTER_AREA);
  cv::Mat f;
  small.convertTo(f, CV_32F, -1.0 / 255.0, 1.0);  // ink bright
  f = f.reshape(1, 1);
  cv::Scalar mean = cv::mean(f);
  f -= mean[0];
  double norm = cv::norm(f);
  if (norm > 1e-6) f /= norm;
  return f;
}

std::shared_ptr<const GlyphTemplates> RenderGlyphTemplates(const std::string& fontPath) {
  cv::Ptr<cv::freetype::FreeType2> ft = cv::freetype::createFreeType2();
  try {
    ft->loadFontData(fontPath, 0);
  } catch (const cv::Exception& e) {
    throw NativeError("ERR_DOCUMENT_FONT", "cannot load the OCR-B font " + fontPath + ": " + e.err);
  }
  const cv::Size canvas(kRenderHeight * 14, kRenderHeight * 3);
  const cv::Point origin(kRenderHeight, kRenderHeight * 2);
  // Cap height and baseline from 'H'; pitch from a run of ten characters (OCR-B is monospaced).
  const InkBox h = InkExtent(Render(ft, "H", canvas, origin));
  const InkBox hs = InkExtent(Render(ft, "HHHHHHHHHH", canvas, origin));
  const double pitch = (hs.right - h.right) / 9.0;
  const double capHeight = h.bottom - h.top + 1;
  auto out = std::make_shared<GlyphTemplates>();
  out->pitchToCapHeight = pitch / capHeight;
  out->fontPath = fontPath;

  const double margin = kCellMargin * capHeight;
  const double cellTop = h.top - margin;
  const double cellH = capHeight + 2 * margin;
  std::vector<cv::Mat> rows;
  const std::string alphabet = kMrzAlphabet;
  for (int c = 0; c < kMrzClasses; c++) {
    const cv::Mat glyph = Render(ft, std::string(1, alphabet[c]), canvas, origin);
    const InkBox box = InkExtent(glyph);
    const double cx = (box.left + box.right) / 2.0;
    for (int weight = -1; weight <= 1; weight++) {
      cv::Mat w = glyph.clone();
      if (weight != 0) {
        cv::Mat k = cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(5, 5));
        if (weight > 0) cv::erode(w, w, k); else cv::dilate(w, w, k);  // ink is dark: erode thickens it
      }
      for (double blur : {0.0, 3.0}) {
        cv::Mat b = w;
        if (blur > 0) cv::GaussianBlur(w, b, cv::Size(0, 0), blur);
        for (double angle : {-1.5, 0.0, 1.5}) {
          cv::Mat r = b;
          if (angle != 0) {
            cv::Mat m = cv::getRotationMatrix2D(cv::Point2f(static_cast<float>(cx), static_cast<float>(cellTop + cellH / 2)), angle, 1.0);
            cv::warpAffine(b, r, m, b.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(255));
          }
          // Vertical jitter matters (line top and bottom are measured from ink); horizontal does
          // not (cells are centred on each glyph), so only the former is augmented.
          for (double dy : {-0.06, 0.0, 0.06}) {
            cv::Rect2d cell(cx - pitch / 2, cellTop + dy * cellH, pitch, cellH);
            cv::Rect ri(static_cast<int>(std::round(cell.x)), static_cast<int>(std::round(cell.y)),
                        static_cast<int>(std::round(cell.width)), static_cast<int>(std::round(cell.height)));
            ri &= cv::Rect(0, 0, r.cols, r.rows);
            rows.push_back(CellFeature(r(ri)));
            out->classOf.push_back(c);
          }
        }
      }
    }
  }
  cv::vconcat(rows, out->features);
  return out;
}

std::array<float, kMrzClasses> ClassifyCell(const GlyphTemplates& templates, const cv::Mat& feature) {
  std::array<float, kMrzClasses> best;
  best.fill(-1.0f);
  cv::Mat scores = templates.features * feature.t();  // correlation with every template
  const float* s = scores.ptr<float>();
  for (int i = 0; i < scores.rows; i++) {
    const int c = templates.classOf[static_cast<size_t>(i)];
    if (s[i] > best[static_cast<size_t>(c)]) best[static_cast<size_t>(c)] = s[i];
  }
  return best;
}

}  // namespace proofgate::document
