#include "test_card.h"

#include <opencv2/freetype.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>

#include "common/native_error.h"

namespace proofgate::testing {
namespace {

constexpr double kMrzPitchMm = 2.54;  // ICAO 9303: 10 characters per inch
constexpr double kMrzLineSpacingMm = 4.23;  // 6 lines per inch

// Font height giving the ICAO pitch, measured from the font's own advance.
double FontHeightForPitch(cv::Ptr<cv::freetype::FreeType2>& ft, double pitchPx) {
  int baseline = 0;
  const cv::Size one = ft->getTextSize("0", 100, -1, &baseline);
  const cv::Size ten = ft->getTextSize("0000000000", 100, -1, &baseline);
  const double advanceAt100 = (ten.width - one.width) / 9.0;
  return 100.0 * pitchPx / advanceAt100;
}

}  // namespace

TestCard RenderTestCard(const TestCardSpec& spec) {
  cv::Ptr<cv::freetype::FreeType2> ft = cv::freetype::createFreeType2();
  try {
    ft->loadFontData(spec.fontPath, 0);
  } catch (const cv::Exception& e) {
    throw NativeError("ERR_DOCUMENT_FONT", "cannot load the font " + spec.fontPath + ": " + e.err);
  }
  const double ppm = spec.pxPerMm;
  const cv::Size cardSize(static_cast<int>(spec.cardWidthMm * ppm), static_cast<int>(spec.cardHeightMm * ppm));
  cv::Mat card(cardSize, CV_8UC3, spec.cardBgr);
  cv::RNG rng(spec.seed);
  // Faint guilloche-like background lines, so the MRZ sits on something other than flat paper.
  for (int i = 0; i < 12; i++) {
    const int y = rng.uniform(0, cardSize.height);
    cv::line(card, {0, y}, {cardSize.width, y + rng.uniform(-40, 40)}, spec.cardBgr - cv::Scalar(18, 12, 6), 1, cv::LINE_AA);
  }
  const bool td1 = !spec.mrzLines.empty() && spec.mrzLines[0].size() == 30;
  // Portrait area: ICAO places it on the left of the data page / front of a card.
  const cv::Rect portraitBox(static_cast<int>(0.05 * cardSize.width), static_cast<int>((td1 ? 0.10 : 0.12) * cardSize.height),
                             static_cast<int>(0.27 * cardSize.width), static_cast<int>((td1 ? 0.50 : 0.45) * cardSize.height));
  if (!spec.portrait.empty()) {
    cv::Mat resized;
    cv::resize(spec.portrait, resized, portraitBox.size(), 0, 0, cv::INTER_AREA);
    resized.copyTo(card(portraitBox));
  } else {
    cv::rectangle(card, portraitBox, spec.portraitBgr, cv::FILLED);
    cv::ellipse(card, cv::Point(portraitBox.x + portraitBox.width / 2, portraitBox.y + portraitBox.height * 2 / 5),
                cv::Size(portraitBox.width / 4, portraitBox.height / 4), 0, 0, 360, spec.portraitBgr - cv::Scalar(50, 50, 50), cv::FILLED);
  }
  const double vizHeight = FontHeightForPitch(ft, 2.0 * ppm);
  for (size_t i = 0; i < spec.vizLines.size(); i++) {
    const cv::Point org(static_cast<int>(0.36 * cardSize.width), static_cast<int>((0.18 + 0.09 * static_cast<double>(i)) * cardSize.height));
    ft->putText(card, spec.vizLines[i], org, static_cast<int>(vizHeight), spec.vizInkBgr, -1, cv::LINE_AA, true);
  }
  for (const auto& patch : spec.patches) {
    cv::Rect r(static_cast<int>(patch.relative.x * cardSize.width), static_cast<int>(patch.relative.y * cardSize.height),
               static_cast<int>(patch.relative.width * cardSize.width), static_cast<int>(patch.relative.height * cardSize.height));
    cv::rectangle(card, r & cv::Rect(0, 0, cardSize.width, cardSize.height), patch.bgr, cv::FILLED);
  }
  const double mrzHeight = FontHeightForPitch(ft, kMrzPitchMm * ppm);
  const size_t nLines = spec.mrzLines.size();
  for (size_t i = 0; i < nLines; i++) {
    const double fromBottomMm = 3.0 + kMrzLineSpacingMm * static_cast<double>(nLines - 1 - i);
    int baseline = 0;
    const cv::Size size = ft->getTextSize(spec.mrzLines[i], static_cast<int>(mrzHeight), -1, &baseline);
    const cv::Point org((cardSize.width - size.width) / 2, static_cast<int>(cardSize.height - fromBottomMm * ppm));
    ft->putText(card, spec.mrzLines[i], org, static_cast<int>(mrzHeight), spec.mrzInkBgr, -1, cv::LINE_AA, true);
  }
  for (const auto& g : spec.glare) {
    cv::Mat layer = cv::Mat::zeros(cardSize, CV_8UC3);
    cv::circle(layer, cv::Point(static_cast<int>(g.x * cardSize.width), static_cast<int>(g.y * cardSize.height)),
               static_cast<int>(g.z * cardSize.width), cv::Scalar(255, 255, 255), cv::FILLED, cv::LINE_AA);
    cv::GaussianBlur(layer, layer, cv::Size(0, 0), g.z * cardSize.width * 0.15 + 1);
    card = card + layer * 2;  // saturating add: a bright burnt-out spot
  }

  TestCard out;
  out.bgr = cv::Mat(spec.canvas, CV_8UC3, spec.tableBgr);
  for (int i = 0; i < 30; i++) {  // table texture
    cv::Point a(rng.uniform(0, spec.canvas.width), rng.uniform(0, spec.canvas.height));
    cv::line(out.bgr, a, a + cv::Point(rng.uniform(-200, 200), rng.uniform(-20, 20)), spec.tableBgr + cv::Scalar(12, 12, 12), 2, cv::LINE_AA);
  }
  if (!spec.noCard) {
    const double w = spec.scale * spec.canvas.width;
    const double h = w * cardSize.height / cardSize.width;
    const cv::Point2f c(spec.canvas.width / 2.0f, spec.canvas.height / 2.0f);
    const double a = spec.rotationDeg * CV_PI / 180;
    std::vector<cv::Point2f> dst;
    const double xs[4] = {-w / 2, w / 2, w / 2, -w / 2}, ys[4] = {-h / 2, -h / 2, h / 2, h / 2};
    for (int i = 0; i < 4; i++) {
      const double jx = rng.uniform(-1.0, 1.0) * spec.perspective * w, jy = rng.uniform(-1.0, 1.0) * spec.perspective * w;
      const double x = xs[i] + jx, y = ys[i] + jy;
      dst.emplace_back(static_cast<float>(c.x + x * std::cos(a) - y * std::sin(a)), static_cast<float>(c.y + x * std::sin(a) + y * std::cos(a)));
    }
    const std::vector<cv::Point2f> src = {{0, 0}, {static_cast<float>(cardSize.width), 0},
                                          {static_cast<float>(cardSize.width), static_cast<float>(cardSize.height)}, {0, static_cast<float>(cardSize.height)}};
    cv::Mat hmg = cv::getPerspectiveTransform(src, dst);
    cv::warpPerspective(card, out.bgr, hmg, spec.canvas, cv::INTER_AREA, cv::BORDER_TRANSPARENT);
    out.corners = dst;
  }
  if (spec.blurSigma > 0) cv::GaussianBlur(out.bgr, out.bgr, cv::Size(0, 0), spec.blurSigma);
  if (spec.noiseSigma > 0) {
    cv::Mat noise(out.bgr.size(), CV_16SC3);
    rng.fill(noise, cv::RNG::NORMAL, 0, spec.noiseSigma);
    cv::Mat widened;
    out.bgr.convertTo(widened, CV_16SC3);
    widened += noise;
    widened.convertTo(out.bgr, CV_8UC3);
  }
  return out;
}

}  // namespace proofgate::testing
