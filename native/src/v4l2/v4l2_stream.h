// One V4L2 capture device streamed through mmap buffers (the uvcvideo driver serves a RealSense D4xx's
// depth node as V4L2_PIX_FMT_Z16 and its colour node as YUYV): open, VIDIOC_QUERYCAP, VIDIOC_S_FMT,
// REQBUFS + mmap, STREAMON, DQBUF with a poll() timeout, STREAMOFF. Plain C++ over the kernel API, run
// on the worker thread; the format, sizes, counts and timeouts arrive validated from TypeScript.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace proofgate::v4l2 {

struct StreamRequest {
  std::string device;
  uint32_t fourcc = 0;
  uint32_t width = 0;
  uint32_t height = 0;
  int warmupFrames = 0;
  int frames = 1;
  int intervalMs = 0;  // least time between two kept frames
  int timeoutMs = 0;   // longest wait for any one frame
  size_t maxFrameBytes = 0;
};

struct Frame {
  std::vector<uint8_t> data;
  uint32_t sequence = 0;
  int64_t timestampUs = 0;  // CLOCK_MONOTONIC, as the driver stamped it
};

struct StreamResult {
  std::string driver;
  std::string card;
  std::string busInfo;
  uint32_t width = 0;
  uint32_t height = 0;
  uint32_t bytesPerLine = 0;
  std::vector<Frame> frames;
};

struct DeviceInfo {
  std::string driver;
  std::string card;
  std::string busInfo;
  std::vector<std::string> formats;  // fourcc codes the node offers (VIDIOC_ENUM_FMT)
};

// Throws NativeError with ERR_V4L2_{UNPLUGGED,ACCESS,BUSY,NOT_CAPTURE,FORMAT,TIMEOUT,REMOVED,CORRUPT,IO}.
StreamResult Capture(const StreamRequest& request);
DeviceInfo Probe(const std::string& device);

}  // namespace proofgate::v4l2
