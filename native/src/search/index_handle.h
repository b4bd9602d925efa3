// The JS handle to a TemplateIndex: a type-tagged External owning a shared_ptr (as face/engine_handle.h),
// so a running search keeps the index alive and any other External is refused, not cast.
#pragma once
#include <napi.h>

#include <memory>

#include "search/template_index.h"

namespace proofgate::search {

Napi::External<std::shared_ptr<TemplateIndex>> WrapTemplateIndex(Napi::Env env, std::shared_ptr<TemplateIndex> index);

// Throws a TypeError (ERR_NATIVE_ARGUMENT) for anything not made by WrapTemplateIndex.
std::shared_ptr<TemplateIndex> UnwrapTemplateIndex(const Napi::Value& handle);

// A typed array argument of the expected kind, or a TypeError naming it.
Napi::Int32Array Int32ArrayArgument(const Napi::CallbackInfo& info, size_t i, const char* what);
Napi::Float32Array Float32ArrayArgument(const Napi::CallbackInfo& info, size_t i, const char* what);

}  // namespace proofgate::search
