// The test addon only registers exports: generators of synthetic inputs for tests and benchmarks.
#include <napi.h>

#include "test_exports.h"

Napi::Object InitProofgateTest(Napi::Env env, Napi::Object exports) {
  using namespace proofgate::testing;
  exports.Set("encodePdf417", Napi::Function::New(env, EncodePdf417, "encodePdf417"));
  exports.Set("renderCard", Napi::Function::New(env, RenderCard, "renderCard"));
  return exports;
}

NODE_API_MODULE(proofgate_test, InitProofgateTest)
