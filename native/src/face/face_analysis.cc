#include "face/face_analysis.h"

#include <algorithm>
#include <chrono>

#include "face/face_alignment.h"
#include "face/face_embedder.h"
#include "face/face_mesh.h"
#include "face/face_quality.h"
#include "face/image_decode.h"

namespace proofgate::face {
namespace {

class StageClock {
 public:
  // Milliseconds since the previous call (or construction).
  double Lap() {
    const auto now = std::chrono::steady_clock::now();
    const double ms = std::chrono::duration<double, std::milli>(now - last_).count();
    last_ = now;
    return ms;
  }

 private:
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

}  // namespace

FaceAnalysisResult AnalyzeFace(FaceEngine& engine, const uint8_t* data, size_t size, const AnalyzeOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  StageClock clock;
  FaceAnalysisResult result;
  DecodedImage image = DecodeImage(data, size, options.maxPixels);
  result.header = image.header;
  result.width = image.bgr.cols;
  result.height = image.bgr.rows;
  result.timings.decode = clock.Lap();

  const EngineSpec& spec = engine.spec();
  FaceEngine::Lease lease = engine.Acquire();
  Pipeline& nets = lease.nets();
  clock.Lap();  // a wait for the lease is not detection time

  DetectResult detected = DetectFaces(nets.detector, image.bgr, spec.detector, engine.anchors(), options.detect);
  result.detections = std::move(detected.faces);
  result.usedPadding = detected.usedPadding;
  result.timings.detect = clock.Lap();

  if (!result.detections.empty()) {
    const auto largest = std::max_element(result.detections.begin(), result.detections.end(),
                                          [](const FaceDetection& a, const FaceDetection& b) { return a.box.area() < b.box.area(); });
    AnalyzedFace face;
    face.detection = *largest;
    const float cropScale = spec.landmarker.cropScale;
    face.landmarks = RunFaceMesh(nets.landmarker, image.bgr, CropFromDetection(face.detection, spec.detector, cropScale),
                                 spec.landmarker);
    if (options.refineLandmarks) {
      face.landmarks = RunFaceMesh(nets.landmarker, image.bgr, CropFromMesh(face.landmarks, cropScale), spec.landmarker);
    }
    result.timings.landmarks = clock.Lap();

    const cv::Size chipSize(spec.embedder.model.input.width, spec.embedder.model.input.height);
    const cv::Matx23d toChip = FitSimilarity(AlignmentPoints(face.landmarks, spec.embedder), spec.embedder.alignTemplate);
    const cv::Mat chip = WarpFaceChip(image.bgr, toChip, chipSize);
    result.timings.align = clock.Lap();

    if (options.computeEmbedding) face.embedding = EmbedFaceChip(nets.embedder, chip, spec.embedder);
    result.timings.embed = clock.Lap();

    face.quality = MeasureFaceQuality(face.landmarks, chip);
    result.timings.quality = clock.Lap();
    result.face = std::move(face);
  }
  result.timings.total = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace proofgate::face
