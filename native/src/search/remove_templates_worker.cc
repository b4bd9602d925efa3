// templateIndexRemove(handle, slots: Int32Array) -> Promise<void>: frees the slots (their codes zeroed).
#include <memory>

#include "common/baton_worker.h"
#include "common/js_args.h"
#include "common/native_error.h"
#include "common/registry.h"
#include "search/index_handle.h"

namespace proofgate {
namespace {

struct RemoveTemplatesBaton {
  std::shared_ptr<search::TemplateIndex> index;
  const int32_t* slots = nullptr;
  size_t count = 0;

  void Compute() { index->Remove(slots, count); }
  Napi::Value ToJs(Napi::Env env) { return env.Undefined(); }
};

}  // namespace

Napi::Value TemplateIndexRemove(const Napi::CallbackInfo& info) {
  const js::Args args(info, "templateIndexRemove", 2);
  auto baton = std::make_unique<RemoveTemplatesBaton>();
  baton->index = search::UnwrapTemplateIndex(args.Value(0));
  Napi::Int32Array slots = search::Int32ArrayArgument(info, 1, "templateIndexRemove slots");
  for (size_t i = 0; i < slots.ElementLength(); ++i) {
    if (slots[i] < 0) throw MakeArgumentError(info.Env(), "templateIndexRemove: slots must be non-negative");
  }
  baton->slots = slots.Data();
  baton->count = slots.ElementLength();
  return BatonWorker<RemoveTemplatesBaton>::Queue(info.Env(), "proofgate:templateIndexRemove", std::move(baton), {slots});
}

}  // namespace proofgate
