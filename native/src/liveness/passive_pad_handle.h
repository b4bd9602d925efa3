// The JS handle to a PassivePadModel: a type-tagged External owning a shared_ptr, as the face engine's
// (face/engine_handle.h). Workers copy the shared_ptr, so closing never frees a net a crop is running on.
#pragma once
#include <napi.h>

#include <memory>

#include "liveness/passive_pad_model.h"

namespace proofgate::liveness {

Napi::External<std::shared_ptr<PassivePadModel>> WrapPassivePad(Napi::Env env, std::shared_ptr<PassivePadModel> model);

// The model behind a handle; nullptr once closed. Throws a TypeError for anything not made by WrapPassivePad.
std::shared_ptr<PassivePadModel> UnwrapPassivePad(const Napi::Value& handle);

void ClosePassivePad(const Napi::Value& handle);

}  // namespace proofgate::liveness
