// documentLoadGlyphTemplates(fontPath) -> Promise<{handle, templates, pitchToCapHeight}>: renders the
// OCR-B templates from the font on the libuv pool.
#include <memory>
#include <string>

#include "common/baton_worker.h"
#include "common/js_args.h"
#include "common/registry.h"
#include "document/glyph_templates.h"
#include "document/glyph_templates_handle.h"

namespace proofgate {
namespace {

struct LoadGlyphTemplatesBaton {
  std::string fontPath;
  std::shared_ptr<const document::GlyphTemplates> templates;

  void Compute() { templates = document::RenderGlyphTemplates(fontPath); }

  Napi::Value ToJs(Napi::Env env) {
    const double count = templates->features.rows, pitchToCapHeight = templates->pitchToCapHeight;
    Napi::Object out = Napi::Object::New(env);
    out.Set("handle", document::WrapTemplates(env, std::move(templates)));
    out.Set("templates", count);
    out.Set("pitchToCapHeight", pitchToCapHeight);
    return out;
  }
};

}  // namespace

Napi::Value DocumentLoadGlyphTemplates(const Napi::CallbackInfo& info) {
  const js::Args args(info, "documentLoadGlyphTemplates", 1);
  auto baton = std::make_unique<LoadGlyphTemplatesBaton>();
  baton->fontPath = args.String(0);
  return BatonWorker<LoadGlyphTemplatesBaton>::Queue(info.Env(), "proofgate:documentLoadGlyphTemplates", std::move(baton));
}

}  // namespace proofgate
