// The JS handle to a FaceEngine: a type-tagged External owning a shared_ptr. Workers copy the
// shared_ptr, so closing the handle (or losing it to GC) never frees nets a running analysis uses.
#pragma once
#include <napi.h>

#include <memory>

#include "face/face_engine.h"

namespace proofgate::face {

Napi::External<std::shared_ptr<FaceEngine>> WrapEngine(Napi::Env env, std::shared_ptr<FaceEngine> engine);

// The engine behind a handle; nullptr once closed. Throws a TypeError for anything not made by WrapEngine.
std::shared_ptr<FaceEngine> UnwrapEngine(const Napi::Value& handle);

// Drops the handle's reference; running analyses finish on their own copies.
void CloseEngine(const Napi::Value& handle);

}  // namespace proofgate::face
