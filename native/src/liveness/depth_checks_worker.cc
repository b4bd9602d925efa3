// livenessDepthChecks(frame, options) -> Promise<report>: the depth checks on the libuv pool.
// frame: {depth: Buffer (uint16) | null, depthPng: Buffer (16-bit grey PNG, decoded in the worker) | null,
//         width, height, depthUnitMm, fx, fy, cx, cy, landmarks: Float32Array, landmarkStride,
//         ir: Buffer | null, irBits: 8 | 16 | null, irPng: Buffer (8/16-bit grey PNG) | null}
// options: {roles, params, bounds} as built by src/liveness/native-depth-checks.ts; a bound's null
// side means "no bound there". Every key is required.
#include <cmath>
#include <limits>
#include <memory>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "common/baton_worker.h"
#include "common/js_args.h"
#include "common/native_error.h"
#include "common/registry.h"
#include "liveness/depth_checks.h"

namespace proofgate {
namespace {

using namespace liveness;

constexpr double kNoBound = std::numeric_limits<double>::quiet_NaN();

Bounds ReadBounds(const js::Options& all, const char* key) {
  const js::Options b = all.Object(key);
  return {b.NumberOrNull("min").value_or(kNoBound), b.NumberOrNull("max").value_or(kNoBound)};
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

struct DepthChecksBaton {
  const uint8_t* depthPngData = nullptr;  // set when the upload's PNG is decoded here, off the event loop
  size_t depthPngSize = 0;
  const uint8_t* irPngData = nullptr;
  size_t irPngSize = 0;
  cv::Mat depthMat, irMat;
  DepthFrameView view;
  LandmarkRoles roles;
  DepthCheckParams params;
  DepthCheckBounds bounds;
  DepthCheckReport report;

  void Compute() {
    if (depthPngData != nullptr) {
      depthMat = DecodeGreyPng(depthPngData, depthPngSize, view.width, view.height, "depth", false);
      if (cv::countNonZero(depthMat) == 0) throw NativeError("ERR_DEPTH_EMPTY", "depth frame: every pixel is 0 (no depth data)");
      view.depth = depthMat.ptr<uint16_t>();
    }
    if (irPngData != nullptr) {
      irMat = DecodeGreyPng(irPngData, irPngSize, view.width, view.height, "ir", true);
      view.ir = irMat.ptr<uint8_t>();
      view.irBits = irMat.depth() == CV_16U ? 16 : 8;
    }
    report = RunDepthChecks(view, roles, params, bounds);
  }

  Napi::Value ToJs(Napi::Env env) {
    auto orNull = [&](double v) -> Napi::Value { return std::isnan(v) ? env.Null() : Napi::Number::New(env, v); };
    Napi::Array checks = Napi::Array::New(env, report.checks.size());
    for (size_t i = 0; i < report.checks.size(); ++i) {
      const CheckResult& c = report.checks[i];
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
    out.Set("facePixels", report.facePixels);
    out.Set("validFacePixels", report.validFacePixels);
    out.Set("faceDepthMm", orNull(report.faceDepthMm));
    return out;
  }
};

}  // namespace

Napi::Value LivenessDepthChecks(const Napi::CallbackInfo& info) {
  const js::Args args(info, "livenessDepthChecks", 2);
  Napi::Env env = info.Env();
  const js::Options frame(args, 0, "frame");
  const js::Options options(args, 1, "options");
  auto baton = std::make_unique<DepthChecksBaton>();
  DepthFrameView& view = baton->view;
  std::vector<Napi::Object> keepAlive;

  view.width = frame.Int("width");
  view.height = frame.Int("height");
  const auto depth = frame.BufferOrNull("depth");
  const auto depthPng = frame.BufferOrNull("depthPng");
  if (depth.has_value() == depthPng.has_value()) throw MakeArgumentError(env, "livenessDepthChecks: exactly one of frame.depth and frame.depthPng must be a Buffer");
  if (depthPng) {
    baton->depthPngData = depthPng->Data();
    baton->depthPngSize = depthPng->Length();
    keepAlive.push_back(*depthPng);
  } else {
    // Never read past the caller's memory, whatever the TypeScript layer let through.
    if (depth->Length() != static_cast<size_t>(view.width) * view.height * 2 || (reinterpret_cast<uintptr_t>(depth->Data()) & 1) != 0) {
      throw MakeArgumentError(env, "livenessDepthChecks: frame.depth must hold width*height aligned uint16 values");
    }
    view.depth = reinterpret_cast<const uint16_t*>(depth->Data());
    keepAlive.push_back(*depth);
  }
  view.depthUnitMm = frame.Number("depthUnitMm");
  view.intrinsics = {frame.Number("fx"), frame.Number("fy"), frame.Number("cx"), frame.Number("cy")};
  Napi::Float32Array landmarks = frame.Float32Array("landmarks");
  view.landmarkStride = frame.Int("landmarkStride");
  if (view.landmarkStride < 2) throw MakeArgumentError(env, "livenessDepthChecks: frame.landmarkStride must be at least 2");
  view.landmarkCount = static_cast<int>(landmarks.ElementLength() / static_cast<size_t>(view.landmarkStride));
  view.landmarks = landmarks.Data();
  keepAlive.push_back(landmarks);

  const auto ir = frame.BufferOrNull("ir");
  const auto irPng = frame.BufferOrNull("irPng");
  const auto irBits = frame.NumberOrNull("irBits");
  if (ir && irPng) throw MakeArgumentError(env, "livenessDepthChecks: frame.ir and frame.irPng cannot both be Buffers");
  if (irPng) {
    baton->irPngData = irPng->Data();
    baton->irPngSize = irPng->Length();
    keepAlive.push_back(*irPng);
  } else if (ir) {
    if (!irBits || (*irBits != 8 && *irBits != 16)) throw MakeArgumentError(env, "livenessDepthChecks: frame.irBits must be 8 or 16 with a raw IR frame");
    view.irBits = static_cast<int>(*irBits);
    const size_t need = static_cast<size_t>(view.width) * view.height * (view.irBits == 16 ? 2 : 1);
    if (ir->Length() != need) throw MakeArgumentError(env, "livenessDepthChecks: frame.ir must hold width*height pixels");
    view.ir = ir->Data();
    keepAlive.push_back(*ir);
  }

  const js::Options roles = options.Object("roles");
  LandmarkRoles& r = baton->roles;
  r.noseTip = roles.Int("noseTip");
  r.rightEyeOuter = roles.Int("rightEyeOuter");
  r.rightEyeInner = roles.Int("rightEyeInner");
  r.leftEyeInner = roles.Int("leftEyeInner");
  r.leftEyeOuter = roles.Int("leftEyeOuter");
  if (view.landmarkCount < 3) throw MakeArgumentError(env, "livenessDepthChecks: at least 3 landmarks are needed");
  for (int i : {r.noseTip, r.rightEyeOuter, r.rightEyeInner, r.leftEyeInner, r.leftEyeOuter}) {
    if (i < 0 || i >= view.landmarkCount) throw MakeArgumentError(env, "livenessDepthChecks: landmark role out of range");
  }

  const js::Options p = options.Object("params");
  DepthCheckParams& params = baton->params;
  params.plane.iterations = p.Int("ransacIterations");
  params.plane.inlierBaseMm = p.Number("ransacInlierBaseMm");
  params.plane.inlierPerSquareMetreMm = p.Number("ransacInlierPerSquareMetreMm");
  params.plane.trimFraction = p.Number("planeTrimFraction");
  params.plane.seed = static_cast<uint32_t>(p.Unsigned("ransacSeed"));
  params.noseExclusionMm = p.Number("noseExclusionMm");
  params.noseTipRadiusMm = p.Number("noseTipRadiusMm");
  params.noseTipQuantile = p.Number("noseTipQuantile");
  params.noseReliefDirections = p.Int("noseReliefDirections");
  params.noseReliefRadiusMm = p.Number("noseReliefRadiusMm");
  params.noseReliefStripMm = p.Number("noseReliefStripMm");
  params.noseReliefInnerMm = p.Number("noseReliefInnerMm");
  params.noseReliefQuantile = p.Number("noseReliefQuantile");
  params.noseReliefSmoothPx = p.Int("noseReliefSmoothPx");
  params.noseReliefMinPoints = p.Int("noseReliefMinPoints");
  params.noseReliefMinDirections = p.Int("noseReliefMinDirections");
  params.quadricRounds = p.Int("quadricRounds");
  params.quadricRejectSigma = p.Number("quadricRejectSigma");
  params.sampleRadiusPx = p.Int("sampleRadiusPx");
  params.ringInnerScale = p.Number("ringInnerScale");
  params.ringOuterScale = p.Number("ringOuterScale");
  params.ringBehindMm = p.Number("ringBehindMm");
  params.irReferenceDistanceMm = p.Number("irReferenceDistanceMm");
  params.minFacePoints = p.Int("minFacePoints");
  params.faceDepthBandMm = p.Number("faceDepthBandMm");

  const js::Options b = options.Object("bounds");
  DepthCheckBounds& bounds = baton->bounds;
  bounds.validDepthFraction = ReadBounds(b, "validDepthFraction");
  bounds.planeResidualMm = ReadBounds(b, "planeResidualMm");
  bounds.planeInlierFraction = ReadBounds(b, "planeInlierFraction");
  bounds.quadricResidualMm = ReadBounds(b, "quadricResidualMm");
  bounds.noseProminenceMm = ReadBounds(b, "noseProminenceMm");
  bounds.noseReliefMm = ReadBounds(b, "noseReliefMm");
  bounds.outerCanthiMm = ReadBounds(b, "outerCanthiMm");
  bounds.interPupilMm = ReadBounds(b, "interPupilMm");
  bounds.foregroundRingFraction = ReadBounds(b, "foregroundRingFraction");
  bounds.irReflectance = ReadBounds(b, "irReflectance");

  return BatonWorker<DepthChecksBaton>::Queue(env, "proofgate:livenessDepthChecks", std::move(baton), keepAlive);
}

}  // namespace proofgate
