// One photo through the whole pipeline: decode, detect, choose the largest face, mesh, align,
// embed, measure quality. Runs inside AsyncWorker::Execute(): no Napi here.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "face/blazeface_detector.h"
#include "face/face_engine.h"
#include "face/face_types.h"
#include "face/image_header.h"

namespace proofgate::face {

struct AnalyzeOptions {
  uint64_t maxPixels = 0;
  DetectOptions detect;
  // A detection counts as a face when the mesh model scores it at least this.
  float minLandmarkScore = 0;
  // A face filling the frame is detected poorly or not at all. When the first pass confirms no face,
  // detection runs again with this margin (fraction of the long side) on every side. 0: no retry.
  float tightCropPadding = 0;
  bool refineLandmarks = false;  // second mesh pass on the crop the first mesh implies
  // ...run only when that crop differs from the first by at least this (largest of centre shift and
  // side change as a fraction of the side, and turn in radians). 0: always.
  float refineMinCropChange = 0.0f;
  bool computeEmbedding = false;
};

struct StageTimings {  // milliseconds
  double decode = 0, detect = 0, landmarks = 0, align = 0, embed = 0, quality = 0, total = 0;
};

struct AnalyzedFace {
  FaceDetection detection;
  FaceLandmarks landmarks;
  std::vector<float> embedding;  // empty when not requested or when the embedder runs outside the engine
  cv::Mat embedderInput;         // 1x3xHxW float: the embedder's input, when it runs outside; else empty
  FaceQuality quality;
};

struct FaceAnalysisResult {
  ImageHeader header{};
  int width = 0;   // upright, after EXIF orientation
  int height = 0;
  std::vector<FaceDetection> detections;  // confirmed or not yet checked by the mesh
  int rejectedDetections = 0;             // detections the mesh scored below minLandmarkScore
  bool usedPadding = false;
  std::optional<AnalyzedFace> face;  // the largest confirmed face, when there is one
  StageTimings timings;
};

// `externalDetector`: the detector's forward pass when it runs outside the engine (the engine was
// loaded without it); null: the leased pipeline's net.
FaceAnalysisResult AnalyzeFace(FaceEngine& engine, const uint8_t* data, size_t size, const AnalyzeOptions& options,
                               const DetectorForward* externalDetector);

}  // namespace proofgate::face
