// documentReadMrz(templates, image, options) -> Promise<read>: finds the document outline, reads the
// MRZ on the rectified document (or, failing that, on the photo) and returns every position's top-k
// classes with scores. Nothing is decided here.
// options: {maxPixels, topK, maxBandCandidates, cellWidthFactors, rectify, rectifiedWidth, minOutlineAreaFraction}
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <memory>

#include "common/baton_worker.h"
#include "common/js_args.h"
#include "common/native_error.h"
#include "common/registry.h"
#include "document/document_image.h"
#include "document/document_quad.h"
#include "document/glyph_templates_handle.h"
#include "document/mrz_read.h"

namespace proofgate {
namespace {

using namespace document;

struct ReadMrzBaton {
  std::shared_ptr<const GlyphTemplates> templates;
  const uint8_t* data = nullptr;
  size_t size = 0;
  uint64_t maxPixels = 0;
  MrzReadOptions options;
  bool rectify = false;
  int rectifiedWidth = 0;
  double minOutlineAreaFraction = 0;
  // results
  MrzRead read;
  DocumentQuad quad;
  bool readOnRectified = false;
  cv::Size imageSize;

  void Compute() {
    const cv::Mat bgr = DecodeDocumentImage(data, size, maxPixels);
    imageSize = bgr.size();
    cv::Mat gray;
    if (rectify) {
      quad = FindDocumentQuad(bgr, minOutlineAreaFraction);
      if (quad.found) {
        cv::Mat h;
        cv::cvtColor(RectifyDocument(bgr, quad, rectifiedWidth, &h), gray, cv::COLOR_BGR2GRAY);
        read = ReadMrz(gray, *templates, options);
        if (read.found) {
          readOnRectified = true;
          cv::perspectiveTransform(read.band, read.band, h.inv());
          return;
        }
      }
    }
    cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
    // No outline: read the whole photo, at most twice the working width (an MRZ is legible there
    // and the band crops stay small), with the band mapped back to the photo's pixels.
    const double scale = std::min(1.0, 2.0 * rectifiedWidth / gray.cols);
    if (scale < 1) cv::resize(gray, gray, cv::Size(), scale, scale, cv::INTER_AREA);
    read = ReadMrz(gray, *templates, options);
    for (auto& p : read.band) p *= static_cast<float>(1.0 / scale);
  }

  Napi::Value ToJs(Napi::Env env) {
    Napi::Object out = Napi::Object::New(env);
    out.Set("found", read.found);
    out.Set("width", imageSize.width);
    out.Set("height", imageSize.height);
    out.Set("documentCorners", quad.found ? Napi::Value(PointsToJs(env, quad.corners)) : env.Null());
    out.Set("readOnRectified", readOnRectified);
    out.Set("band", PointsToJs(env, read.band));
    out.Set("angleDegrees", read.angleDegrees);
    out.Set("meanScore", read.meanScore);
    out.Set("minScore", read.minScore);
    out.Set("capHeightPx", read.capHeightPx);
    Napi::Array lines = Napi::Array::New(env, read.lines.size());
    for (size_t i = 0; i < read.lines.size(); i++) {
      const MrzLineRead& l = read.lines[i];
      Napi::Object line = Napi::Object::New(env);
      line.Set("text", l.text);
      Napi::Array positions = Napi::Array::New(env, l.positions.size());
      for (size_t p = 0; p < l.positions.size(); p++) {
        Napi::Object pos = Napi::Object::New(env);
        pos.Set("chars", l.positions[p].chars);
        Napi::Float32Array scores = Napi::Float32Array::New(env, l.positions[p].scores.size());
        for (size_t k = 0; k < l.positions[p].scores.size(); k++) scores[k] = l.positions[p].scores[k];
        pos.Set("scores", scores);
        positions.Set(static_cast<uint32_t>(p), pos);
      }
      line.Set("positions", positions);
      lines.Set(static_cast<uint32_t>(i), line);
    }
    out.Set("lines", lines);
    return out;
  }
};

}  // namespace

Napi::Value DocumentReadMrz(const Napi::CallbackInfo& info) {
  const js::Args args(info, "documentReadMrz", 3);
  auto baton = std::make_unique<ReadMrzBaton>();
  baton->templates = UnwrapTemplates(args.Value(0));
  Napi::Buffer<uint8_t> image = args.Buffer(1);
  baton->data = image.Data();
  baton->size = image.Length();
  const js::Options options(args, 2, "options");
  baton->maxPixels = options.Unsigned("maxPixels");
  baton->options.topK = options.Int("topK");
  baton->options.maxCandidates = options.Int("maxBandCandidates");
  baton->options.cellWidthFactors = options.Numbers("cellWidthFactors");
  if (baton->options.cellWidthFactors.empty()) throw MakeArgumentError(info.Env(), options.Path() + ".cellWidthFactors must hold at least one number");
  baton->rectify = options.Boolean("rectify");
  baton->rectifiedWidth = options.Int("rectifiedWidth");
  baton->minOutlineAreaFraction = options.Number("minOutlineAreaFraction");
  return BatonWorker<ReadMrzBaton>::Queue(info.Env(), "proofgate:documentReadMrz", std::move(baton), {image});
}

}  // namespace proofgate
