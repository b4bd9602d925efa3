// templateIndexCreate({dimension, encoding}) -> handle: an empty index (synchronous: it allocates nothing).
#include "common/js_args.h"
#include "common/native_error.h"
#include "common/registry.h"
#include "search/index_handle.h"

namespace proofgate {

Napi::Value TemplateIndexCreate(const Napi::CallbackInfo& info) {
  const js::Args args(info, "templateIndexCreate", 1);
  const js::Options options(args, 0, "options");
  const int dim = options.Int("dimension");
  // Shape guard only (TypeScript bounds it): the int8 kernel's int32 sums stay exact up to 1024.
  if (dim < 1 || dim > 1024) throw MakeArgumentError(info.Env(), "templateIndexCreate options.dimension: expected 1..1024");
  search::Encoding encoding;
  try {
    encoding = search::ParseEncoding(options.String("encoding"));
  } catch (const NativeError& e) {
    throw MakeArgumentError(info.Env(), e.what());
  }
  return search::WrapTemplateIndex(info.Env(), std::make_shared<search::TemplateIndex>(dim, encoding));
}

}  // namespace proofgate
