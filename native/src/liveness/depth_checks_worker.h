// livenessDepthChecks(frame, options) -> Promise<report>: the depth checks on the libuv pool.
// frame: {depth: Buffer (uint16 LE) | depthPng: Buffer (16-bit grey PNG, decoded in the worker),
//         width, height, depthUnitMm, fx, fy, cx, cy, landmarks: Float32Array, landmarkStride,
//         ir?: Buffer + irBits | irPng?: Buffer (8/16-bit grey PNG)}
// options: {roles, params, bounds} as built by src/liveness/native-depth-checks.ts.
#pragma once
#include <napi.h>

namespace proofgate::liveness {
Napi::Value DepthChecksAsync(const Napi::CallbackInfo& info);
}  // namespace proofgate::liveness
