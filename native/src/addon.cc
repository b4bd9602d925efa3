// The addon's only job here is to register exports; each capability lives in its own folder.
#include <napi.h>
#include "common/registry.h"

Napi::Object InitProofgate(Napi::Env env, Napi::Object exports) {
  proofgate::RegisterCommon(env, exports);
  proofgate::RegisterDnn(env, exports);
  proofgate::RegisterFace(env, exports);
  proofgate::RegisterDocument(env, exports);
  proofgate::RegisterLiveness(env, exports);
  return exports;
}

NODE_API_MODULE(proofgate, InitProofgate)
