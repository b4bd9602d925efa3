// Stable error codes raised by the face pipeline. src/biometrics/face-errors.ts maps each one (through src/native/call-native.ts) to a
// ProofgateError; a new code here needs a line there.
#pragma once

namespace proofgate::face_codes {
inline constexpr const char* kImageEmpty = "ERR_IMAGE_EMPTY";              // zero bytes
inline constexpr const char* kImageUnsupported = "ERR_IMAGE_UNSUPPORTED";  // not JPEG, PNG or WebP
inline constexpr const char* kImageDecode = "ERR_IMAGE_DECODE";            // header or pixel data invalid
inline constexpr const char* kImageTruncated = "ERR_IMAGE_TRUNCATED";      // data ends early
inline constexpr const char* kImageTooLarge = "ERR_IMAGE_TOO_LARGE";       // over the pixel limit
inline constexpr const char* kModelLoad = "ERR_MODEL_LOAD";                // file missing or not loadable
inline constexpr const char* kModelOutput = "ERR_MODEL_OUTPUT";            // outputs not the declared shape
inline constexpr const char* kEngineClosed = "ERR_ENGINE_CLOSED";          // used after close()
}  // namespace proofgate::face_codes
