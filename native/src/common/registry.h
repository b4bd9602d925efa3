// Export registration hooks, one per capability. addon.cc calls each in turn.
#pragma once
#include <napi.h>

namespace proofgate {
void RegisterCommon(Napi::Env env, Napi::Object exports);
void RegisterDnn(Napi::Env env, Napi::Object exports);  // dnn/run_model.cc: runOnnxModel
void RegisterFace(Napi::Env env, Napi::Object exports);  // face/face_exports.cc: face engine, imageProbe
void RegisterDocument(Napi::Env env, Napi::Object exports);  // document/document_exports.cc: MRZ, measurements, PDF417
void RegisterLiveness(Napi::Env env, Napi::Object exports);  // liveness/liveness_exports.cc: livenessDepthChecks
}  // namespace proofgate
