// documentMeasure(image, options) -> Promise<measurements>: the document's outline, aspect ratio,
// sharpness, glare and per-region statistics, measured on the rectified document. Nothing is judged.
// options: {maxPixels, rectifiedWidth, saturationLevel, minGlareBlobFraction, darkLevel,
//           minOutlineAreaFraction, regions: [{name, x, y, width, height}]}
#include <memory>

#include "common/baton_worker.h"
#include "common/js_args.h"
#include "common/registry.h"
#include "document/document_image.h"
#include "document/document_quad.h"

namespace proofgate {
namespace {

using namespace document;

Napi::Object StatsToJs(Napi::Env env, const RegionStats& s) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("name", s.name);
  o.Set("meanGray", s.meanGray);
  o.Set("stdGray", s.stdGray);
  o.Set("meanB", s.meanB);
  o.Set("meanG", s.meanG);
  o.Set("meanR", s.meanR);
  o.Set("darkFraction", s.darkFraction);
  return o;
}

struct MeasureDocumentBaton {
  const uint8_t* data = nullptr;
  size_t size = 0;
  uint64_t maxPixels = 0;
  MeasureOptions options;
  DocumentMeasurements result;
  cv::Size imageSize;

  void Compute() {
    const cv::Mat bgr = DecodeDocumentImage(data, size, maxPixels);
    imageSize = bgr.size();
    result = MeasureDocument(bgr, options);
  }

  Napi::Value ToJs(Napi::Env env) {
    const DocumentMeasurements& m = result;
    Napi::Object out = Napi::Object::New(env);
    out.Set("width", imageSize.width);
    out.Set("height", imageSize.height);
    out.Set("found", m.quad.found);
    out.Set("corners", m.quad.found ? Napi::Value(PointsToJs(env, m.quad.corners)) : env.Null());
    out.Set("areaFraction", m.quad.areaFraction);
    out.Set("aspectRatio", m.quad.aspectRatio);
    out.Set("rectifiedWidth", m.rectifiedSize.width);
    out.Set("rectifiedHeight", m.rectifiedSize.height);
    out.Set("sharpness", m.sharpness);
    out.Set("glareFraction", m.glareFraction);
    out.Set("largestGlareBlobFraction", m.largestGlareBlobFraction);
    out.Set("whole", StatsToJs(env, m.whole));
    Napi::Array regions = Napi::Array::New(env, m.regions.size());
    for (size_t i = 0; i < m.regions.size(); i++) regions.Set(static_cast<uint32_t>(i), StatsToJs(env, m.regions[i]));
    out.Set("regions", regions);
    return out;
  }
};

}  // namespace

Napi::Value DocumentMeasure(const Napi::CallbackInfo& info) {
  const js::Args args(info, "documentMeasure", 2);
  auto baton = std::make_unique<MeasureDocumentBaton>();
  Napi::Buffer<uint8_t> image = args.Buffer(0);
  baton->data = image.Data();
  baton->size = image.Length();
  const js::Options options(args, 1, "options");
  baton->maxPixels = options.Unsigned("maxPixels");
  MeasureOptions& m = baton->options;
  m.rectifiedWidth = options.Int("rectifiedWidth");
  m.saturationLevel = options.Int("saturationLevel");
  m.minGlareBlobFraction = options.Number("minGlareBlobFraction");
  m.darkLevel = options.Int("darkLevel");
  m.minOutlineAreaFraction = options.Number("minOutlineAreaFraction");
  for (const js::Options& region : options.Objects("regions")) {
    m.regions.push_back({region.String("name"), cv::Rect2d(region.Number("x"), region.Number("y"), region.Number("width"), region.Number("height"))});
  }
  return BatonWorker<MeasureDocumentBaton>::Queue(info.Env(), "proofgate:documentMeasure", std::move(baton), {image});
}

}  // namespace proofgate
