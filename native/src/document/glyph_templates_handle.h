// The JS handle to loaded glyph templates: a type-tagged External owning a shared_ptr, so a read in
// flight keeps its templates even if the handle is collected meanwhile.
#pragma once
#include <napi.h>

#include <memory>

#include "document/glyph_templates.h"

namespace proofgate::document {

Napi::External<std::shared_ptr<const GlyphTemplates>> WrapTemplates(Napi::Env env, std::shared_ptr<const GlyphTemplates> templates);

// Throws ERR_NATIVE_ARGUMENT for anything not made by WrapTemplates.
std::shared_ptr<const GlyphTemplates> UnwrapTemplates(const Napi::Value& handle);

}  // namespace proofgate::document
