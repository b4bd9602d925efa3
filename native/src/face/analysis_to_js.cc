#include "face/analysis_to_js.h"

#include <cstring>

namespace proofgate::face {
namespace {

Napi::Object Box(Napi::Env env, const cv::Rect2f& box) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("x", box.x);
  out.Set("y", box.y);
  out.Set("width", box.width);
  out.Set("height", box.height);
  return out;
}

Napi::Float32Array Floats(Napi::Env env, const float* values, size_t count) {
  Napi::Float32Array out = Napi::Float32Array::New(env, count);
  if (count > 0) std::memcpy(out.Data(), values, count * sizeof(float));
  return out;
}

Napi::Object Detection(Napi::Env env, const FaceDetection& d) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("box", Box(env, d.box));
  out.Set("score", d.score);
  out.Set("keypoints", Floats(env, reinterpret_cast<const float*>(d.keypoints.data()), d.keypoints.size() * 2));
  return out;
}

Napi::Object Quality(Napi::Env env, const FaceQuality& q) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("faceWidth", q.faceWidth);
  out.Set("faceHeight", q.faceHeight);
  out.Set("interocular", q.interocular);
  out.Set("sharpness", q.sharpness);
  out.Set("brightness", q.brightness);
  out.Set("darkFraction", q.darkFraction);
  out.Set("brightFraction", q.brightFraction);
  out.Set("yaw", q.yaw);
  out.Set("pitch", q.pitch);
  out.Set("roll", q.roll);
  out.Set("leftEyeOpenness", q.leftEyeOpenness);
  out.Set("rightEyeOpenness", q.rightEyeOpenness);
  return out;
}

Napi::Object Timings(Napi::Env env, const StageTimings& t) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("decode", t.decode);
  out.Set("detect", t.detect);
  out.Set("landmarks", t.landmarks);
  out.Set("align", t.align);
  out.Set("embed", t.embed);
  out.Set("quality", t.quality);
  out.Set("total", t.total);
  return out;
}

}  // namespace

Napi::Object AnalysisToJs(Napi::Env env, const FaceAnalysisResult& r) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("format", ImageFormatName(r.header.format));
  out.Set("width", r.width);
  out.Set("height", r.height);
  Napi::Array detections = Napi::Array::New(env, r.detections.size());
  for (uint32_t i = 0; i < r.detections.size(); ++i) detections.Set(i, Detection(env, r.detections[i]));
  out.Set("detections", detections);
  out.Set("rejectedDetections", r.rejectedDetections);
  out.Set("usedPadding", r.usedPadding);
  if (r.face) {
    const AnalyzedFace& f = *r.face;
    Napi::Object face = Napi::Object::New(env);
    face.Set("detection", Detection(env, f.detection));
    // cv::Point3f is three packed floats, so the mesh copies as one block.
    face.Set("landmarks", Floats(env, reinterpret_cast<const float*>(f.landmarks.points.data()), f.landmarks.points.size() * 3));
    face.Set("landmarkScore", f.landmarks.score);
    face.Set("embedding", Floats(env, f.embedding.data(), f.embedding.size()));
    // Empty, or the 1x3xHxW tensor the embedder (run outside the engine) takes; MakeInputBlob's Mat is continuous.
    face.Set("embedderInput", Floats(env, f.embedderInput.empty() ? nullptr : f.embedderInput.ptr<float>(), f.embedderInput.total()));
    face.Set("quality", Quality(env, f.quality));
    out.Set("face", face);
  } else {
    out.Set("face", env.Null());
  }
  out.Set("timings", Timings(env, r.timings));
  return out;
}

}  // namespace proofgate::face
