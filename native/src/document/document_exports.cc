// Registers the document capability's exports (declared in common/registry.h). Argument shapes are
// validated in TypeScript (src/documents/imaging/native-document.ts); here they are only read.
#include <napi.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <memory>
#include <string>

#include "common/native_error.h"
#include "common/registry.h"
#include "document/document_quad.h"
#include "document/document_worker.h"
#include "document/glyph_templates.h"
#include "document/mrz_read.h"
#include "document/pdf417.h"
#include "document/test_card.h"
#include "face/image_decode.h"

namespace proofgate {
namespace {

using namespace document;
using Templates = std::shared_ptr<const GlyphTemplates>;

Napi::Error ArgError(Napi::Env env, const std::string& message) { return MakeCodedError(env, "ERR_INVALID_ARG", message); }

double Num(const Napi::Object& o, const char* key, double fallback) {
  Napi::Value v = o.Get(key);
  return v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : fallback;
}

Napi::Buffer<uint8_t> BufferArg(const Napi::CallbackInfo& info, size_t i, const char* fn) {
  if (info.Length() <= i || !info[i].IsBuffer()) throw ArgError(info.Env(), std::string(fn) + ": argument " + std::to_string(i) + " must be a Buffer");
  return info[i].As<Napi::Buffer<uint8_t>>();
}

Napi::Object ObjectArg(const Napi::CallbackInfo& info, size_t i, const char* fn) {
  if (info.Length() <= i || !info[i].IsObject()) throw ArgError(info.Env(), std::string(fn) + ": argument " + std::to_string(i) + " must be an object");
  return info[i].As<Napi::Object>();
}

Napi::Array Points(Napi::Env env, const std::vector<cv::Point2f>& pts) {
  Napi::Array a = Napi::Array::New(env, pts.size());
  for (size_t i = 0; i < pts.size(); i++) {
    Napi::Array p = Napi::Array::New(env, 2);
    p.Set(0u, pts[i].x);
    p.Set(1u, pts[i].y);
    a.Set(static_cast<uint32_t>(i), p);
  }
  return a;
}

// Every document stage rescales to a fixed working width; a sliver (1 x 40M pixels) would scale to
// an enormous frame, so the shape is checked right after decoding.
constexpr int kMinSide = 32;
constexpr double kMaxAspect = 12;

cv::Mat DecodeDocumentImage(const uint8_t* data, size_t size, uint64_t maxPixels) {
  cv::Mat bgr = face::DecodeImage(data, size, maxPixels).bgr;
  const int shortSide = std::min(bgr.cols, bgr.rows), longSide = std::max(bgr.cols, bgr.rows);
  if (shortSide < kMinSide || longSide > kMaxAspect * shortSide) {
    throw NativeError("ERR_IMAGE_SHAPE", "a " + std::to_string(bgr.cols) + "x" + std::to_string(bgr.rows) +
                                             " image cannot hold a document (sides of at least 32 pixels, aspect ratio at most 12)");
  }
  return bgr;
}

Napi::Buffer<uint8_t> Encode(Napi::Env env, const std::vector<uint8_t>& bytes) {
  return Napi::Buffer<uint8_t>::Copy(env, bytes.data(), bytes.size());
}

// ---- glyph templates ------------------------------------------------------------------------

struct TemplatesBaton {
  std::string fontPath;
  Templates templates;
};

Napi::Value LoadGlyphTemplates(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) throw ArgError(env, "documentLoadGlyphTemplates(fontPath: string)");
  auto baton = std::make_unique<TemplatesBaton>();
  baton->fontPath = info[0].As<Napi::String>().Utf8Value();
  return DocumentWorker<TemplatesBaton>::Start(
      env, std::move(baton), {}, [](TemplatesBaton& b) { b.templates = RenderGlyphTemplates(b.fontPath); },
      [](Napi::Env env, TemplatesBaton& b) -> Napi::Value {
        Napi::Object out = Napi::Object::New(env);
        out.Set("handle", Napi::External<Templates>::New(env, new Templates(b.templates), [](Napi::Env, Templates* t) { delete t; }));
        out.Set("templates", static_cast<double>(b.templates->features.rows));
        out.Set("pitchToCapHeight", b.templates->pitchToCapHeight);
        return out;
      });
}

Templates UnwrapTemplates(const Napi::CallbackInfo& info, size_t i) {
  if (info.Length() <= i || !info[i].IsExternal()) throw ArgError(info.Env(), "expected a glyph-template handle from documentLoadGlyphTemplates");
  return *info[i].As<Napi::External<Templates>>().Data();
}

// ---- MRZ ------------------------------------------------------------------------------------

struct ReadMrzBaton {
  Templates templates;
  const uint8_t* data = nullptr;
  size_t size = 0;
  uint64_t maxPixels = 0;
  MrzReadOptions options;
  bool rectify = true;
  int rectifiedWidth = 1000;
  // results
  MrzRead read;
  DocumentQuad quad;
  bool readOnRectified = false;
  cv::Size imageSize;
};

Napi::Value ReadMrzAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto baton = std::make_unique<ReadMrzBaton>();
  baton->templates = UnwrapTemplates(info, 0);
  Napi::Buffer<uint8_t> image = BufferArg(info, 1, "documentReadMrz");
  Napi::Object opts = ObjectArg(info, 2, "documentReadMrz");
  baton->data = image.Data();
  baton->size = image.Length();
  baton->maxPixels = static_cast<uint64_t>(Num(opts, "maxPixels", 40e6));
  baton->options.topK = static_cast<int>(Num(opts, "topK", 3));
  baton->options.maxCandidates = static_cast<int>(Num(opts, "maxBandCandidates", 5));
  Napi::Value factors = opts.Get("cellWidthFactors");
  if (factors.IsArray()) {
    baton->options.cellWidthFactors.clear();
    Napi::Array a = factors.As<Napi::Array>();
    for (uint32_t i = 0; i < a.Length(); i++) baton->options.cellWidthFactors.push_back(a.Get(i).ToNumber().DoubleValue());
    if (baton->options.cellWidthFactors.empty()) baton->options.cellWidthFactors.push_back(1.0);
  }
  baton->rectify = opts.Get("rectify").ToBoolean();
  baton->rectifiedWidth = static_cast<int>(Num(opts, "rectifiedWidth", 1000));
  return DocumentWorker<ReadMrzBaton>::Start(
      env, std::move(baton), {image},
      [](ReadMrzBaton& b) {
        const cv::Mat bgr = DecodeDocumentImage(b.data, b.size, b.maxPixels);
        b.imageSize = bgr.size();
        cv::Mat gray;
        if (b.rectify) {
          b.quad = FindDocumentQuad(bgr);
          if (b.quad.found) {
            cv::Mat h;
            cv::cvtColor(RectifyDocument(bgr, b.quad, b.rectifiedWidth, &h), gray, cv::COLOR_BGR2GRAY);
            b.read = ReadMrz(gray, *b.templates, b.options);
            if (b.read.found) {
              b.readOnRectified = true;
              cv::perspectiveTransform(b.read.band, b.read.band, h.inv());
              return;
            }
          }
        }
        cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
        // No outline: read the whole photo, at most twice the working width (an MRZ is legible there
        // and the band crops stay small), with the band mapped back to the photo's pixels.
        const double scale = std::min(1.0, 2.0 * b.rectifiedWidth / gray.cols);
        if (scale < 1) cv::resize(gray, gray, cv::Size(), scale, scale, cv::INTER_AREA);
        b.read = ReadMrz(gray, *b.templates, b.options);
        for (auto& p : b.read.band) p *= static_cast<float>(1.0 / scale);
      },
      [](Napi::Env env, ReadMrzBaton& b) -> Napi::Value {
        Napi::Object out = Napi::Object::New(env);
        out.Set("found", b.read.found);
        out.Set("width", b.imageSize.width);
        out.Set("height", b.imageSize.height);
        out.Set("documentCorners", b.quad.found ? Napi::Value(Points(env, b.quad.corners)) : env.Null());
        out.Set("readOnRectified", b.readOnRectified);
        out.Set("band", Points(env, b.read.band));
        out.Set("angleDegrees", b.read.angleDegrees);
        out.Set("meanScore", b.read.meanScore);
        out.Set("minScore", b.read.minScore);
        out.Set("capHeightPx", b.read.capHeightPx);
        Napi::Array lines = Napi::Array::New(env, b.read.lines.size());
        for (size_t i = 0; i < b.read.lines.size(); i++) {
          const MrzLineRead& l = b.read.lines[i];
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
      });
}

// ---- document measurements ------------------------------------------------------------------

struct MeasureBaton {
  const uint8_t* data = nullptr;
  size_t size = 0;
  uint64_t maxPixels = 0;
  MeasureOptions options;
  DocumentMeasurements result;
  cv::Size imageSize;
};

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

Napi::Value MeasureDocumentAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto baton = std::make_unique<MeasureBaton>();
  Napi::Buffer<uint8_t> image = BufferArg(info, 0, "documentMeasure");
  Napi::Object opts = ObjectArg(info, 1, "documentMeasure");
  baton->data = image.Data();
  baton->size = image.Length();
  baton->maxPixels = static_cast<uint64_t>(Num(opts, "maxPixels", 40e6));
  baton->options.rectifiedWidth = static_cast<int>(Num(opts, "rectifiedWidth", 1000));
  baton->options.saturationLevel = static_cast<int>(Num(opts, "saturationLevel", 250));
  baton->options.minGlareBlobFraction = Num(opts, "minGlareBlobFraction", 0);
  baton->options.darkLevel = static_cast<int>(Num(opts, "darkLevel", 90));
  Napi::Value regions = opts.Get("regions");
  if (regions.IsArray()) {
    Napi::Array a = regions.As<Napi::Array>();
    for (uint32_t i = 0; i < a.Length(); i++) {
      Napi::Object r = a.Get(i).As<Napi::Object>();
      baton->options.regions.push_back({r.Get("name").ToString().Utf8Value(),
                                        cv::Rect2d(Num(r, "x", 0), Num(r, "y", 0), Num(r, "width", 0), Num(r, "height", 0))});
    }
  }
  return DocumentWorker<MeasureBaton>::Start(
      env, std::move(baton), {image},
      [](MeasureBaton& b) {
        const cv::Mat bgr = DecodeDocumentImage(b.data, b.size, b.maxPixels);
        b.imageSize = bgr.size();
        b.result = MeasureDocument(bgr, b.options);
      },
      [](Napi::Env env, MeasureBaton& b) -> Napi::Value {
        const DocumentMeasurements& m = b.result;
        Napi::Object out = Napi::Object::New(env);
        out.Set("width", b.imageSize.width);
        out.Set("height", b.imageSize.height);
        out.Set("found", m.quad.found);
        out.Set("corners", m.quad.found ? Napi::Value(Points(env, m.quad.corners)) : env.Null());
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
      });
}

// ---- PDF417 ---------------------------------------------------------------------------------

struct Pdf417Baton {
  const uint8_t* data = nullptr;
  size_t size = 0;
  uint64_t maxPixels = 0;
  Pdf417Read read;
};

Napi::Value DecodePdf417Async(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto baton = std::make_unique<Pdf417Baton>();
  Napi::Buffer<uint8_t> image = BufferArg(info, 0, "documentDecodePdf417");
  Napi::Object opts = ObjectArg(info, 1, "documentDecodePdf417");
  baton->data = image.Data();
  baton->size = image.Length();
  baton->maxPixels = static_cast<uint64_t>(Num(opts, "maxPixels", 40e6));
  return DocumentWorker<Pdf417Baton>::Start(
      env, std::move(baton), {image},
      [](Pdf417Baton& b) {
        const cv::Mat bgr = DecodeDocumentImage(b.data, b.size, b.maxPixels);
        cv::Mat gray;
        cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
        b.read = DecodePdf417(gray);
      },
      [](Napi::Env env, Pdf417Baton& b) -> Napi::Value {
        Napi::Object out = Napi::Object::New(env);
        out.Set("found", b.read.found);
        out.Set("payload", b.read.found ? Napi::Value(Encode(env, b.read.payload)) : env.Null());
        out.Set("corners", Points(env, b.read.corners));
        out.Set("orientation", b.read.orientation);
        return out;
      });
}

// ---- test-only helpers ------------------------------------------------------------------------

struct EncodeBaton {
  std::string payload;
  int width = 0, height = 0, margin = 0, scale = 1;
  std::vector<uint8_t> png;
};

Napi::Value EncodePdf417ForTests(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsBuffer() || !info[1].IsObject()) throw ArgError(env, "documentEncodePdf417ForTests(payload: Buffer, options)");
  auto baton = std::make_unique<EncodeBaton>();
  Napi::Buffer<uint8_t> payload = info[0].As<Napi::Buffer<uint8_t>>();
  baton->payload.assign(reinterpret_cast<const char*>(payload.Data()), payload.Length());
  Napi::Object opts = info[1].As<Napi::Object>();
  baton->width = static_cast<int>(Num(opts, "width", 0));
  baton->height = static_cast<int>(Num(opts, "height", 0));
  baton->margin = static_cast<int>(Num(opts, "margin", 10));
  baton->scale = static_cast<int>(Num(opts, "moduleScale", 1));
  return DocumentWorker<EncodeBaton>::Start(
      env, std::move(baton), {},
      [](EncodeBaton& b) {
        // zxing-cpp 1.4's writer takes UTF-8 and does not round-trip Latin-1 bytes; AAMVA payloads
        // are ASCII, so the test encoder accepts ASCII only.
        for (unsigned char c : b.payload) {
          if (c >= 0x80) throw NativeError("ERR_BARCODE_ENCODE", "the test PDF417 encoder takes ASCII payloads only");
        }
        cv::Mat symbol = EncodePdf417(b.payload, b.width, b.height, b.margin);
        if (b.scale > 1) cv::resize(symbol, symbol, cv::Size(), b.scale, b.scale, cv::INTER_NEAREST);
        cv::imencode(".png", symbol, b.png);
      },
      [](Napi::Env env, EncodeBaton& b) -> Napi::Value { return Encode(env, b.png); });
}

struct RenderBaton {
  TestCardSpec spec;
  const uint8_t* portraitData = nullptr;
  size_t portraitSize = 0;
  std::string format;
  int quality = 92;
  std::vector<uint8_t> encoded;
  TestCard card;
};

cv::Scalar Bgr(const Napi::Object& o, const char* key, cv::Scalar fallback) {
  Napi::Value v = o.Get(key);
  if (!v.IsArray()) return fallback;
  Napi::Array a = v.As<Napi::Array>();
  return cv::Scalar(a.Get(0u).ToNumber().DoubleValue(), a.Get(1u).ToNumber().DoubleValue(), a.Get(2u).ToNumber().DoubleValue());
}

std::vector<std::string> Strings(const Napi::Object& o, const char* key) {
  std::vector<std::string> out;
  Napi::Value v = o.Get(key);
  if (!v.IsArray()) return out;
  Napi::Array a = v.As<Napi::Array>();
  for (uint32_t i = 0; i < a.Length(); i++) out.push_back(a.Get(i).ToString().Utf8Value());
  return out;
}

Napi::Value RenderCardForTests(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = ObjectArg(info, 0, "documentRenderCardForTests");
  auto baton = std::make_unique<RenderBaton>();
  TestCardSpec& s = baton->spec;
  s.fontPath = o.Get("fontPath").ToString().Utf8Value();
  s.mrzLines = Strings(o, "mrzLines");
  s.vizLines = Strings(o, "vizLines");
  s.cardWidthMm = Num(o, "cardWidthMm", s.cardWidthMm);
  s.cardHeightMm = Num(o, "cardHeightMm", s.cardHeightMm);
  s.pxPerMm = Num(o, "pxPerMm", s.pxPerMm);
  s.canvas = cv::Size(static_cast<int>(Num(o, "canvasWidth", 1280)), static_cast<int>(Num(o, "canvasHeight", 960)));
  s.rotationDeg = Num(o, "rotationDeg", 0);
  s.perspective = Num(o, "perspective", 0);
  s.scale = Num(o, "scale", s.scale);
  s.blurSigma = Num(o, "blurSigma", 0);
  s.noiseSigma = Num(o, "noiseSigma", 0);
  s.seed = static_cast<uint64_t>(Num(o, "seed", 1));
  s.cardBgr = Bgr(o, "cardBgr", s.cardBgr);
  s.tableBgr = Bgr(o, "tableBgr", s.tableBgr);
  s.mrzInkBgr = Bgr(o, "mrzInkBgr", s.mrzInkBgr);
  s.vizInkBgr = Bgr(o, "vizInkBgr", s.vizInkBgr);
  s.portraitBgr = Bgr(o, "portraitBgr", s.portraitBgr);
  s.noCard = o.Get("noCard").ToBoolean();
  Napi::Value patches = o.Get("patches");
  if (patches.IsArray()) {
    Napi::Array a = patches.As<Napi::Array>();
    for (uint32_t i = 0; i < a.Length(); i++) {
      Napi::Object p = a.Get(i).As<Napi::Object>();
      s.patches.push_back({cv::Rect2d(Num(p, "x", 0), Num(p, "y", 0), Num(p, "width", 0), Num(p, "height", 0)), Bgr(p, "bgr", cv::Scalar(255, 255, 255))});
    }
  }
  Napi::Value glare = o.Get("glare");
  if (glare.IsArray()) {
    Napi::Array a = glare.As<Napi::Array>();
    for (uint32_t i = 0; i < a.Length(); i++) {
      Napi::Object g = a.Get(i).As<Napi::Object>();
      s.glare.emplace_back(Num(g, "x", 0.5), Num(g, "y", 0.5), Num(g, "radius", 0.1));
    }
  }
  std::vector<Napi::Value> keep;
  Napi::Value portrait = o.Get("portrait");
  if (portrait.IsBuffer()) {
    Napi::Buffer<uint8_t> p = portrait.As<Napi::Buffer<uint8_t>>();
    baton->portraitData = p.Data();
    baton->portraitSize = p.Length();
    keep.push_back(p);
  }
  baton->format = o.Get("format").IsString() ? o.Get("format").ToString().Utf8Value() : "png";
  baton->quality = static_cast<int>(Num(o, "jpegQuality", 92));
  return DocumentWorker<RenderBaton>::Start(
      env, std::move(baton), keep,
      [](RenderBaton& b) {
        if (b.portraitData) b.spec.portrait = face::DecodeImage(b.portraitData, b.portraitSize, 40000000).bgr;
        b.card = RenderTestCard(b.spec);
        const std::vector<int> params = b.format == "jpeg" ? std::vector<int>{cv::IMWRITE_JPEG_QUALITY, b.quality} : std::vector<int>{};
        cv::imencode(b.format == "jpeg" ? ".jpg" : ".png", b.card.bgr, b.encoded, params);
      },
      [](Napi::Env env, RenderBaton& b) -> Napi::Value {
        Napi::Object out = Napi::Object::New(env);
        out.Set("image", Encode(env, b.encoded));
        out.Set("corners", Points(env, b.card.corners));
        return out;
      });
}

}  // namespace

void RegisterDocument(Napi::Env env, Napi::Object exports) {
  exports.Set("documentLoadGlyphTemplates", Napi::Function::New(env, LoadGlyphTemplates));
  exports.Set("documentReadMrz", Napi::Function::New(env, ReadMrzAsync));
  exports.Set("documentMeasure", Napi::Function::New(env, MeasureDocumentAsync));
  exports.Set("documentDecodePdf417", Napi::Function::New(env, DecodePdf417Async));
  exports.Set("documentEncodePdf417ForTests", Napi::Function::New(env, EncodePdf417ForTests));
  exports.Set("documentRenderCardForTests", Napi::Function::New(env, RenderCardForTests));
}

}  // namespace proofgate
