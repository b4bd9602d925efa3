// templateIndexAdd(handle, slots: Int32Array, vectors: Float32Array) -> Promise<void>: stores
// vectors[i*dim .. (i+1)*dim) in slots[i], off the event loop (a start-up build adds every profile).
#include <memory>

#include "common/baton_worker.h"
#include "common/js_args.h"
#include "common/native_error.h"
#include "common/registry.h"
#include "search/index_handle.h"

namespace proofgate {
namespace {

struct AddTemplatesBaton {
  std::shared_ptr<search::TemplateIndex> index;
  const int32_t* slots = nullptr;
  const float* vectors = nullptr;
  size_t count = 0;

  void Compute() { index->Add(slots, vectors, count); }
  Napi::Value ToJs(Napi::Env env) { return env.Undefined(); }
};

}  // namespace

Napi::Value TemplateIndexAdd(const Napi::CallbackInfo& info) {
  const js::Args args(info, "templateIndexAdd", 3);
  auto baton = std::make_unique<AddTemplatesBaton>();
  baton->index = search::UnwrapTemplateIndex(args.Value(0));
  Napi::Int32Array slots = search::Int32ArrayArgument(info, 1, "templateIndexAdd slots");
  Napi::Float32Array vectors = search::Float32ArrayArgument(info, 2, "templateIndexAdd vectors");
  const size_t dim = size_t(baton->index->Dim());
  // Shape guards against reading past the arrays (TypeScript checks values and bounds).
  if (vectors.ElementLength() != slots.ElementLength() * dim) {
    throw MakeArgumentError(info.Env(), "templateIndexAdd: vectors must hold slots.length x dimension floats");
  }
  for (size_t i = 0; i < slots.ElementLength(); ++i) {
    if (slots[i] < 0) throw MakeArgumentError(info.Env(), "templateIndexAdd: slots must be non-negative");
  }
  baton->slots = slots.Data();
  baton->vectors = vectors.Data();
  baton->count = slots.ElementLength();
  return BatonWorker<AddTemplatesBaton>::Queue(info.Env(), "proofgate:templateIndexAdd", std::move(baton), {slots, vectors});
}

}  // namespace proofgate
