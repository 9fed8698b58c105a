// Reading and writing a Linux TAP descriptor opened with IFF_VNET_HDR: every frame crosses behind a
// 12-byte virtio-net header. Reads hand out ordinary Ethernet frames (super-frames are split,
// partial checksums completed: offload.h); batch writes coalesce TCP segments into super-frames.
// With the offloads off the headers are all zero and frames pass as they are.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "backend.h"
#include "offload.h"

namespace kith {

class VnetIo {
 public:
  VnetIo();
  // TUNSETVNETHDRSZ 12 on a descriptor attached with IFF_VNET_HDR; false if the kernel refuses.
  static bool SetHeaderSize(int fd);
  // Turns every offload off: also for a plain descriptor, since offloads outlive their reader on a
  // persistent device (a reader that crashed leaves them on, and the kernel would then hand a
  // plain reader 64 KiB super-frames without a header saying so).
  static void ClearOffload(int fd);
  // Asks for checksum and segmentation offload (TSO4/6 with ECN, then USO4/6), settling for what
  // the kernel takes, or turns all offloads off. Returns the TUN_F_* flags in force.
  unsigned SetOffload(int fd, bool on);

  long Read(int fd, uint8_t* buf, size_t cap, SysError* err);
  bool Pending() const { return split_.Pending(); }
  bool Write(int fd, const uint8_t* frame, size_t len, SysError* err);
  WriteTally WriteFrames(int fd, const uint8_t* const* frames, const size_t* lens, uint32_t count, SysError* err);
  const OffloadStats& Stats() const { return stats_; }

 private:
  // One writev; true if the kernel took it, false with err->code == 0 for a drop.
  bool Send(int fd, const struct iovec* iov, int n, size_t bytes, SysError* err);

  std::unique_ptr<uint8_t[]> in_;  // one read: header + the largest frame
  offload::Splitter split_;
  std::unique_ptr<offload::Coalescer> coalescer_;
  OffloadStats stats_;
};

}  // namespace kith
