// Plain descriptions of the three networks, copied from the validated TypeScript options when the
// engine loads. Nothing here is policy: sizes, normalisation and layouts of the model files.
#pragma once
#include <array>
#include <string>
#include <vector>

#include <opencv2/core/types.hpp>

namespace proofgate::face {

// How an 8-bit image becomes the network's NCHW float input: value = (pixel - mean[c]) / std[c],
// with c in the model's channel order.
struct InputSpec {
  int width = 0;
  int height = 0;
  std::array<float, 3> mean{0, 0, 0};
  std::array<float, 3> std{1, 1, 1};
  bool rgb = false;  // false: the model wants BGR
};

struct ModelFile {
  std::string path;
  InputSpec input;
};

// BlazeFace-family detector: per-anchor logits and regressors [dx, dy, w, h, k0x, k0y, ...] in input
// pixels relative to the anchor centre. Several output tensors are concatenated along the anchor axis
// in the order listed, which must match the anchor order (strides in order, row-major cells).
struct DetectorSpec {
  ModelFile model;
  std::vector<std::string> scoreOutputs;
  std::vector<std::string> regressorOutputs;
  std::vector<int> anchorStrides;
  std::vector<int> anchorsPerCell;
  int keypoints = 0;
  int rightEyeKeypoint = 0;  // subject's right eye: used for the landmark crop's rotation
  int leftEyeKeypoint = 0;
  // true: each pipeline loads the net. false: the detector runs outside (an analysis is handed a
  // DetectorForward that calls back into TypeScript).
  bool inEngine = false;
};

// 468-point mesh model: one output with 468*3 values in input pixels, one with a face score.
struct LandmarkerSpec {
  ModelFile model;
  std::string meshOutput;
  std::string scoreOutput;
  float cropScale = 0;  // crop side = this x the detector's box (or the mesh's extent on refinement)
  bool scoreIsLogit = false;
};

// Embedder: an aligned face chip in, one descriptor out. The chip is a similarity warp taking the
// mean of each group of mesh points onto the matching template point (in chip pixels).
struct EmbedderSpec {
  ModelFile model;
  std::string output;
  int outputDim = 0;
  std::vector<std::vector<int>> alignMeshPoints;
  std::vector<cv::Point2f> alignTemplate;
  // true: the engine loads the net and embeds. false: the embedder runs outside (TypeScript chooses
  // the inference engine per model) and an analysis hands back the net's input tensor instead.
  bool inEngine = false;
};

struct EngineSpec {
  DetectorSpec detector;
  LandmarkerSpec landmarker;
  EmbedderSpec embedder;
  int pipelines = 0;         // independent Net sets, one per concurrently running analysis
  bool useOpenCl = false;    // DNN_TARGET_OPENCL instead of the CPU
};

}  // namespace proofgate::face
