#include "face/face_js_options.h"

#include <array>
#include <string>
#include <vector>

#include "common/native_error.h"

namespace proofgate::face {
namespace {

std::vector<int> Integers(const js::Options& object, const char* key) {
  std::vector<int> out;
  for (double d : object.Numbers(key)) out.push_back(static_cast<int>(d));
  return out;
}

std::array<float, 3> Triple(const js::Options& object, const char* key) {
  const std::vector<double> v = object.Numbers(key);
  if (v.size() != 3) throw MakeArgumentError(object.Env(), object.Path() + "." + key + " must hold 3 numbers");
  return {static_cast<float>(v[0]), static_cast<float>(v[1]), static_cast<float>(v[2])};
}

}  // namespace

InputSpec ReadInputSpec(const js::Options& input) {
  InputSpec spec;
  spec.width = input.Int("width");
  spec.height = input.Int("height");
  spec.mean = Triple(input, "mean");
  spec.std = Triple(input, "std");
  const std::string order = input.String("channelOrder");
  if (order != "rgb" && order != "bgr") throw MakeArgumentError(input.Env(), input.Path() + ".channelOrder must be \"rgb\" or \"bgr\"");
  spec.rgb = order == "rgb";
  return spec;
}

namespace {

ModelFile ReadModelFile(const js::Options& object) {
  ModelFile model;
  model.path = object.String("path");
  model.input = ReadInputSpec(object.Object("input"));
  return model;
}

}  // namespace

EngineSpec ReadEngineSpec(const js::Options& options) {
  EngineSpec spec;
  const js::Options detector = options.Object("detector");
  spec.detector.model = ReadModelFile(detector);
  spec.detector.scoreOutputs = detector.Strings("scoreOutputs");
  spec.detector.regressorOutputs = detector.Strings("regressorOutputs");
  spec.detector.anchorStrides = Integers(detector, "anchorStrides");
  spec.detector.anchorsPerCell = Integers(detector, "anchorsPerCell");
  spec.detector.keypoints = detector.Int("keypoints");
  spec.detector.rightEyeKeypoint = detector.Int("rightEyeKeypoint");
  spec.detector.leftEyeKeypoint = detector.Int("leftEyeKeypoint");
  spec.detector.inEngine = detector.Boolean("inEngine");

  const js::Options landmarker = options.Object("landmarker");
  spec.landmarker.model = ReadModelFile(landmarker);
  spec.landmarker.meshOutput = landmarker.String("meshOutput");
  spec.landmarker.scoreOutput = landmarker.String("scoreOutput");
  spec.landmarker.cropScale = static_cast<float>(landmarker.Number("cropScale"));
  spec.landmarker.scoreIsLogit = landmarker.Boolean("scoreIsLogit");

  const js::Options embedder = options.Object("embedder");
  spec.embedder.model = ReadModelFile(embedder);
  spec.embedder.output = embedder.String("output");
  spec.embedder.outputDim = embedder.Int("outputDim");
  spec.embedder.inEngine = embedder.Boolean("inEngine");
  for (const auto& group : embedder.NumberLists("alignMeshPoints")) {
    std::vector<int> indices;
    for (double d : group) indices.push_back(static_cast<int>(d));
    spec.embedder.alignMeshPoints.push_back(std::move(indices));
  }
  const std::vector<double> flat = embedder.Numbers("alignTemplate");
  if (flat.size() % 2 != 0) throw MakeArgumentError(options.Env(), embedder.Path() + ".alignTemplate must hold x, y pairs");
  for (size_t i = 0; i + 1 < flat.size(); i += 2) spec.embedder.alignTemplate.emplace_back(flat[i], flat[i + 1]);

  spec.pipelines = options.Int("pipelines");
  spec.useOpenCl = options.Boolean("useOpenCl");
  return spec;
}

AnalyzeOptions ReadAnalyzeOptions(const js::Options& options) {
  AnalyzeOptions out;
  out.maxPixels = options.Unsigned("maxPixels");
  out.detect.minScore = static_cast<float>(options.Number("minDetectionScore"));
  out.detect.iouThreshold = static_cast<float>(options.Number("nmsIouThreshold"));
  out.detect.maxFaces = options.Int("maxFaces");
  out.tightCropPadding = static_cast<float>(options.Number("tightCropPadding"));
  out.minLandmarkScore = static_cast<float>(options.Number("minLandmarkScore"));
  out.refineLandmarks = options.Boolean("refineLandmarks");
  out.refineMinCropChange = static_cast<float>(options.Number("refineMinCropChange"));
  out.computeEmbedding = options.Boolean("computeEmbedding");
  return out;
}

}  // namespace proofgate::face
