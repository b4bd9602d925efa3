#include "liveness/depth_checks_worker.h"

#include <cmath>
#include <cstring>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "common/native_error.h"
#include "liveness/depth_checks.h"

namespace proofgate::liveness {
namespace {

// Shape checks only: TypeScript has validated values and sizes (src/liveness/capture.ts).
double Num(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  if (!v.IsNumber()) throw Napi::TypeError::New(o.Env(), std::string("livenessDepthChecks: ") + key + " must be a number");
  return v.As<Napi::Number>().DoubleValue();
}

double NumOrNaN(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  return v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : std::numeric_limits<double>::quiet_NaN();
}

Bounds ReadBounds(const Napi::Object& all, const char* key) {
  Napi::Value v = all.Get(key);
  if (!v.IsObject()) return {};
  const Napi::Object b = v.As<Napi::Object>();
  return {NumOrNaN(b, "min"), NumOrNaN(b, "max")};
}

// Decodes a greyscale PNG in place of the uploaded bytes (wrapped, not copied); TypeScript has already
// checked its header, so a mismatch here means the header lied.
cv::Mat DecodeGreyPng(const uint8_t* data, size_t size, int width, int height, const char* what, bool allow8) {
  const cv::Mat encoded(1, static_cast<int>(size), CV_8U, const_cast<uint8_t*>(data));
  cv::Mat decoded;
  try {
    decoded = cv::imdecode(encoded, cv::IMREAD_ANYDEPTH | cv::IMREAD_GRAYSCALE);
  } catch (const cv::Exception&) {
    decoded.release();  // a corrupt upload is the client's error, not an internal one
  }
  if (decoded.empty()) throw NativeError("ERR_DEPTH_DECODE", std::string(what) + " frame: PNG does not decode");
  if (decoded.type() != CV_16UC1 && !(allow8 && decoded.type() == CV_8UC1)) {
    throw NativeError("ERR_DEPTH_BIT_DEPTH", std::string(what) + " frame: decoded to an unexpected pixel type");
  }
  if (decoded.cols != width || decoded.rows != height) {
    throw NativeError("ERR_DEPTH_SIZE_MISMATCH", std::string(what) + " frame: decoded size differs from its header");
  }
  return decoded;
}

class DepthChecksWorker : public Napi::AsyncWorker {
 public:
  DepthChecksWorker(Napi::Env env, const Napi::Object& frame, const Napi::Object& options)
      : Napi::AsyncWorker(env, "proofgate:livenessDepthChecks"), deferred_(Napi::Promise::Deferred::New(env)) {
    // Baton: copy every scalar now; keep the input buffers referenced and read them in place.
    Napi::Value depth = frame.Get("depth");
    Napi::Value depthPng = frame.Get("depthPng");
    Napi::Value landmarks = frame.Get("landmarks");
    if (!depth.IsBuffer() && !depthPng.IsBuffer()) throw Napi::TypeError::New(env, "livenessDepthChecks: depth or depthPng must be a Buffer");
    if (!landmarks.IsTypedArray() || landmarks.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
      throw Napi::TypeError::New(env, "livenessDepthChecks: landmarks must be a Float32Array");
    }
    view_.width = static_cast<int>(Num(frame, "width"));
    view_.height = static_cast<int>(Num(frame, "height"));
    if (depthPng.IsBuffer()) {
      auto png = depthPng.As<Napi::Buffer<uint8_t>>();
      depthRef_ = Napi::Persistent(depthPng.As<Napi::Object>());
      depthPngData_ = png.Data();
      depthPngSize_ = png.Length();
    } else {
      auto depthBuf = depth.As<Napi::Buffer<uint8_t>>();
      if (depthBuf.Length() != static_cast<size_t>(view_.width) * view_.height * 2 || (reinterpret_cast<uintptr_t>(depthBuf.Data()) & 1) != 0) {
        throw Napi::TypeError::New(env, "livenessDepthChecks: depth must hold width*height aligned uint16 values");
      }
      depthRef_ = Napi::Persistent(depth.As<Napi::Object>());
      view_.depth = reinterpret_cast<const uint16_t*>(depthBuf.Data());
    }
    view_.depthUnitMm = Num(frame, "depthUnitMm");
    view_.intrinsics = {Num(frame, "fx"), Num(frame, "fy"), Num(frame, "cx"), Num(frame, "cy")};
    auto lm = landmarks.As<Napi::Float32Array>();
    view_.landmarkStride = static_cast<int>(Num(frame, "landmarkStride"));
    view_.landmarkCount = static_cast<int>(lm.ElementLength() / static_cast<size_t>(view_.landmarkStride));
    landmarksRef_ = Napi::Persistent(landmarks.As<Napi::Object>());
    view_.landmarks = lm.Data();
    Napi::Value ir = frame.Get("ir");
    Napi::Value irPng = frame.Get("irPng");
    if (irPng.IsBuffer()) {
      auto png = irPng.As<Napi::Buffer<uint8_t>>();
      irRef_ = Napi::Persistent(irPng.As<Napi::Object>());
      irPngData_ = png.Data();
      irPngSize_ = png.Length();
    } else if (ir.IsBuffer()) {
      auto irBuf = ir.As<Napi::Buffer<uint8_t>>();
      view_.irBits = static_cast<int>(Num(frame, "irBits"));
      const size_t need = static_cast<size_t>(view_.width) * view_.height * (view_.irBits == 16 ? 2 : 1);
      if (irBuf.Length() != need) throw Napi::TypeError::New(env, "livenessDepthChecks: ir must hold width*height pixels");
      irRef_ = Napi::Persistent(ir.As<Napi::Object>());
      view_.ir = irBuf.Data();
    }

    const Napi::Object roles = options.Get("roles").As<Napi::Object>();
    roles_.noseTip = static_cast<int>(Num(roles, "noseTip"));
    roles_.rightEyeOuter = static_cast<int>(Num(roles, "rightEyeOuter"));
    roles_.rightEyeInner = static_cast<int>(Num(roles, "rightEyeInner"));
    roles_.leftEyeInner = static_cast<int>(Num(roles, "leftEyeInner"));
    roles_.leftEyeOuter = static_cast<int>(Num(roles, "leftEyeOuter"));
    for (int i : {roles_.noseTip, roles_.rightEyeOuter, roles_.rightEyeInner, roles_.leftEyeInner, roles_.leftEyeOuter}) {
      if (i < 0 || i >= view_.landmarkCount) throw Napi::RangeError::New(env, "livenessDepthChecks: landmark role out of range");
    }
    if (view_.landmarkCount < 3) throw Napi::RangeError::New(env, "livenessDepthChecks: at least 3 landmarks are needed");

    const Napi::Object p = options.Get("params").As<Napi::Object>();
    params_.plane.iterations = static_cast<int>(Num(p, "ransacIterations"));
    params_.plane.inlierBaseMm = Num(p, "ransacInlierBaseMm");
    params_.plane.inlierPerSquareMetreMm = Num(p, "ransacInlierPerSquareMetreMm");
    params_.plane.trimFraction = Num(p, "planeTrimFraction");
    params_.plane.seed = static_cast<uint32_t>(Num(p, "ransacSeed"));
    params_.noseExclusionMm = Num(p, "noseExclusionMm");
    params_.noseTipRadiusMm = Num(p, "noseTipRadiusMm");
    params_.noseTipQuantile = Num(p, "noseTipQuantile");
    params_.quadricRounds = static_cast<int>(Num(p, "quadricRounds"));
    params_.quadricRejectSigma = Num(p, "quadricRejectSigma");
    params_.sampleRadiusPx = static_cast<int>(Num(p, "sampleRadiusPx"));
    params_.ringInnerScale = Num(p, "ringInnerScale");
    params_.ringOuterScale = Num(p, "ringOuterScale");
    params_.ringBehindMm = Num(p, "ringBehindMm");
    params_.irReferenceDistanceMm = Num(p, "irReferenceDistanceMm");
    params_.minFacePoints = static_cast<int>(Num(p, "minFacePoints"));
    params_.faceDepthBandMm = Num(p, "faceDepthBandMm");

    const Napi::Object b = options.Get("bounds").As<Napi::Object>();
    bounds_.validDepthFraction = ReadBounds(b, "validDepthFraction");
    bounds_.planeResidualMm = ReadBounds(b, "planeResidualMm");
    bounds_.planeInlierFraction = ReadBounds(b, "planeInlierFraction");
    bounds_.quadricResidualMm = ReadBounds(b, "quadricResidualMm");
    bounds_.noseProminenceMm = ReadBounds(b, "noseProminenceMm");
    bounds_.outerCanthiMm = ReadBounds(b, "outerCanthiMm");
    bounds_.interPupilMm = ReadBounds(b, "interPupilMm");
    bounds_.foregroundRingFraction = ReadBounds(b, "foregroundRingFraction");
    bounds_.irReflectance = ReadBounds(b, "irReflectance");
  }

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    try {
      if (depthPngData_ != nullptr) {
        depthMat_ = DecodeGreyPng(depthPngData_, depthPngSize_, view_.width, view_.height, "depth", false);
        if (cv::countNonZero(depthMat_) == 0) throw NativeError("ERR_DEPTH_EMPTY", "depth frame: every pixel is 0 (no depth data)");
        view_.depth = depthMat_.ptr<uint16_t>();
      }
      if (irPngData_ != nullptr) {
        irMat_ = DecodeGreyPng(irPngData_, irPngSize_, view_.width, view_.height, "ir", true);
        view_.ir = irMat_.ptr<uint8_t>();
        view_.irBits = irMat_.depth() == CV_16U ? 16 : 8;
      }
      report_ = RunDepthChecks(view_, roles_, params_, bounds_);
    } catch (...) {
      error_ = ClassifyCurrentException();
      SetError(error_.message);
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    auto orNull = [&](double v) -> Napi::Value { return std::isnan(v) ? env.Null() : Napi::Number::New(env, v); };
    Napi::Array checks = Napi::Array::New(env, report_.checks.size());
    for (size_t i = 0; i < report_.checks.size(); ++i) {
      const CheckResult& c = report_.checks[i];
      Napi::Object o = Napi::Object::New(env);
      o.Set("name", c.name);
      o.Set("unit", c.unit);
      o.Set("value", orNull(c.value));
      o.Set("min", orNull(c.bounds.min));
      o.Set("max", orNull(c.bounds.max));
      o.Set("outcome", c.outcome);
      checks.Set(static_cast<uint32_t>(i), o);
    }
    Napi::Object out = Napi::Object::New(env);
    out.Set("checks", checks);
    out.Set("facePixels", report_.facePixels);
    out.Set("validFacePixels", report_.validFacePixels);
    out.Set("faceDepthMm", orNull(report_.faceDepthMm));
    deferred_.Resolve(out);
  }

  void OnError(const Napi::Error&) override { deferred_.Reject(MakeCodedError(Env(), error_.code, error_.message).Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  Napi::ObjectReference depthRef_, landmarksRef_, irRef_;
  const uint8_t* depthPngData_ = nullptr;  // set when the upload's PNG is decoded here, off the event loop
  size_t depthPngSize_ = 0;
  const uint8_t* irPngData_ = nullptr;
  size_t irPngSize_ = 0;
  cv::Mat depthMat_, irMat_;
  DepthFrameView view_;
  LandmarkRoles roles_;
  DepthCheckParams params_;
  DepthCheckBounds bounds_;
  DepthCheckReport report_;
  CaughtError error_;
};

}  // namespace

Napi::Value DepthChecksAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject() || !info[1].IsObject()) throw Napi::TypeError::New(env, "livenessDepthChecks(frame, options): two objects expected");
  auto* worker = new DepthChecksWorker(env, info[0].As<Napi::Object>(), info[1].As<Napi::Object>());
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace proofgate::liveness
