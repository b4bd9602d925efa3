#include "search/template_index.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <thread>

#include "common/native_error.h"
#include "search/dot_kernels.h"

namespace proofgate::search {
namespace {

constexpr float kEmpty = std::numeric_limits<float>::infinity();
// Templates scored per kernel call: the scores stay in L1 while the top-k is updated from them.
constexpr size_t kBlock = 512;

bool Nearer(const Candidate& a, const Candidate& b) { return a.distance < b.distance || (a.distance == b.distance && a.slot < b.slot); }

// Keeps the k nearest seen so far as a max-heap on distance (the farthest kept at the front).
void Offer(std::vector<Candidate>& heap, size_t k, Candidate c) {
  if (heap.size() < k) {
    heap.push_back(c);
    std::push_heap(heap.begin(), heap.end(), Nearer);
  } else if (Nearer(c, heap.front())) {
    std::pop_heap(heap.begin(), heap.end(), Nearer);
    heap.back() = c;
    std::push_heap(heap.begin(), heap.end(), Nearer);
  }
}

}  // namespace

Encoding ParseEncoding(const std::string& name) {
  if (name == "int8") return Encoding::kInt8;
  if (name == "float16") return Encoding::kFloat16;
  if (name == "float32") return Encoding::kFloat32;
  throw NativeError(kArgumentCode, "template index encoding must be int8, float16 or float32");
}

const char* EncodingName(Encoding encoding) {
  switch (encoding) {
    case Encoding::kInt8: return "int8";
    case Encoding::kFloat16: return "float16";
    default: return "float32";
  }
}

TemplateIndex::TemplateIndex(int dim, Encoding encoding) : dim_(dim), encoding_(encoding) {}

void TemplateIndex::Reserve(size_t slots) {
  if (slots <= norms_.size()) return;
  const size_t capacity = std::max(slots, norms_.size() * 2);
  switch (encoding_) {
    case Encoding::kInt8: int8_.resize(capacity * dim_, 0); scales_.resize(capacity, 0.0f); break;
    case Encoding::kFloat16: float16_.resize(capacity * dim_, 0); break;
    case Encoding::kFloat32: float32_.resize(capacity * dim_, 0.0f); break;
  }
  norms_.resize(capacity, kEmpty);
}

void TemplateIndex::Add(const int32_t* slots, const float* vectors, size_t count) {
  std::unique_lock lock(mutex_);
  int32_t highest = -1;
  for (size_t i = 0; i < count; ++i) highest = std::max(highest, slots[i]);
  if (highest >= 0) Reserve(size_t(highest) + 1);
  for (size_t i = 0; i < count; ++i) {
    const size_t slot = size_t(slots[i]);
    const float* v = vectors + i * dim_;
    double norm = 0;
    float largest = 0;
    for (int j = 0; j < dim_; ++j) {
      norm += double(v[j]) * v[j];
      largest = std::max(largest, std::fabs(v[j]));
    }
    switch (encoding_) {
      case Encoding::kInt8: {
        // Symmetric per-template scale: the largest component maps to +-127.
        const float scale = largest > 0 ? largest / 127.0f : 1.0f;
        int8_t* codes = int8_.data() + slot * dim_;
        for (int j = 0; j < dim_; ++j) codes[j] = int8_t(std::clamp(std::lround(v[j] / scale), -127L, 127L));
        scales_[slot] = scale;
        break;
      }
      case Encoding::kFloat16:
        for (int j = 0; j < dim_; ++j) float16_[slot * dim_ + j] = FloatToHalf(v[j]);
        break;
      case Encoding::kFloat32:
        std::copy(v, v + dim_, float32_.begin() + slot * dim_);
        break;
    }
    if (norms_[slot] == kEmpty) ++live_;
    norms_[slot] = float(norm);
    slots_ = std::max(slots_, slot + 1);
  }
}

void TemplateIndex::Remove(const int32_t* slots, size_t count) {
  std::unique_lock lock(mutex_);
  for (size_t i = 0; i < count; ++i) {
    const size_t slot = size_t(slots[i]);
    if (slot >= slots_ || norms_[slot] == kEmpty) continue;
    norms_[slot] = kEmpty;
    --live_;
    // Zero the codes too: a freed slot keeps nothing of the face it held.
    switch (encoding_) {
      case Encoding::kInt8: std::fill_n(int8_.begin() + slot * dim_, dim_, 0); scales_[slot] = 0; break;
      case Encoding::kFloat16: std::fill_n(float16_.begin() + slot * dim_, dim_, 0); break;
      case Encoding::kFloat32: std::fill_n(float32_.begin() + slot * dim_, dim_, 0.0f); break;
    }
  }
}

void TemplateIndex::ScanRange(const float* query, const int16_t* query16, float queryScale, float queryNorm, size_t begin, size_t end,
                              int k, std::vector<Candidate>& best) const {
  const DotKernels& kernels = SelectDotKernels();
  int32_t dotsInt[kBlock];
  float dots[kBlock];
  for (size_t start = begin; start < end; start += kBlock) {
    const size_t n = std::min(kBlock, end - start);
    switch (encoding_) {
      case Encoding::kInt8:
        kernels.int8(int8_.data() + start * dim_, n, dim_, query16, dotsInt);
        for (size_t i = 0; i < n; ++i) dots[i] = float(dotsInt[i]) * queryScale * scales_[start + i];
        break;
      case Encoding::kFloat16: kernels.float16(float16_.data() + start * dim_, n, dim_, query, dots); break;
      case Encoding::kFloat32: kernels.float32(float32_.data() + start * dim_, n, dim_, query, dots); break;
    }
    for (size_t i = 0; i < n; ++i) {
      const float norm = norms_[start + i];
      if (norm == kEmpty) continue;
      const float squared = std::max(0.0f, queryNorm + norm - 2.0f * dots[i]);
      if (best.size() < size_t(k) || squared < best.front().distance) Offer(best, size_t(k), {squared, int32_t(start + i)});
    }
  }
}

std::vector<Candidate> TemplateIndex::Search(const float* query, int k, int threads) const {
  std::shared_lock lock(mutex_);
  double norm = 0;
  float largest = 0;
  for (int j = 0; j < dim_; ++j) {
    norm += double(query[j]) * query[j];
    largest = std::max(largest, std::fabs(query[j]));
  }
  // The int8 kernel takes the query as int16: 15 bits keep its own rounding far below the templates' 7.
  std::vector<int16_t> query16;
  float queryScale = 1.0f;
  if (encoding_ == Encoding::kInt8) {
    queryScale = largest > 0 ? largest / 32767.0f : 1.0f;
    query16.resize(dim_);
    for (int j = 0; j < dim_; ++j) query16[j] = int16_t(std::clamp(std::lround(query[j] / queryScale), -32767L, 32767L));
  }
  const size_t total = slots_;
  const size_t workers = std::max<size_t>(1, std::min<size_t>(size_t(threads), (total + kBlock - 1) / kBlock));
  std::vector<std::vector<Candidate>> best(workers);
  for (auto& part : best) part.reserve(size_t(k));  // here, so nothing a helper thread runs allocates
  auto scan = [&](size_t w) {
    // Contiguous ranges on block boundaries: each thread streams its own part of memory.
    const size_t blocks = (total + kBlock - 1) / kBlock;
    const size_t from = std::min(total, blocks * w / workers * kBlock);
    const size_t to = std::min(total, blocks * (w + 1) / workers * kBlock);
    ScanRange(query, query16.data(), queryScale, float(norm), from, to, k, best[w]);
  };
  std::vector<std::thread> helpers;
  helpers.reserve(workers - 1);
  try {
    for (size_t w = 1; w < workers; ++w) helpers.emplace_back(scan, w);
    scan(0);
  } catch (...) {
    for (auto& t : helpers) t.join();
    throw;
  }
  for (auto& t : helpers) t.join();
  std::vector<Candidate> merged;
  for (auto& part : best) merged.insert(merged.end(), part.begin(), part.end());
  std::sort(merged.begin(), merged.end(), Nearer);
  if (merged.size() > size_t(k)) merged.resize(size_t(k));
  for (auto& c : merged) c.distance = std::sqrt(c.distance);
  return merged;
}

TemplateIndex::Info TemplateIndex::Describe() const {
  std::shared_lock lock(mutex_);
  const size_t capacity = norms_.size();
  const size_t perTemplate = sizeof(float) + (encoding_ == Encoding::kInt8 ? dim_ + sizeof(float)
                                            : encoding_ == Encoding::kFloat16 ? dim_ * sizeof(uint16_t) : dim_ * sizeof(float));
  return {dim_, encoding_, slots_, live_, capacity, perTemplate, perTemplate * capacity, SelectDotKernels().name};
}

}  // namespace proofgate::search
