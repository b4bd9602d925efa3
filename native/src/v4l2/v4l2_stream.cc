#include "v4l2/v4l2_stream.h"

#include <fcntl.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "common/native_error.h"

namespace proofgate::v4l2 {
namespace {

std::string FourccText(uint32_t f) {
  return std::string{static_cast<char>(f & 0xff), static_cast<char>((f >> 8) & 0xff), static_cast<char>((f >> 16) & 0xff), static_cast<char>((f >> 24) & 0xff)};
}

int Xioctl(int fd, unsigned long request, void* arg) {
  int r;
  do r = ioctl(fd, request, arg);
  while (r == -1 && errno == EINTR);
  return r;
}

[[noreturn]] void Fail(const std::string& code, const std::string& what) {
  throw NativeError(code, what + ": " + std::strerror(errno));
}

// errno of a failed call on a device that was streaming: ENODEV/EIO mean the device went away.
[[noreturn]] void FailStreaming(const std::string& device, const char* call) {
  const bool gone = errno == ENODEV || errno == EIO || errno == ENXIO;
  Fail(gone ? "ERR_V4L2_REMOVED" : "ERR_V4L2_IO", device + ": " + call);
}

class Fd {
 public:
  explicit Fd(const std::string& device) {
    fd_ = open(device.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd_ < 0) {
      const char* code = errno == ENOENT || errno == ENODEV || errno == ENXIO ? "ERR_V4L2_UNPLUGGED"
                         : errno == EACCES || errno == EPERM                  ? "ERR_V4L2_ACCESS"
                         : errno == EBUSY                                     ? "ERR_V4L2_BUSY"
                                                                              : "ERR_V4L2_IO";
      Fail(code, "cannot open " + device);
    }
  }
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_ = -1;
};

struct Mapping {
  void* start = MAP_FAILED;
  size_t length = 0;
};

// The mmap'd buffers and the stream: STREAMOFF and munmap on every exit path.
class Stream {
 public:
  Stream(int fd, const std::string& device) : fd_(fd), device_(device) {}
  ~Stream() {
    if (streaming_) {
      v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
      Xioctl(fd_, VIDIOC_STREAMOFF, &type);
    }
    for (auto& m : maps_)
      if (m.start != MAP_FAILED) munmap(m.start, m.length);
    if (requested_) {
      v4l2_requestbuffers release{};
      release.count = 0;
      release.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
      release.memory = V4L2_MEMORY_MMAP;
      Xioctl(fd_, VIDIOC_REQBUFS, &release);
    }
  }

  void Start(unsigned count) {
    v4l2_requestbuffers req{};
    req.count = count;
    req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    req.memory = V4L2_MEMORY_MMAP;
    if (Xioctl(fd_, VIDIOC_REQBUFS, &req) == -1) Fail(errno == EBUSY ? "ERR_V4L2_BUSY" : "ERR_V4L2_IO", device_ + ": VIDIOC_REQBUFS");
    requested_ = true;
    if (req.count < 2) throw NativeError("ERR_V4L2_IO", device_ + ": the driver granted fewer than 2 buffers");
    maps_.resize(req.count);
    for (unsigned i = 0; i < req.count; ++i) {
      v4l2_buffer buf{};
      buf.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
      buf.memory = V4L2_MEMORY_MMAP;
      buf.index = i;
      if (Xioctl(fd_, VIDIOC_QUERYBUF, &buf) == -1) FailStreaming(device_, "VIDIOC_QUERYBUF");
      maps_[i].length = buf.length;
      maps_[i].start = mmap(nullptr, buf.length, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, buf.m.offset);
      if (maps_[i].start == MAP_FAILED) Fail("ERR_V4L2_IO", device_ + ": mmap");
      if (Xioctl(fd_, VIDIOC_QBUF, &buf) == -1) FailStreaming(device_, "VIDIOC_QBUF");
    }
    v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    if (Xioctl(fd_, VIDIOC_STREAMON, &type) == -1) FailStreaming(device_, "VIDIOC_STREAMON");
    streaming_ = true;
  }

  // Waits up to timeoutMs for the next filled buffer, copies at most maxBytes of it, requeues it.
  Frame Next(int timeoutMs, size_t expectedBytes, size_t maxBytes) {
    pollfd p{fd_, POLLIN, 0};
    int r;
    do r = poll(&p, 1, timeoutMs);
    while (r == -1 && errno == EINTR);
    if (r == 0) throw NativeError("ERR_V4L2_TIMEOUT", device_ + ": no frame within " + std::to_string(timeoutMs) + " ms");
    if (r < 0) FailStreaming(device_, "poll");
    if (p.revents & (POLLERR | POLLHUP | POLLNVAL)) throw NativeError("ERR_V4L2_REMOVED", device_ + ": the device stopped streaming (unplugged?)");
    v4l2_buffer buf{};
    buf.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    buf.memory = V4L2_MEMORY_MMAP;
    if (Xioctl(fd_, VIDIOC_DQBUF, &buf) == -1) FailStreaming(device_, "VIDIOC_DQBUF");
    Frame frame;
    frame.sequence = buf.sequence;
    frame.timestampUs = static_cast<int64_t>(buf.timestamp.tv_sec) * 1000000 + buf.timestamp.tv_usec;
    const bool damaged = (buf.flags & V4L2_BUF_FLAG_ERROR) != 0;
    const size_t used = buf.bytesused;
    if (!damaged && buf.index < maps_.size() && used <= maps_[buf.index].length && used <= maxBytes) {
      const auto* start = static_cast<const uint8_t*>(maps_[buf.index].start);
      frame.data.assign(start, start + used);
    }
    if (Xioctl(fd_, VIDIOC_QBUF, &buf) == -1) FailStreaming(device_, "VIDIOC_QBUF");
    // A short or flagged buffer is reported, not passed on: TypeScript never sees a partial frame.
    if (damaged || frame.data.size() != expectedBytes) {
      throw NativeError("ERR_V4L2_CORRUPT", device_ + ": frame " + std::to_string(buf.sequence) + " holds " + std::to_string(used) + " bytes, " +
                                                 std::to_string(expectedBytes) + " expected" + (damaged ? " (flagged damaged by the driver)" : ""));
    }
    return frame;
  }

 private:
  int fd_;
  std::string device_;
  std::vector<Mapping> maps_;
  bool requested_ = false;
  bool streaming_ = false;
};

v4l2_capability QueryCapture(int fd, const std::string& device) {
  v4l2_capability cap{};
  if (Xioctl(fd, VIDIOC_QUERYCAP, &cap) == -1) Fail(errno == ENOTTY ? "ERR_V4L2_NOT_CAPTURE" : "ERR_V4L2_IO", device + ": VIDIOC_QUERYCAP");
  const uint32_t caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities;
  if (!(caps & V4L2_CAP_VIDEO_CAPTURE) || !(caps & V4L2_CAP_STREAMING)) {
    throw NativeError("ERR_V4L2_NOT_CAPTURE", device + " is not a streaming video capture node (a metadata node?)");
  }
  return cap;
}

std::string Text(const uint8_t* s, size_t n) { return std::string(reinterpret_cast<const char*>(s), strnlen(reinterpret_cast<const char*>(s), n)); }

}  // namespace

DeviceInfo Probe(const std::string& device) {
  Fd fd(device);
  const v4l2_capability cap = QueryCapture(fd.get(), device);
  DeviceInfo info{Text(cap.driver, sizeof cap.driver), Text(cap.card, sizeof cap.card), Text(cap.bus_info, sizeof cap.bus_info), {}};
  for (uint32_t i = 0; i < 64; ++i) {
    v4l2_fmtdesc desc{};
    desc.index = i;
    desc.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    if (Xioctl(fd.get(), VIDIOC_ENUM_FMT, &desc) == -1) break;
    info.formats.push_back(FourccText(desc.pixelformat));
  }
  return info;
}

StreamResult Capture(const StreamRequest& request) {
  Fd fd(request.device);
  const v4l2_capability cap = QueryCapture(fd.get(), request.device);
  v4l2_format fmt{};
  fmt.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  fmt.fmt.pix.width = request.width;
  fmt.fmt.pix.height = request.height;
  fmt.fmt.pix.pixelformat = request.fourcc;
  fmt.fmt.pix.field = V4L2_FIELD_NONE;
  if (Xioctl(fd.get(), VIDIOC_S_FMT, &fmt) == -1) Fail(errno == EBUSY ? "ERR_V4L2_BUSY" : "ERR_V4L2_FORMAT", request.device + ": VIDIOC_S_FMT");
  // The driver answers with the nearest format it has; anything else than what was asked is refused.
  if (fmt.fmt.pix.pixelformat != request.fourcc || fmt.fmt.pix.width != request.width || fmt.fmt.pix.height != request.height) {
    throw NativeError("ERR_V4L2_FORMAT", request.device + " offers " + FourccText(fmt.fmt.pix.pixelformat) + " " + std::to_string(fmt.fmt.pix.width) + "x" +
                                             std::to_string(fmt.fmt.pix.height) + ", not " + FourccText(request.fourcc) + " " + std::to_string(request.width) + "x" +
                                             std::to_string(request.height));
  }
  const size_t bytesPerPixel = 2;  // Z16 and YUYV alike
  const size_t expected = static_cast<size_t>(request.width) * request.height * bytesPerPixel;
  if (fmt.fmt.pix.bytesperline != request.width * bytesPerPixel) {
    throw NativeError("ERR_V4L2_FORMAT", request.device + ": padded rows (" + std::to_string(fmt.fmt.pix.bytesperline) + " bytes per line) are not supported");
  }
  StreamResult result{Text(cap.driver, sizeof cap.driver), Text(cap.card, sizeof cap.card), Text(cap.bus_info, sizeof cap.bus_info), fmt.fmt.pix.width,
                      fmt.fmt.pix.height, fmt.fmt.pix.bytesperline, {}};
  Stream stream(fd.get(), request.device);
  stream.Start(4);
  for (int i = 0; i < request.warmupFrames; ++i) stream.Next(request.timeoutMs, expected, request.maxFrameBytes);
  auto last = std::chrono::steady_clock::now() - std::chrono::hours(1);
  while (static_cast<int>(result.frames.size()) < request.frames) {
    Frame frame = stream.Next(request.timeoutMs, expected, request.maxFrameBytes);
    const auto now = std::chrono::steady_clock::now();
    if (now - last < std::chrono::milliseconds(request.intervalMs)) continue;  // keep one frame per interval
    last = now;
    result.frames.push_back(std::move(frame));
  }
  return result;
}

}  // namespace proofgate::v4l2
