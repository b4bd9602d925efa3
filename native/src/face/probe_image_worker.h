// imageProbe(image, {maxPixels}) -> Promise<{format, width, height}>: the decode step alone, for
// callers that must validate an upload (and learn its upright size) without running face models.
#pragma once
#include <napi.h>

namespace proofgate::face {
Napi::Value ProbeImageAsync(const Napi::CallbackInfo& info);
}  // namespace proofgate::face
