#include "face/face_analysis.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <mutex>

#include "common/native_error.h"
#include "face/face_alignment.h"
#include "face/face_embedder.h"
#include "face/face_mesh.h"
#include "face/face_quality.h"
#include "face/image_decode.h"
#include "face/tensor_input.h"

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

// How far the crop the mesh implies is from the crop it ran on: the largest of the centre shift and
// the side change (fractions of the side) and the turn (radians). Small: a second pass would see
// almost the same pixels and return almost the same mesh.
float CropChange(const RotatedSquare& used, const RotatedSquare& implied) {
  const float side = std::max(used.side, 1e-3f);
  const cv::Point2f shift = implied.center - used.center;
  const float turn = std::abs(std::remainder(implied.angle - used.angle, 2.0f * static_cast<float>(CV_PI)));
  return std::max({std::hypot(shift.x, shift.y) / side, std::abs(implied.side - used.side) / side, turn});
}

// The largest detection whose mesh scores at least minLandmarkScore. Detections the mesh rejects
// (false positives: a patterned wall, a face on a T-shirt print) are removed from `detections` and
// counted in `rejected`, so faceCount counts faces, not detector noise.
std::optional<AnalyzedFace> LargestConfirmedFace(Pipeline& nets, const cv::Mat& bgr, const EngineSpec& spec,
                                                 std::vector<FaceDetection>& detections, const AnalyzeOptions& options,
                                                 int& rejected) {
  std::vector<size_t> order(detections.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return detections[a].box.area() > detections[b].box.area(); });
  const float cropScale = spec.landmarker.cropScale;
  std::vector<bool> drop(detections.size(), false);
  std::optional<AnalyzedFace> confirmed;
  for (size_t index : order) {
    AnalyzedFace face;
    face.detection = detections[index];
    face.landmarks = RunFaceMesh(nets.landmarker, bgr, CropFromDetection(face.detection, spec.detector, cropScale), spec.landmarker);
    if (options.refineLandmarks) {
      const RotatedSquare implied = CropFromMesh(face.landmarks, cropScale);
      if (CropChange(face.landmarks.crop, implied) >= options.refineMinCropChange) {
        face.landmarks = RunFaceMesh(nets.landmarker, bgr, implied, spec.landmarker);
      }
    }
    if (face.landmarks.score >= options.minLandmarkScore) {
      confirmed = std::move(face);
      break;
    }
    drop[index] = true;
    ++rejected;
  }
  std::vector<FaceDetection> kept;
  for (size_t i = 0; i < detections.size(); ++i) {
    if (!drop[i]) kept.push_back(std::move(detections[i]));
  }
  detections = std::move(kept);
  return confirmed;
}

}  // namespace

FaceAnalysisResult AnalyzeFace(FaceEngine& engine, const uint8_t* data, size_t size, const AnalyzeOptions& options,
                               const DetectorForward* externalDetector) {
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
  // analyze_face_worker.cc gives an external detector exactly when the engine was loaded without one.
  if (spec.detector.inEngine == (externalDetector != nullptr)) throw NativeError("ERR_NATIVE_INTERNAL", "detector placement does not match the engine");
  const DetectorForward netForward = [&nets](const cv::Mat& input, const std::vector<std::string>& names) {
    nets.detector.setInput(input);
    std::vector<cv::Mat> outputs;
    nets.detector.forward(outputs, names);
    return outputs;
  };
  const DetectorForward& detect = externalDetector != nullptr ? *externalDetector : netForward;

  result.detections = DetectFaces(detect, image.bgr, spec.detector, engine.anchors(), options.detect, 0.0f);
  result.timings.detect = clock.Lap();
  std::optional<AnalyzedFace> chosen =
      LargestConfirmedFace(nets, image.bgr, spec, result.detections, options, result.rejectedDetections);
  result.timings.landmarks = clock.Lap();

  if (!chosen && options.tightCropPadding > 0) {
    std::vector<FaceDetection> padded =
        DetectFaces(detect, image.bgr, spec.detector, engine.anchors(), options.detect, options.tightCropPadding);
    result.timings.detect += clock.Lap();
    chosen = LargestConfirmedFace(nets, image.bgr, spec, padded, options, result.rejectedDetections);
    result.timings.landmarks += clock.Lap();
    if (chosen) {
      result.detections = std::move(padded);
      result.usedPadding = true;
    }
  }

  if (chosen) {
    AnalyzedFace& face = *chosen;
    const cv::Size chipSize(spec.embedder.model.input.width, spec.embedder.model.input.height);
    const cv::Matx23d toChip = FitSimilarity(AlignmentPoints(face.landmarks, spec.embedder), spec.embedder.alignTemplate);
    const cv::Mat chip = WarpFaceChip(image.bgr, toChip, chipSize);
    result.timings.align = clock.Lap();

    if (options.computeEmbedding && nets.embedder != nullptr) {
      std::lock_guard<std::mutex> turn(nets.embedder->inUse);
      face.embedding = EmbedFaceChip(nets.embedder->net, chip, spec.embedder);
    } else if (options.computeEmbedding) {
      face.embedderInput = MakeInputBlob(chip, spec.embedder.model.input);
    }
    result.timings.embed = clock.Lap();

    face.quality = MeasureFaceQuality(face.landmarks, chip);
    result.timings.quality = clock.Lap();
    result.face = std::move(chosen);
  }
  result.timings.total = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace proofgate::face
