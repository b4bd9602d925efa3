// An in-memory index of face templates for the 1:N duplicate search: slot i holds one template,
// stored as int8 codes with a per-template scale, as float16, or as float32, plus its exact squared
// norm. search() ranks every live slot by the squared L2 distance |q|^2 + |t|^2 - 2 q.t computed
// from the stored codes; TypeScript re-scores the returned candidates on the float32 originals, so
// quantisation only decides which candidates come back, never a score. Slots are TypeScript's: it
// assigns them, fills and frees them. No thresholds here (policy is TypeScript's).
//
// Thread safety: searches take a shared lock, add/remove an exclusive one; all run on libuv workers.
#pragma once
#include <cstddef>
#include <cstdint>
#include <shared_mutex>
#include <string>
#include <vector>

namespace proofgate::search {

enum class Encoding { kInt8, kFloat16, kFloat32 };

Encoding ParseEncoding(const std::string& name);  // "int8" | "float16" | "float32"; NativeError otherwise
const char* EncodingName(Encoding encoding);

struct Candidate {
  float distance;  // approximate L2 distance from the stored codes
  int32_t slot;
};

class TemplateIndex {
 public:
  TemplateIndex(int dim, Encoding encoding);

  int Dim() const { return dim_; }  // fixed at creation: read without the lock

  // Stores `count` templates (dim floats each) in the given slots, growing as needed.
  void Add(const int32_t* slots, const float* vectors, size_t count);
  // Frees slots; a freed or never-filled slot is never returned by Search().
  void Remove(const int32_t* slots, size_t count);
  // The k live slots nearest to `query`, nearest first, scanned by `threads` threads (>= 1).
  std::vector<Candidate> Search(const float* query, int k, int threads) const;

  struct Info {
    int dim;
    Encoding encoding;
    size_t slots;       // slots addressable (highest filled + 1)
    size_t live;        // slots holding a template
    size_t capacity;    // slots allocated
    size_t bytesPerTemplate;
    size_t bytes;       // allocated for codes, scales and norms
    const char* kernels;
  };
  Info Describe() const;

 private:
  void Reserve(size_t slots);  // caller holds the exclusive lock
  void ScanRange(const float* query, const int16_t* query16, float queryScale, float queryNorm, size_t begin, size_t end, int k,
                 std::vector<Candidate>& best) const;

  const int dim_;
  const Encoding encoding_;
  size_t slots_ = 0;
  size_t live_ = 0;
  std::vector<int8_t> int8_;
  std::vector<uint16_t> float16_;
  std::vector<float> float32_;
  std::vector<float> scales_;  // int8 only: template ~= scale * codes
  std::vector<float> norms_;   // |t|^2 of the original floats; +inf for an empty slot (never ranks)
  mutable std::shared_mutex mutex_;
};

}  // namespace proofgate::search
