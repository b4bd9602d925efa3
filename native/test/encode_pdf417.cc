// encodePdf417(payload, {width, height, margin, moduleScale}) -> Promise<Buffer>: a PNG of a PDF417
// symbol carrying `payload`, for the barcode tests and benchmark.
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <memory>
#include <string>
#include <vector>

#include "common/baton_worker.h"
#include "common/js_args.h"
#include "common/native_error.h"
#include "document/document_image.h"
#include "pdf417_writer.h"
#include "test_exports.h"

namespace proofgate::testing {
namespace {

struct EncodePdf417Baton {
  std::string payload;
  int width = 0, height = 0, margin = 0, moduleScale = 0;
  std::vector<uint8_t> png;

  void Compute() {
    // zxing-cpp 1.4's writer takes UTF-8 and does not round-trip Latin-1 bytes; AAMVA payloads
    // are ASCII, so the test encoder accepts ASCII only.
    for (unsigned char c : payload) {
      if (c >= 0x80) throw NativeError("ERR_BARCODE_ENCODE", "the test PDF417 encoder takes ASCII payloads only");
    }
    cv::Mat symbol = testing::EncodePdf417(payload, width, height, margin);
    if (moduleScale > 1) cv::resize(symbol, symbol, cv::Size(), moduleScale, moduleScale, cv::INTER_NEAREST);
    cv::imencode(".png", symbol, png);
  }

  Napi::Value ToJs(Napi::Env env) { return document::BytesToJs(env, png); }
};

}  // namespace

Napi::Value EncodePdf417(const Napi::CallbackInfo& info) {
  const js::Args args(info, "encodePdf417", 2);
  auto baton = std::make_unique<EncodePdf417Baton>();
  Napi::Buffer<uint8_t> payload = args.Buffer(0);
  baton->payload.assign(reinterpret_cast<const char*>(payload.Data()), payload.Length());
  const js::Options options(args, 1, "options");
  baton->width = options.Int("width");
  baton->height = options.Int("height");
  baton->margin = options.Int("margin");
  baton->moduleScale = options.Int("moduleScale");
  return BatonWorker<EncodePdf417Baton>::Queue(info.Env(), "proofgate:test:encodePdf417", std::move(baton));
}

}  // namespace proofgate::testing
