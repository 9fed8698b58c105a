// macOS: no TAP driver. A root launchd agent creates a feth(4) pair, e.g. feth1 <-> feth0, puts
// the host address on feth0, and lets the user read /dev/bpf* (as Wireshark's ChmodBPF does).
// We attach to the other end (the `name` given, e.g. "feth1") with BPF: frames the host sends on
// feth0 arrive on feth1 and are captured; frames we write through BPF leave feth1 and arrive on
// feth0. One BPF read returns many frames, which suits the batch loop.
// `create` is refused: creating feth needs root, which the agent has and we do not. The agent
// (kith-tap serve, native/kith-tap/feth-macos.c) also opens and binds the BPF descriptor with the
// settings below and hands it over, so the user needs no /dev/bpf* access: AdoptBackend.
// Written against bpf(4) and the xnu feth sources; not compiled here (no macOS SDK).
// The utun fallback (layer-3 with Ethernet/ARP emulation) is not implemented.
#include <fcntl.h>
#include <net/bpf.h>

#include <vector>

#include "poll_fd.h"
#include "posix_common.h"

namespace kith {
namespace {

constexpr u_int kBpfBuffer = 1 << 20;

class MacFeth final : public FdBackend {
 public:
  MacFeth(int fd, std::string name, size_t buflen)
      : FdBackend(fd, std::move(name)), buf_(buflen) {}

  // Hands out the frames of one BPF buffer one at a time, reading a new buffer when empty.
  long Read(uint8_t* out, size_t cap, SysError* err) override {
    if (pos_ >= end_) {
      ssize_t n = read(fd_, buf_.data(), buf_.size());
      if (n < 0) {
        if (errno == EAGAIN || errno == EINTR) return kNoFrame;
        *err = SysError{errno, "read"};
        return kFailed;
      }
      pos_ = 0;
      end_ = static_cast<size_t>(n);
      if (n == 0) return kNoFrame;
    }
    if (end_ - pos_ < sizeof(bpf_hdr)) {
      pos_ = end_;
      return kNoFrame;
    }
    bpf_hdr h;
    std::memcpy(&h, buf_.data() + pos_, sizeof h);
    size_t start = pos_ + h.bh_hdrlen;
    pos_ += BPF_WORDALIGN(h.bh_hdrlen + h.bh_caplen);
    if (start + h.bh_caplen > end_ || h.bh_caplen > cap) return kNoFrame;  // malformed: skip
    std::memcpy(out, buf_.data() + start, h.bh_caplen);
    return static_cast<long>(h.bh_caplen);
  }

  bool Write(const uint8_t* buf, size_t len, SysError* err) override {
    if (write(fd_, buf, len) == static_cast<ssize_t>(len)) return true;
    *err = (errno == EAGAIN || errno == ENOBUFS || errno == EINTR) ? SysError{} : SysError{errno, "write"};
    return false;
  }

  SysError GetMac(uint8_t mac[6]) override { return LinkAddr(name_, mac); }
  SysError SetMac(const uint8_t mac[6]) override { return SetLinkAddr(name_, mac); }  // root: agent
  SysError GetMtu(int* mtu) override { return GetIfMtu(name_, mtu); }
  SysError SetMtu(int mtu) override { return SetIfMtu(name_, mtu); }  // root: agent

 private:
  std::vector<uint8_t> buf_;
  size_t pos_ = 0, end_ = 0;
};

int OpenBpf(SysError* err) {
  for (int i = 0; i < 256; i++) {  // /dev/bpf0..255: take the first free one
    std::string path = "/dev/bpf" + std::to_string(i);
    int fd = open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd >= 0) return fd;
    if (errno != EBUSY) {  // EACCES: the agent has not granted BPF access to this user
      *err = SysError{errno, "open /dev/bpf"};
      return -1;
    }
  }
  *err = SysError{EBUSY, "open /dev/bpf"};
  return -1;
}

}  // namespace

Backend* OpenBackend(const OpenOptions& opts, SysError* err) {
  if (opts.create || opts.name.empty()) {
    *err = SysError{ENOTSUP, "create"};  // the agent creates the feth pair
    return nullptr;
  }
  if (if_nametoindex(opts.name.c_str()) == 0) {
    *err = SysError{ENODEV, "if_nametoindex"};
    return nullptr;
  }
  int fd = OpenBpf(err);
  if (fd < 0) return nullptr;
  u_int blen = kBpfBuffer, one = 1, zero = 0;
  ifreq ifr = NamedReq(opts.name);
  // Order matters: the buffer size must be set before BIOCSETIF.
  const struct { unsigned long req; void* arg; const char* what; } steps[] = {
      {BIOCSBLEN, &blen, "BIOCSBLEN"},
      {BIOCSETIF, &ifr, "BIOCSETIF"},
      {BIOCIMMEDIATE, &one, "BIOCIMMEDIATE"},   // deliver frames as they come, not when full
      {BIOCSHDRCMPLT, &one, "BIOCSHDRCMPLT"},   // we supply the source MAC
      {BIOCSSEESENT, &zero, "BIOCSSEESENT"},    // do not read back our own writes
      {BIOCGBLEN, &blen, "BIOCGBLEN"},
  };
  for (const auto& s : steps) {
    if (ioctl(fd, s.req, s.arg) < 0) {
      *err = SysError{errno, s.what};
      close(fd);
      return nullptr;
    }
  }
  if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
    *err = SysError{errno, "fcntl"};
    close(fd);
    return nullptr;
  }
  return new MacFeth(fd, opts.name, blen);
}

Backend* AdoptBackend(int fd, const std::string& name, SysError* err) {
  u_int blen = 0;
  ifreq ifr;
  std::memset(&ifr, 0, sizeof ifr);
  if (ioctl(fd, BIOCGETIF, &ifr) < 0) *err = SysError{errno, "BIOCGETIF"};  // bound, and to `name`
  else if (name != ifr.ifr_name) *err = SysError{ENODEV, "BIOCGETIF"};
  else if (ioctl(fd, BIOCGBLEN, &blen) < 0) *err = SysError{errno, "BIOCGBLEN"};
  else if (blen == 0) *err = SysError{EINVAL, "BIOCGBLEN"};
  else if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) *err = SysError{errno, "fcntl"};
  if (*err) {
    close(fd);
    return nullptr;
  }
  return new MacFeth(fd, name, blen);
}

}  // namespace kith
