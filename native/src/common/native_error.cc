#include "common/native_error.h"

#include <opencv2/core.hpp>

namespace proofgate {

CaughtError ClassifyCurrentException() {
  try {
    throw;
  } catch (const NativeError& e) {
    return {e.code(), e.what()};
  } catch (const cv::Exception& e) {
    return {"ERR_NATIVE_OPENCV", e.err.empty() ? std::string(e.what()) : e.err};
  } catch (const std::bad_alloc&) {
    return {"ERR_NATIVE_OUT_OF_MEMORY", "native allocation failed"};
  } catch (const std::exception& e) {
    return {"ERR_NATIVE_INTERNAL", e.what()};
  } catch (...) {
    return {"ERR_NATIVE_INTERNAL", "unknown native exception"};
  }
}

Napi::Error MakeCodedError(Napi::Env env, const std::string& code, const std::string& message) {
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  return error;
}

Napi::TypeError MakeArgumentError(Napi::Env env, const std::string& message) {
  Napi::TypeError error = Napi::TypeError::New(env, message);
  error.Set("code", Napi::String::New(env, kArgumentCode));
  return error;
}

}  // namespace proofgate
