// A loaded cv::dnn::Net that JavaScript holds (dnnNetLoad / dnnNetRun / dnnNetClose): the OpenCV side
// of the per-model runners (src/biometrics/inference/), measured against ONNX Runtime on the same file.
// The handle is a type-tagged External owning a shared_ptr; a run copies the shared_ptr, so closing
// never frees a net that a run is using. A Net keeps its intermediate blobs inside itself, so runs on
// one net take turns behind its mutex.
#pragma once
#include <napi.h>

#include <memory>
#include <mutex>

#include <opencv2/dnn.hpp>

namespace proofgate::dnn {

struct SharedNet {
  cv::dnn::Net net;
  std::mutex inUse;
};

Napi::External<std::shared_ptr<SharedNet>> WrapNet(Napi::Env env, std::shared_ptr<SharedNet> net);
// The net behind a handle; nullptr once closed. Throws ERR_NATIVE_ARGUMENT for anything else.
std::shared_ptr<SharedNet> UnwrapNet(const Napi::Value& handle);
void CloseNet(const Napi::Value& handle);

}  // namespace proofgate::dnn
