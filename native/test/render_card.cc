// renderCard(spec) -> Promise<{image, corners}>: a synthetic document photo (test_card.h), encoded as
// PNG or JPEG. Every key of the spec is required; test/helpers/documents-imaging/test-addon.ts fills them.
#include <opencv2/imgcodecs.hpp>

#include <memory>
#include <string>
#include <vector>

#include "common/baton_worker.h"
#include "common/js_args.h"
#include "common/native_error.h"
#include "document/document_image.h"
#include "face/image_decode.h"
#include "test_card.h"
#include "test_exports.h"

namespace proofgate::testing {
namespace {

cv::Scalar Bgr(const js::Options& o, const char* key) {
  const std::vector<double> v = o.Numbers(key);
  if (v.size() != 3) throw MakeArgumentError(o.Env(), o.Path() + "." + key + " must hold 3 numbers (B, G, R)");
  return cv::Scalar(v[0], v[1], v[2]);
}

struct RenderCardBaton {
  TestCardSpec spec;
  const uint8_t* portraitData = nullptr;
  size_t portraitSize = 0;
  uint64_t portraitMaxPixels = 0;
  bool jpeg = false;
  int jpegQuality = 0;
  std::vector<uint8_t> encoded;
  TestCard card;

  void Compute() {
    if (portraitData) spec.portrait = face::DecodeImage(portraitData, portraitSize, portraitMaxPixels).bgr;
    card = RenderTestCard(spec);
    const std::vector<int> params = jpeg ? std::vector<int>{cv::IMWRITE_JPEG_QUALITY, jpegQuality} : std::vector<int>{};
    cv::imencode(jpeg ? ".jpg" : ".png", card.bgr, encoded, params);
  }

  Napi::Value ToJs(Napi::Env env) {
    Napi::Object out = Napi::Object::New(env);
    out.Set("image", document::BytesToJs(env, encoded));
    out.Set("corners", document::PointsToJs(env, card.corners));
    return out;
  }
};

}  // namespace

Napi::Value RenderCard(const Napi::CallbackInfo& info) {
  const js::Args args(info, "renderCard", 1);
  const js::Options o(args, 0, "spec");
  auto baton = std::make_unique<RenderCardBaton>();
  TestCardSpec& s = baton->spec;
  s.fontPath = o.String("fontPath");
  s.mrzLines = o.Strings("mrzLines");
  s.vizLines = o.Strings("vizLines");
  s.cardWidthMm = o.Number("cardWidthMm");
  s.cardHeightMm = o.Number("cardHeightMm");
  s.pxPerMm = o.Number("pxPerMm");
  s.canvas = cv::Size(o.Int("canvasWidth"), o.Int("canvasHeight"));
  s.rotationDeg = o.Number("rotationDeg");
  s.perspective = o.Number("perspective");
  s.scale = o.Number("scale");
  s.blurSigma = o.Number("blurSigma");
  s.noiseSigma = o.Number("noiseSigma");
  s.seed = o.Unsigned("seed");
  s.cardBgr = Bgr(o, "cardBgr");
  s.tableBgr = Bgr(o, "tableBgr");
  s.mrzInkBgr = Bgr(o, "mrzInkBgr");
  s.vizInkBgr = Bgr(o, "vizInkBgr");
  s.portraitBgr = Bgr(o, "portraitBgr");
  s.noCard = o.Boolean("noCard");
  for (const js::Options& p : o.Objects("patches")) {
    s.patches.push_back({cv::Rect2d(p.Number("x"), p.Number("y"), p.Number("width"), p.Number("height")), Bgr(p, "bgr")});
  }
  for (const js::Options& g : o.Objects("glare")) s.glare.emplace_back(g.Number("x"), g.Number("y"), g.Number("radius"));
  std::vector<Napi::Object> keepAlive;
  if (const auto portrait = o.BufferOrNull("portrait")) {
    baton->portraitData = portrait->Data();
    baton->portraitSize = portrait->Length();
    keepAlive.push_back(*portrait);
  }
  baton->portraitMaxPixels = o.Unsigned("portraitMaxPixels");
  const std::string format = o.String("format");
  if (format != "png" && format != "jpeg") throw MakeArgumentError(info.Env(), "renderCard spec.format must be \"png\" or \"jpeg\"");
  baton->jpeg = format == "jpeg";
  baton->jpegQuality = o.Int("jpegQuality");
  return BatonWorker<RenderCardBaton>::Queue(info.Env(), "proofgate:test:renderCard", std::move(baton), keepAlive);
}

}  // namespace proofgate::testing
