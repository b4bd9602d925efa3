// passivePadLoad(modelBytes, spec) -> Promise<{handle, output}>: reads and dry-runs the network on the
// libuv pool. modelBytes: the file as TypeScript read and checked it (kept referenced while loading).
// spec: {label, input {width, height, mean, std, channelOrder}, output ('' = the only output),
// outputSize, cropScale, squareCrop}. `output` in the answer is the output name actually used.
#include <memory>

#include "common/baton_worker.h"
#include "common/js_args.h"
#include "common/registry.h"
#include "face/face_js_options.h"
#include "liveness/passive_pad_handle.h"
#include "liveness/passive_pad_model.h"

namespace proofgate {
namespace {

struct LoadPassivePadBaton {
  liveness::PassivePadSpec spec;
  std::shared_ptr<liveness::PassivePadModel> model;

  void Compute() {
    model = std::make_shared<liveness::PassivePadModel>(spec);
    spec.modelBytes = nullptr;  // the Buffer is released when the worker settles
  }

  Napi::Value ToJs(Napi::Env env) {
    Napi::Object out = Napi::Object::New(env);
    out.Set("output", Napi::String::New(env, model->outputName()));
    out.Set("handle", liveness::WrapPassivePad(env, std::move(model)));
    return out;
  }
};

}  // namespace

Napi::Value PassivePadLoad(const Napi::CallbackInfo& info) {
  const js::Args args(info, "passivePadLoad", 2);
  auto baton = std::make_unique<LoadPassivePadBaton>();
  Napi::Buffer<uint8_t> bytes = args.Buffer(0);
  const js::Options spec(args, 1, "spec");
  baton->spec.label = spec.String("label");
  baton->spec.modelBytes = bytes.Data();
  baton->spec.modelSize = bytes.Length();
  baton->spec.input = face::ReadInputSpec(spec.Object("input"));
  baton->spec.output = spec.String("output");
  baton->spec.outputSize = spec.Int("outputSize");
  baton->spec.cropScale = spec.Number("cropScale");
  baton->spec.squareCrop = spec.Boolean("squareCrop");
  return BatonWorker<LoadPassivePadBaton>::Queue(info.Env(), "proofgate:passivePadLoad", std::move(baton), {bytes});
}

}  // namespace proofgate
