#include "document/glyph_templates_handle.h"

#include "common/native_error.h"

namespace proofgate::document {
namespace {

// Random, fixed: marks Externals this file made, so a foreign External is refused, not cast.
constexpr napi_type_tag kTemplatesTag = {0x3c9e41d27b5a4f08ULL, 0xa6172e5d90c34b1fULL};

using Holder = std::shared_ptr<const GlyphTemplates>;

}  // namespace

Napi::External<Holder> WrapTemplates(Napi::Env env, Holder templates) {
  auto external = Napi::External<Holder>::New(env, new Holder(std::move(templates)), [](Napi::Env, Holder* h) { delete h; });
  external.TypeTag(&kTemplatesTag);
  return external;
}

Holder UnwrapTemplates(const Napi::Value& handle) {
  if (!handle.IsExternal() || !handle.As<Napi::External<Holder>>().CheckTypeTag(&kTemplatesTag)) {
    throw MakeArgumentError(handle.Env(), "not a glyph-template handle from documentLoadGlyphTemplates");
  }
  return *handle.As<Napi::External<Holder>>().Data();
}

}  // namespace proofgate::document
