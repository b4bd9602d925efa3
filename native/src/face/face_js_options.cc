#include "face/face_js_options.h"

#include <array>
#include <string>
#include <vector>

namespace proofgate::face {
namespace {

Napi::Value Field(const Napi::Object& object, const char* key) {
  Napi::Value value = object.Get(key);
  if (value.IsUndefined()) throw Napi::TypeError::New(object.Env(), std::string("face option ") + key + " is missing");
  return value;
}

double Number(const Napi::Object& object, const char* key) {
  Napi::Value value = Field(object, key);
  if (!value.IsNumber()) throw Napi::TypeError::New(object.Env(), std::string("face option ") + key + " must be a number");
  return value.As<Napi::Number>().DoubleValue();
}

bool Boolean(const Napi::Object& object, const char* key) {
  Napi::Value value = Field(object, key);
  if (!value.IsBoolean()) throw Napi::TypeError::New(object.Env(), std::string("face option ") + key + " must be a boolean");
  return value.As<Napi::Boolean>().Value();
}

std::string String(const Napi::Object& object, const char* key) {
  Napi::Value value = Field(object, key);
  if (!value.IsString()) throw Napi::TypeError::New(object.Env(), std::string("face option ") + key + " must be a string");
  return value.As<Napi::String>().Utf8Value();
}

Napi::Object Object(const Napi::Object& object, const char* key) {
  Napi::Value value = Field(object, key);
  if (!value.IsObject()) throw Napi::TypeError::New(object.Env(), std::string("face option ") + key + " must be an object");
  return value.As<Napi::Object>();
}

Napi::Array Array(const Napi::Object& object, const char* key) {
  Napi::Value value = Field(object, key);
  if (!value.IsArray()) throw Napi::TypeError::New(object.Env(), std::string("face option ") + key + " must be an array");
  return value.As<Napi::Array>();
}

std::vector<double> Numbers(const Napi::Array& array, const char* key) {
  std::vector<double> out;
  for (uint32_t i = 0; i < array.Length(); ++i) {
    Napi::Value v = array.Get(i);
    if (!v.IsNumber()) throw Napi::TypeError::New(array.Env(), std::string("face option ") + key + " must hold numbers");
    out.push_back(v.As<Napi::Number>().DoubleValue());
  }
  return out;
}

std::vector<int> Integers(const Napi::Object& object, const char* key) {
  std::vector<int> out;
  for (double d : Numbers(Array(object, key), key)) out.push_back(static_cast<int>(d));
  return out;
}

std::vector<std::string> Strings(const Napi::Object& object, const char* key) {
  Napi::Array array = Array(object, key);
  std::vector<std::string> out;
  for (uint32_t i = 0; i < array.Length(); ++i) {
    Napi::Value v = array.Get(i);
    if (!v.IsString()) throw Napi::TypeError::New(array.Env(), std::string("face option ") + key + " must hold strings");
    out.push_back(v.As<Napi::String>().Utf8Value());
  }
  return out;
}

std::array<float, 3> Triple(const Napi::Object& object, const char* key) {
  const std::vector<double> v = Numbers(Array(object, key), key);
  if (v.size() != 3) throw Napi::TypeError::New(object.Env(), std::string("face option ") + key + " must hold 3 numbers");
  return {static_cast<float>(v[0]), static_cast<float>(v[1]), static_cast<float>(v[2])};
}

ModelFile ReadModelFile(const Napi::Object& object) {
  ModelFile model;
  model.path = String(object, "path");
  Napi::Object input = Object(object, "input");
  model.input.width = static_cast<int>(Number(input, "width"));
  model.input.height = static_cast<int>(Number(input, "height"));
  model.input.mean = Triple(input, "mean");
  model.input.std = Triple(input, "std");
  model.input.rgb = String(input, "channelOrder") == "rgb";
  return model;
}

}  // namespace

EngineSpec ReadEngineSpec(const Napi::Object& options) {
  EngineSpec spec;
  Napi::Object detector = Object(options, "detector");
  spec.detector.model = ReadModelFile(detector);
  spec.detector.scoreOutputs = Strings(detector, "scoreOutputs");
  spec.detector.regressorOutputs = Strings(detector, "regressorOutputs");
  spec.detector.anchorStrides = Integers(detector, "anchorStrides");
  spec.detector.anchorsPerCell = Integers(detector, "anchorsPerCell");
  spec.detector.keypoints = static_cast<int>(Number(detector, "keypoints"));
  spec.detector.rightEyeKeypoint = static_cast<int>(Number(detector, "rightEyeKeypoint"));
  spec.detector.leftEyeKeypoint = static_cast<int>(Number(detector, "leftEyeKeypoint"));

  Napi::Object landmarker = Object(options, "landmarker");
  spec.landmarker.model = ReadModelFile(landmarker);
  spec.landmarker.meshOutput = String(landmarker, "meshOutput");
  spec.landmarker.scoreOutput = String(landmarker, "scoreOutput");
  spec.landmarker.cropScale = static_cast<float>(Number(landmarker, "cropScale"));
  spec.landmarker.scoreIsLogit = Boolean(landmarker, "scoreIsLogit");

  Napi::Object embedder = Object(options, "embedder");
  spec.embedder.model = ReadModelFile(embedder);
  spec.embedder.output = String(embedder, "output");
  spec.embedder.outputDim = static_cast<int>(Number(embedder, "outputDim"));
  Napi::Array points = Array(embedder, "alignMeshPoints");
  for (uint32_t i = 0; i < points.Length(); ++i) {
    Napi::Value group = points.Get(i);
    if (!group.IsArray()) throw Napi::TypeError::New(options.Env(), "face option alignMeshPoints must hold arrays");
    std::vector<int> indices;
    for (double d : Numbers(group.As<Napi::Array>(), "alignMeshPoints")) indices.push_back(static_cast<int>(d));
    spec.embedder.alignMeshPoints.push_back(std::move(indices));
  }
  const std::vector<double> flat = Numbers(Array(embedder, "alignTemplate"), "alignTemplate");
  for (size_t i = 0; i + 1 < flat.size(); i += 2) spec.embedder.alignTemplate.emplace_back(flat[i], flat[i + 1]);

  spec.pipelines = static_cast<int>(Number(options, "pipelines"));
  spec.useOpenCl = Boolean(options, "useOpenCl");
  return spec;
}

AnalyzeOptions ReadAnalyzeOptions(const Napi::Object& options) {
  AnalyzeOptions out;
  out.maxPixels = static_cast<uint64_t>(Number(options, "maxPixels"));
  out.detect.minScore = static_cast<float>(Number(options, "minDetectionScore"));
  out.detect.iouThreshold = static_cast<float>(Number(options, "nmsIouThreshold"));
  out.detect.maxFaces = static_cast<int>(Number(options, "maxFaces"));
  out.tightCropPadding = static_cast<float>(Number(options, "tightCropPadding"));
  out.minLandmarkScore = static_cast<float>(Number(options, "minLandmarkScore"));
  out.refineLandmarks = Boolean(options, "refineLandmarks");
  out.refineMinCropChange = static_cast<float>(Number(options, "refineMinCropChange"));
  out.computeEmbedding = Boolean(options, "computeEmbedding");
  return out;
}

}  // namespace proofgate::face
