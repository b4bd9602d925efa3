// templateIndexSearch(handle, query: Float32Array, {k, threads}) -> Promise<{slots: Int32Array,
// distances: Float32Array}>: the k nearest live slots by the approximate L2 distance, nearest first,
// scanned on `threads` threads off the event loop. What counts as a match is TypeScript's decision.
#include <algorithm>
#include <memory>
#include <vector>

#include "common/baton_worker.h"
#include "common/js_args.h"
#include "common/native_error.h"
#include "common/registry.h"
#include "search/index_handle.h"

namespace proofgate {
namespace {

struct SearchTemplatesBaton {
  std::shared_ptr<search::TemplateIndex> index;
  const float* query = nullptr;
  int k = 0;
  int threads = 1;
  std::vector<search::Candidate> found;

  void Compute() { found = index->Search(query, k, threads); }

  Napi::Value ToJs(Napi::Env env) {
    Napi::Int32Array slots = Napi::Int32Array::New(env, found.size());
    Napi::Float32Array distances = Napi::Float32Array::New(env, found.size());
    for (size_t i = 0; i < found.size(); ++i) {
      slots[i] = found[i].slot;
      distances[i] = found[i].distance;
    }
    Napi::Object out = Napi::Object::New(env);
    out.Set("slots", slots);
    out.Set("distances", distances);
    return out;
  }
};

}  // namespace

Napi::Value TemplateIndexSearch(const Napi::CallbackInfo& info) {
  const js::Args args(info, "templateIndexSearch", 3);
  auto baton = std::make_unique<SearchTemplatesBaton>();
  baton->index = search::UnwrapTemplateIndex(args.Value(0));
  Napi::Float32Array query = search::Float32ArrayArgument(info, 1, "templateIndexSearch query");
  if (query.ElementLength() != size_t(baton->index->Dim())) {
    throw MakeArgumentError(info.Env(), "templateIndexSearch: the query's length is not the index's dimension");
  }
  const js::Options options(args, 2, "options");
  baton->k = options.Int("k");
  baton->threads = options.Int("threads");
  if (baton->k < 1 || baton->k > 4096 || baton->threads < 1 || baton->threads > 64) {
    throw MakeArgumentError(info.Env(), "templateIndexSearch options: k 1..4096 and threads 1..64 expected");
  }
  baton->query = query.Data();
  return BatonWorker<SearchTemplatesBaton>::Queue(info.Env(), "proofgate:templateIndexSearch", std::move(baton), {query});
}

}  // namespace proofgate
