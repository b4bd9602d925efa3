#include "face/probe_image_worker.h"

#include <cstdint>

#include "common/native_error.h"
#include "face/image_decode.h"

namespace proofgate::face {
namespace {

class ProbeImageWorker : public Napi::AsyncWorker {
 public:
  ProbeImageWorker(Napi::Env env, Napi::Buffer<uint8_t> image, uint64_t maxPixels)
      : Napi::AsyncWorker(env, "proofgate:imageProbe"),
        deferred_(Napi::Promise::Deferred::New(env)),
        image_(Napi::Persistent(image.As<Napi::Object>())),
        data_(image.Data()),
        size_(image.Length()),
        maxPixels_(maxPixels) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    try {
      const DecodedImage decoded = DecodeImage(data_, size_, maxPixels_);
      format_ = ImageFormatName(decoded.header.format);
      width_ = decoded.bgr.cols;
      height_ = decoded.bgr.rows;
    } catch (...) {
      error_ = ClassifyCurrentException();
      SetError(error_.message);
    }
  }

  void OnOK() override {
    Napi::Object out = Napi::Object::New(Env());
    out.Set("format", format_);
    out.Set("width", width_);
    out.Set("height", height_);
    deferred_.Resolve(out);
  }

  void OnError(const Napi::Error&) override {
    deferred_.Reject(MakeCodedError(Env(), error_.code, error_.message).Value());
  }

 private:
  Napi::Promise::Deferred deferred_;
  Napi::ObjectReference image_;
  const uint8_t* data_;
  size_t size_;
  uint64_t maxPixels_;
  const char* format_ = "";
  int width_ = 0, height_ = 0;
  CaughtError error_;
};

}  // namespace

Napi::Value ProbeImageAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsBuffer()) throw Napi::TypeError::New(env, "imageProbe: image must be a Buffer");
  if (!info[1].IsObject() || !info[1].As<Napi::Object>().Get("maxPixels").IsNumber()) {
    throw Napi::TypeError::New(env, "imageProbe: options.maxPixels must be a number");
  }
  const auto maxPixels = static_cast<uint64_t>(info[1].As<Napi::Object>().Get("maxPixels").As<Napi::Number>().DoubleValue());
  auto* worker = new ProbeImageWorker(env, info[0].As<Napi::Buffer<uint8_t>>(), maxPixels);
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace proofgate::face
