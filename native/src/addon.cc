// The addon's only job here is to register exports; each operation lives in its own file.
#include <napi.h>

#include "common/registry.h"

Napi::Object InitProofgate(Napi::Env env, Napi::Object exports) {
  using namespace proofgate;
  const std::pair<const char*, Napi::Function::Callback> operations[] = {
      {"runtimeInfo", RuntimeInfo},
      {"setThreadCount", SetThreadCount},
      {"trimMalloc", TrimMalloc},
      {"runOnnxModel", RunOnnxModel},
      {"dnnNetLoad", DnnNetLoad},
      {"dnnNetRun", DnnNetRun},
      {"dnnNetClose", DnnNetClose},
      {"faceEngineLoad", FaceEngineLoad},
      {"faceAnalyze", FaceAnalyze},
      {"imageProbe", ImageProbe},
      {"imageThumbnail", ImageThumbnail},
      {"faceEngineInfo", FaceEngineInfo},
      {"faceEngineClose", FaceEngineClose},
      {"documentLoadGlyphTemplates", DocumentLoadGlyphTemplates},
      {"documentReadMrz", DocumentReadMrz},
      {"documentMeasure", DocumentMeasure},
      {"documentDecodePdf417", DocumentDecodePdf417},
      {"livenessDepthChecks", LivenessDepthChecks},
      {"passivePadLoad", PassivePadLoad},
      {"passivePadScore", PassivePadScore},
      {"passivePadClose", PassivePadClose},
      {"livenessTrackTexture", LivenessTrackTexture},
      {"v4l2CaptureFrames", V4l2CaptureFrames},
      {"v4l2ProbeDevice", V4l2ProbeDevice},
      {"v4l2YuyvToJpeg", V4l2YuyvToJpeg},
      {"pcscEstablishContext", PcscEstablishContext},
      {"pcscReleaseContext", PcscReleaseContext},
      {"pcscListReaders", PcscListReaders},
      {"pcscConnect", PcscConnect},
      {"pcscTransmit", PcscTransmit},
      {"pcscDisconnect", PcscDisconnect},
      {"pcscGetStatusChange", PcscGetStatusChange},
      {"pcscCancel", PcscCancel},
      {"templateIndexCreate", TemplateIndexCreate},
      {"templateIndexAdd", TemplateIndexAdd},
      {"templateIndexRemove", TemplateIndexRemove},
      {"templateIndexSearch", TemplateIndexSearch},
      {"templateIndexInfo", TemplateIndexInfo},
  };
  for (const auto& [name, operation] : operations) exports.Set(name, Napi::Function::New(env, operation, name));
  return exports;
}

NODE_API_MODULE(proofgate, InitProofgate)
