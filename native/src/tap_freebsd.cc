// FreeBSD: tap(4). /dev/tap clones a new tapN (root, or net.link.tap.user_open=1 with devfs
// rules giving the user the node); /dev/tapN opens an existing one. Same uv_poll loop as Linux.
// Written against tap(4), ifnet(9) and netintro(4); not compiled here (no FreeBSD sysroot).
#include <fcntl.h>
#include <net/if_tap.h>
#include <sys/sockio.h>

#include "poll_fd.h"
#include "posix_common.h"

namespace kith {
namespace {

class FreeBsdTap final : public FdBackend {
 public:
  FreeBsdTap(int fd, std::string name) : FdBackend(fd, std::move(name)) {}

  long Read(uint8_t* buf, size_t cap, SysError* err) override {
    ssize_t n = read(fd_, buf, cap);  // tap(4): one frame per read
    if (n > 0) return static_cast<long>(n);
    if (n == 0 || errno == EAGAIN || errno == EINTR) return kNoFrame;
    *err = SysError{errno, "read"};
    return kFailed;
  }

  bool Write(const uint8_t* buf, size_t len, SysError* err) override {
    if (write(fd_, buf, len) == static_cast<ssize_t>(len)) return true;
    *err = (errno == EAGAIN || errno == ENOBUFS || errno == EINTR) ? SysError{} : SysError{errno, "write"};
    return false;
  }

  SysError GetMac(uint8_t mac[6]) override { return LinkAddr(name_, mac); }
  SysError SetMac(const uint8_t mac[6]) override { return SetLinkAddr(name_, mac); }
  SysError GetMtu(int* mtu) override { return GetIfMtu(name_, mtu); }
  SysError SetMtu(int mtu) override { return SetIfMtu(name_, mtu); }
};

}  // namespace

Backend* OpenBackend(const OpenOptions& opts, SysError* err) {
  if (!opts.create && if_nametoindex(opts.name.c_str()) == 0) {
    *err = SysError{ENODEV, "if_nametoindex"};
    return nullptr;
  }
  std::string path = "/dev/" + (opts.name.empty() ? std::string("tap") : opts.name);
  int fd = open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    *err = SysError{errno, "open"};
    return nullptr;
  }
  ifreq ifr;
  std::memset(&ifr, 0, sizeof ifr);
  if (ioctl(fd, TAPGIFNAME, &ifr) < 0) {  // the real name, also for a /dev/tap clone
    *err = SysError{errno, "TAPGIFNAME"};
    close(fd);
    return nullptr;
  }
  return new FreeBsdTap(fd, ifr.ifr_name);
}

Backend* AdoptBackend(int fd, const std::string& name, SysError* err) {
  ifreq ifr;
  std::memset(&ifr, 0, sizeof ifr);
  if (ioctl(fd, TAPGIFNAME, &ifr) < 0) *err = SysError{errno, "TAPGIFNAME"};
  else if (name != ifr.ifr_name) *err = SysError{ENODEV, "TAPGIFNAME"};
  else if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) *err = SysError{errno, "fcntl"};
  if (*err) {
    close(fd);
    return nullptr;
  }
  return new FreeBsdTap(fd, ifr.ifr_name);
}

}  // namespace kith
