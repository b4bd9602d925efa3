// The loaded networks. One engine per FaceEngine.load() in TypeScript; nothing process-global.
//
// Concurrency: a cv::dnn::Net keeps its intermediate blobs inside itself, so two forward() calls on
// one Net must not overlap. The engine holds a small pool of pipelines (detector and landmarker), each
// built from the same model bytes, and an analysis leases one for its whole run. TypeScript admits at
// most `pipelines` analyses at a time, so a lease never waits and no libuv thread blocks there.
// A model that runs outside (TypeScript's choice of inference engine, model_spec.h inEngine) is not
// loaded here at all. The embedder is the exception: its weights are ~90% of a net set's memory (22 MB, held twice once
// OpenCV fuses the scale layers into the convolutions), so all pipelines share one embedder behind a
// mutex. It runs ~5 ms of a ~20 ms analysis, so two analyses rarely meet there, and on a small
// machine they share the cores anyway; the cost is at most one embedding's wait.
#pragma once
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include "face/model_spec.h"

namespace proofgate::face {

// A Net that several threads use in turn.
struct GuardedNet {
  cv::dnn::Net net;
  std::mutex inUse;
};

struct Pipeline {
  cv::dnn::Net detector;  // empty when the detector runs outside
  cv::dnn::Net landmarker;
  GuardedNet* embedder = nullptr;  // the engine's, shared by every pipeline; null when it runs outside
};

class FaceEngine {
 public:
  // Reads and checks the three models (a dry run on a blank input verifies every declared output
  // and its size). Throws NativeError(ERR_MODEL_LOAD) naming the file and the problem.
  explicit FaceEngine(EngineSpec spec);

  class Lease {
   public:
    Lease(FaceEngine& engine, size_t slot) : engine_(&engine), slot_(slot) {}
    Lease(Lease&& other) noexcept : engine_(other.engine_), slot_(other.slot_) { other.engine_ = nullptr; }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();
    Pipeline& nets() { return *engine_->pipelines_[slot_]; }

   private:
    FaceEngine* engine_;
    size_t slot_;
  };

  // Waits for a free pipeline (immediately, when the caller respects pipelineCount()).
  Lease Acquire();

  const EngineSpec& spec() const { return spec_; }
  const std::vector<cv::Point2f>& anchors() const { return anchors_; }
  size_t pipelineCount() const { return pipelines_.size(); }
  const char* targetName() const { return spec_.useOpenCl ? "opencl" : "cpu"; }

 private:
  EngineSpec spec_;
  std::vector<cv::Point2f> anchors_;
  GuardedNet embedder_;
  std::vector<std::unique_ptr<Pipeline>> pipelines_;
  std::vector<bool> busy_;
  std::mutex mutex_;
  std::condition_variable released_;
};

}  // namespace proofgate::face
