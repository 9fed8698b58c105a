// The per-OS half of the TAP addon. addon.cc owns everything JavaScript sees (batching, stats,
// errors, lifetime); a Backend only opens the device, says when frames are ready, and moves bytes.
#pragma once

#include <uv.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <string>

namespace kith {

// A failed system call: the platform error (errno, or GetLastError() on Windows) and its name.
struct SysError {
  int code = 0;                    // 0 means success
  const char* syscall = nullptr;   // e.g. "TUNSETIFF", "ReadFile"
  explicit operator bool() const { return code != 0; }
};

struct OpenOptions {
  std::string name;  // may be empty: the OS picks one (only when creating)
  bool create = false;
  bool offload = false;  // segmentation offload where the OS has it (Linux: IFF_VNET_HDR)
};

// What a batch write did, frame by frame.
struct WriteTally {
  uint32_t written = 0;
  uint32_t dropped = 0;  // the device could not take them right now
  uint32_t failed = 0;   // a system call failed (see the error)
  double bytes = 0;
};

// The offload path's counters (Linux TAPs with IFF_VNET_HDR); all zero elsewhere.
struct OffloadStats {
  unsigned flags = 0;  // TUN_F_* offloads the kernel accepted; 0: off
  double superFramesRead = 0, segmentsRead = 0, superFramesWritten = 0, segmentsCoalesced = 0, badFrames = 0;
};

// Read() results other than a frame length.
constexpr long kNoFrame = 0;  // nothing pending right now (EAGAIN)
constexpr long kFailed = -1;  // *err says why

class Backend {
 public:
  virtual ~Backend() = default;
  // Starts readiness notifications on `loop`; `ready(arg)` then runs on the loop thread whenever
  // at least one frame may be waiting. Called once.
  virtual SysError Start(uv_loop_t* loop, void (*ready)(void*), void* arg) = 0;
  // Reads one whole frame into buf (cap is always >= the largest possible frame).
  virtual long Read(uint8_t* buf, size_t cap, SysError* err) = 0;
  // Writes one frame. Returns false with err->code == 0 when the frame was dropped because the
  // device could not take it right now (EAGAIN/ENOBUFS and friends).
  virtual bool Write(const uint8_t* buf, size_t len, SysError* err) = 0;
  // Writes frames[0, count) in order (a backend may merge them, see offload.h); *err is the first
  // failed system call.
  virtual WriteTally WriteFrames(const uint8_t* const* frames, const size_t* lens, uint32_t count, SysError* err) {
    WriteTally t;
    for (uint32_t i = 0; i < count; i++) {
      SysError e;
      if (Write(frames[i], lens[i], &e)) {
        t.written++;
        t.bytes += static_cast<double>(lens[i]);
      } else if (e) {
        t.failed++;
        if (!*err) *err = e;
      } else {
        t.dropped++;
      }
    }
    return t;
  }
  // Frames still held from an earlier read (the rest of a split super-frame): the reader keeps
  // going while there are, since the device will not signal them.
  virtual bool Pending() const { return false; }
  // Turns segmentation offload on or off where the device allows it; returns the TUN_F_* flags
  // now in force (0: off or not available).
  virtual unsigned SetOffload(bool on) {
    (void)on;
    return 0;
  }
  virtual OffloadStats Offload() const { return {}; }
  virtual SysError GetMac(uint8_t mac[6]) = 0;
  virtual SysError SetMac(const uint8_t mac[6]) = 0;
  virtual SysError GetMtu(int* mtu) = 0;
  virtual SysError SetMtu(int mtu) = 0;
  // Host-side IPv4 address (network byte order). Only Windows has one here: TAP-Windows6's DHCP
  // masquerade, which needs no elevation. Elsewhere kith-tap, the agent or ip set the address.
  virtual SysError SetIpv4(uint32_t /*addr*/, uint32_t /*mask*/) { return SysError{ENOTSUP, "SetIpv4"}; }
  virtual std::string Name() const = 0;
  virtual unsigned IfIndex() const = 0;
  // Stops notifications and releases the device. Idempotent; loop thread only.
  virtual void Close() = 0;
};

// Implemented once per OS (tap_linux.cc, tap_freebsd.cc, tap_macos.cc, tap_win.cc).
Backend* OpenBackend(const OpenOptions& opts, SysError* err);

#ifndef _WIN32
// Takes over a descriptor some other process opened on the device (kith-tap serve hands it over
// a unix socket): checks it is what `name` says (where the OS can tell) and makes it
// non-blocking. On failure the descriptor is closed. Linux, FreeBSD, macOS.
Backend* AdoptBackend(int fd, const std::string& name, SysError* err);
#endif

// Largest frame any backend hands out: 64 KiB MTU + Ethernet + VLAN headers, rounded up.
constexpr size_t kMaxFrame = 65536 + 64;

}  // namespace kith
