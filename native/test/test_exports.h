// Every export of the test addon (proofgate_test.node), one file each. Never built into the
// production addon: `npm run build:native` does not build this target.
#pragma once
#include <napi.h>

namespace proofgate::testing {
Napi::Value EncodePdf417(const Napi::CallbackInfo& info);  // encode_pdf417.cc
Napi::Value RenderCard(const Napi::CallbackInfo& info);    // render_card.cc
}  // namespace proofgate::testing
