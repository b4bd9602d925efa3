#include "face/external_forward.h"

#include <atomic>
#include <cstring>
#include <future>
#include <memory>

#include "common/native_error.h"
#include "face/face_codes.h"

namespace proofgate::face {
namespace {

struct ForwardRequest {
  cv::Mat input;  // continuous CV_32F; the worker waits, so it stays valid until settled
  std::vector<std::string> names;
  std::string model;
  std::promise<std::vector<cv::Mat>> result;
  std::atomic<bool> settled{false};

  // Settles once: a second done() (a caller's bug) is ignored rather than touching a finished request.
  void Fail(const std::string& message) {
    if (settled.exchange(true)) return;
    result.set_exception(std::make_exception_ptr(NativeError(face_codes::kModelOutput, model + ": " + message)));
  }
  void Succeed(std::vector<cv::Mat> outputs) {
    if (settled.exchange(true)) return;
    result.set_value(std::move(outputs));
  }
};

using RequestRef = std::shared_ptr<ForwardRequest>;

std::vector<cv::Mat> ReadOutputs(const Napi::Value& value, size_t expected) {
  if (!value.IsArray()) throw std::runtime_error("outputs are not an array");
  Napi::Array array = value.As<Napi::Array>();
  if (array.Length() != expected) throw std::runtime_error("returned " + std::to_string(array.Length()) + " outputs, expected " + std::to_string(expected));
  std::vector<cv::Mat> outputs;
  for (uint32_t i = 0; i < array.Length(); ++i) {
    Napi::Value item = array.Get(i);
    if (!item.IsTypedArray() || item.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
      throw std::runtime_error("output " + std::to_string(i) + " is not a Float32Array");
    }
    Napi::Float32Array data = item.As<Napi::Float32Array>();
    cv::Mat copy(1, static_cast<int>(data.ElementLength()), CV_32F);
    if (data.ElementLength() > 0) std::memcpy(copy.ptr<float>(), data.Data(), data.ElementLength() * sizeof(float));
    outputs.push_back(copy);
  }
  return outputs;
}

// Main thread: start the JavaScript run for one request.
void StartRun(Napi::Env env, Napi::Function run, RequestRef* data) {
  RequestRef request = std::move(*data);
  delete data;
  if (env == nullptr) {  // the function is being torn down with the environment
    request->Fail("the JavaScript environment is shutting down");
    return;
  }
  try {
    Napi::Float32Array input = Napi::Float32Array::New(env, request->input.total());
    std::memcpy(input.Data(), request->input.ptr<float>(), request->input.total() * sizeof(float));
    // The JavaScript copy is all the run needs. Drop this request's share of the worker's blob now: the
    // request lives on in `done` below until V8 collects that function, and V8 cannot see native memory,
    // so every pass's 256x256x3 blob would stay allocated until a collection happened to come.
    request->input.release();
    Napi::Array names = Napi::Array::New(env, request->names.size());
    for (uint32_t i = 0; i < request->names.size(); ++i) names.Set(i, Napi::String::New(env, request->names[i]));
    Napi::Function done = Napi::Function::New(env, [request](const Napi::CallbackInfo& info) {
      if (info.Length() > 0 && !info[0].IsNull() && !info[0].IsUndefined()) {
        Napi::Value error = info[0];
        std::string message = error.IsObject() ? error.As<Napi::Object>().Get("message").ToString().Utf8Value() : error.ToString().Utf8Value();
        request->Fail(message);
        return;
      }
      try {
        request->Succeed(ReadOutputs(info.Length() > 1 ? info[1] : info.Env().Undefined(), request->names.size()));
      } catch (const std::exception& e) {
        request->Fail(e.what());
      }
    });
    run.Call({input, names, done});
  } catch (const Napi::Error& e) {
    request->Fail(e.Message());
  }
}

}  // namespace

ExternalForward::ExternalForward(Napi::Env env, Napi::Function run, const char* name)
    : tsfn_(Napi::ThreadSafeFunction::New(env, run, name, 0, 1)), name_(name) {}

ExternalForward::~ExternalForward() { tsfn_.Release(); }

std::vector<cv::Mat> ExternalForward::operator()(const cv::Mat& input, const std::vector<std::string>& outputNames) const {
  CV_Assert(input.type() == CV_32F && input.isContinuous());
  auto request = std::make_shared<ForwardRequest>();
  request->input = input;
  request->names = outputNames;
  request->model = name_;
  std::future<std::vector<cv::Mat>> outputs = request->result.get_future();
  auto* ref = new RequestRef(request);
  if (tsfn_.BlockingCall(ref, StartRun) != napi_ok) {
    delete ref;
    throw NativeError(face_codes::kModelOutput, name_ + ": the JavaScript environment is shutting down");
  }
  return outputs.get();
}

}  // namespace proofgate::face
