// A TAP descriptor with IFF_VNET_HDR: see vnet_linux.h.
#include "vnet_linux.h"

#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace kith {
namespace {

// Newer than some distributions' headers (Linux 6.2).
#ifndef TUN_F_USO4
#define TUN_F_USO4 0x20
#endif
#ifndef TUN_F_USO6
#define TUN_F_USO6 0x40
#endif

constexpr size_t kReadBytes = offload::kVnetHdrLen + kMaxFrame;
constexpr int kMaxReadTries = 8;  // EINTR and malformed frames, per call
constexpr uint32_t kMaxWriteBatch = 1024;  // frames planned together

bool IsDrop(int e) { return e == EAGAIN || e == EWOULDBLOCK || e == ENOBUFS || e == EIO || e == EINTR; }

}  // namespace

VnetIo::VnetIo() : in_(new uint8_t[kReadBytes]) {}

bool VnetIo::SetHeaderSize(int fd) {
  int size = static_cast<int>(offload::kVnetHdrLen);
  return ioctl(fd, TUNSETVNETHDRSZ, &size) == 0;
}

void VnetIo::ClearOffload(int fd) { ioctl(fd, TUNSETOFFLOAD, 0UL); }

unsigned VnetIo::SetOffload(int fd, bool on) {
  stats_.flags = 0;
  if (!on) {
    ClearOffload(fd);
    return 0;
  }
  // The kernel takes USO4 and USO6 only together (Linux 6.2+); TSO_ECN since 2.6.
  const unsigned wanted[] = {
      TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN | TUN_F_USO4 | TUN_F_USO6,
      TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN,
      TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6,
      TUN_F_CSUM,
  };
  for (unsigned flags : wanted) {
    if (ioctl(fd, TUNSETOFFLOAD, static_cast<unsigned long>(flags)) == 0) {
      stats_.flags = flags;
      return flags;
    }
  }
  return 0;
}

long VnetIo::Read(int fd, uint8_t* buf, size_t cap, SysError* err) {
  for (int tries = 0; tries < kMaxReadTries; tries++) {
    if (split_.Pending()) return static_cast<long>(split_.Next(buf, cap));
    ssize_t n = read(fd, in_.get(), kReadBytes);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return kNoFrame;
      *err = SysError{errno, "read"};
      return kFailed;
    }
    if (n == 0) return kNoFrame;
    // A frame filling the whole buffer may have been cut short: no valid one is that large.
    if (static_cast<size_t>(n) < offload::kVnetHdrLen + 14 || static_cast<size_t>(n) == kReadBytes) {
      stats_.badFrames++;
      continue;
    }
    offload::VnetHdr hdr = offload::ReadVnetHdr(in_.get());
    if (split_.Begin(in_.get() + offload::kVnetHdrLen, static_cast<size_t>(n) - offload::kVnetHdrLen, hdr) != offload::FrameError::kNone) {
      stats_.badFrames++;
      continue;
    }
    if (split_.IsSuper()) {
      stats_.superFramesRead++;
      stats_.segmentsRead += split_.Segments();
    }
  }
  return kNoFrame;
}

bool VnetIo::Send(int fd, const iovec* iov, int n, size_t bytes, SysError* err) {
  ssize_t w = writev(fd, iov, n);
  if (w == static_cast<ssize_t>(bytes)) return true;
  *err = w >= 0 || IsDrop(errno) ? SysError{} : SysError{errno, "writev"};
  return false;
}

bool VnetIo::Write(int fd, const uint8_t* frame, size_t len, SysError* err) {
  static const uint8_t kPlain[offload::kVnetHdrLen] = {};
  iovec iov[2] = {{const_cast<uint8_t*>(kPlain), sizeof kPlain}, {const_cast<uint8_t*>(frame), len}};
  return Send(fd, iov, 2, sizeof kPlain + len, err);
}

WriteTally VnetIo::WriteFrames(int fd, const uint8_t* const* frames, const size_t* lens, uint32_t count, SysError* err) {
  using offload::Coalescer;
  WriteTally t;
  if (!coalescer_) coalescer_ = std::make_unique<Coalescer>(kMaxWriteBatch);
  Coalescer& c = *coalescer_;
  iovec iov[1 + Coalescer::kMaxSegments];
  Coalescer::Chunk pieces[Coalescer::kMaxSegments];
  uint32_t members[Coalescer::kMaxSegments];
  auto tally = [&](bool ok, const SysError& e, uint32_t frames, double bytes) {
    if (ok) {
      t.written += frames;
      t.bytes += bytes;
    } else if (e) {
      t.failed += frames;
      if (!*err) *err = e;
    } else {
      t.dropped += frames;
    }
  };
  for (uint32_t done = 0; done < count;) {
    uint32_t chunk = std::min(count - done, kMaxWriteBatch);
    c.Plan(frames + done, lens + done, chunk);
    for (uint32_t k = 0; k < c.ItemCount(); k++) {
      const Coalescer::Item& item = c.ItemAt(k);
      uint32_t n = c.Chunks(k, pieces);
      iov[0] = {const_cast<uint8_t*>(item.headers), item.headerLen};
      for (uint32_t j = 0; j < n; j++) iov[1 + j] = {const_cast<uint8_t*>(pieces[j].data), pieces[j].len};
      SysError e;
      bool ok = Send(fd, iov, static_cast<int>(1 + n), c.ItemBytes(k), &e);
      if (ok && item.segments > 1) {
        stats_.superFramesWritten++;
        stats_.segmentsCoalesced += item.segments;
      }
      if (ok || !e || item.segments == 1) {
        tally(ok, e, item.segments, c.SourceBytes(k));
        continue;
      }
      // The kernel refused the super-frame: its segments go one by one, as they came.
      uint32_t m = c.Members(k, members);
      for (uint32_t j = 0; j < m; j++) {
        const uint32_t at = done + members[j];
        SysError one;
        tally(Write(fd, frames[at], lens[at], &one), one, 1, static_cast<double>(lens[at]));
      }
    }
    done += chunk;
  }
  return t;
}

}  // namespace kith
