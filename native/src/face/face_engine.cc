#include "face/face_engine.h"

#include <fstream>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <iterator>
#include <string>

#include "common/native_error.h"
#include "face/blazeface_detector.h"
#include "face/face_codes.h"
#include "face/mesh_indices.h"

namespace proofgate::face {
namespace {

[[noreturn]] void LoadFailure(const std::string& path, const std::string& problem) {
  throw NativeError(face_codes::kModelLoad, "model " + path + ": " + problem);
}

std::vector<uchar> ReadModelFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) LoadFailure(path, "cannot open the file");
  std::vector<uchar> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.empty()) LoadFailure(path, "the file is empty");
  return bytes;
}

cv::dnn::Net BuildNet(const std::vector<uchar>& bytes, const std::string& path, bool useOpenCl, bool fuse = true) {
  cv::dnn::Net net;
  try {
    net = cv::dnn::readNetFromONNX(bytes);
  } catch (const cv::Exception& e) {
    LoadFailure(path, "OpenCV cannot read it as ONNX: " + (e.err.empty() ? std::string(e.what()) : e.err));
  }
  if (net.empty()) LoadFailure(path, "OpenCV read no layers from it");
  net.enableFusion(fuse);
  net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
  net.setPreferableTarget(useOpenCl ? cv::dnn::DNN_TARGET_OPENCL : cv::dnn::DNN_TARGET_CPU);
  return net;
}

// Runs a blank input and returns the named outputs' value counts; a wrong name or shape fails here,
// at start-up, instead of on the first user's photo.
std::vector<size_t> DryRun(cv::dnn::Net& net, const ModelFile& model, const std::vector<std::string>& outputs) {
  const int dims[4] = {1, 3, model.input.height, model.input.width};
  std::vector<cv::Mat> results;
  try {
    net.setInput(cv::Mat(4, dims, CV_32F, cv::Scalar(0)));
    net.forward(results, outputs);
  } catch (const cv::Exception& e) {
    LoadFailure(model.path, "a test run failed: " + (e.err.empty() ? std::string(e.what()) : e.err));
  }
  std::vector<size_t> counts;
  for (size_t i = 0; i < results.size(); ++i) {
    if (results[i].type() != CV_32F) LoadFailure(model.path, "output " + outputs[i] + " is not float32");
    counts.push_back(results[i].total());
  }
  return counts;
}

void CheckDetector(cv::dnn::Net& net, const DetectorSpec& spec, size_t anchorCount) {
  std::vector<std::string> names = spec.scoreOutputs;
  names.insert(names.end(), spec.regressorOutputs.begin(), spec.regressorOutputs.end());
  const std::vector<size_t> counts = DryRun(net, spec.model, names);
  size_t scores = 0, regressors = 0;
  for (size_t i = 0; i < counts.size(); ++i) (i < spec.scoreOutputs.size() ? scores : regressors) += counts[i];
  if (scores != anchorCount) {
    LoadFailure(spec.model.path, "score outputs hold " + std::to_string(scores) + " values for " +
                                     std::to_string(anchorCount) + " anchors");
  }
  if (regressors % anchorCount != 0 || regressors / anchorCount < static_cast<size_t>(4 + 2 * spec.keypoints)) {
    LoadFailure(spec.model.path, "regressor outputs hold " + std::to_string(regressors) + " values, not " +
                                     std::to_string(4 + 2 * spec.keypoints) + " or more per anchor");
  }
}

void CheckLandmarker(cv::dnn::Net& net, const LandmarkerSpec& spec) {
  const std::vector<size_t> counts = DryRun(net, spec.model, {spec.meshOutput, spec.scoreOutput});
  if (counts[0] != static_cast<size_t>(mesh::kPointCount) * 3) {
    LoadFailure(spec.model.path, "output " + spec.meshOutput + " holds " + std::to_string(counts[0]) + " values, not 468x3");
  }
  if (counts[1] != 1) LoadFailure(spec.model.path, "output " + spec.scoreOutput + " is not a single score");
}

void CheckAlignment(const EmbedderSpec& spec) {
  for (const auto& group : spec.alignMeshPoints) {
    for (int index : group) {
      if (index < 0 || index >= mesh::kPointCount) LoadFailure(spec.model.path, "alignment refers to a mesh point out of range");
    }
  }
}

void CheckEmbedder(cv::dnn::Net& net, const EmbedderSpec& spec) {
  const std::vector<size_t> counts = DryRun(net, spec.model, {spec.output});
  if (counts[0] != static_cast<size_t>(spec.outputDim)) {
    LoadFailure(spec.model.path, "output " + spec.output + " holds " + std::to_string(counts[0]) + " values, not " +
                                     std::to_string(spec.outputDim));
  }
  CheckAlignment(spec);
}

}  // namespace

FaceEngine::FaceEngine(EngineSpec spec) : spec_(std::move(spec)) {
  anchors_ = MakeBlazeFaceAnchors(spec_.detector);
  const std::vector<uchar> detectorBytes = spec_.detector.inEngine ? ReadModelFile(spec_.detector.model.path) : std::vector<uchar>();
  const std::vector<uchar> landmarkerBytes = ReadModelFile(spec_.landmarker.model.path);
  // Without fusion OpenCV runs the embedder's scale layers on their own instead of folding them into a
  // clone of the convolution weights: 21 MB less resident for ~0.2-0.7 ms more per embedding (measured
  // on the project machine, 2 threads). Detector and landmarker are small, so they keep fusion.
  if (spec_.embedder.inEngine) {
    embedder_.net = BuildNet(ReadModelFile(spec_.embedder.model.path), spec_.embedder.model.path, spec_.useOpenCl,
                             /*fuse=*/false);
    // The dry run also makes each Net allocate its buffers now rather than on a user's request.
    CheckEmbedder(embedder_.net, spec_.embedder);
  } else {
    CheckAlignment(spec_.embedder);
  }
  for (int i = 0; i < spec_.pipelines; ++i) {
    auto pipeline = std::make_unique<Pipeline>();
    if (spec_.detector.inEngine) {
      pipeline->detector = BuildNet(detectorBytes, spec_.detector.model.path, spec_.useOpenCl);
      CheckDetector(pipeline->detector, spec_.detector, anchors_.size());
    }
    pipeline->landmarker = BuildNet(landmarkerBytes, spec_.landmarker.model.path, spec_.useOpenCl);
    pipeline->embedder = spec_.embedder.inEngine ? &embedder_ : nullptr;
    CheckLandmarker(pipeline->landmarker, spec_.landmarker);
    pipelines_.push_back(std::move(pipeline));
    busy_.push_back(false);
  }
#if defined(__GLIBC__)
  // Parsing the ONNX files leaves tens of MB of freed protobuf and file buffers in the heap, which
  // glibc keeps mapped; hand them back so the engine's resident size is what the nets hold.
  malloc_trim(0);
#endif
}

FaceEngine::Lease FaceEngine::Acquire() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    for (size_t i = 0; i < busy_.size(); ++i) {
      if (!busy_[i]) {
        busy_[i] = true;
        return Lease(*this, i);
      }
    }
    released_.wait(lock);
  }
}

FaceEngine::Lease::~Lease() {
  if (engine_ == nullptr) return;
  {
    std::lock_guard<std::mutex> lock(engine_->mutex_);
    engine_->busy_[slot_] = false;
  }
  engine_->released_.notify_one();
}

}  // namespace proofgate::face
