// Linux: /dev/net/tun in TAP mode. Creating a device needs CAP_NET_ADMIN; attaching to an
// existing persistent TAP only needs to be its owner (TUNSETOWNER, done by kith-tap create).
// The engine only ever uses its own user's TAP (DESIGN.md "Trust boundaries"): whoever owns a
// device can reconfigure it through kith-tap or remove it, so another user's would be theirs to
// steer. A device it makes itself is made with IFF_TUN_EXCL, so it is never someone else's.
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "backend.h"
#include "poll_fd.h"
#include "vnet_linux.h"

namespace kith {
namespace {

class LinuxTap final : public FdBackend {
 public:
  // vnet: the descriptor was attached with IFF_VNET_HDR (frames behind virtio-net headers).
  LinuxTap(int fd, const char* name, bool vnet) : FdBackend(fd, name), vnet_(vnet ? new VnetIo() : nullptr) {}
  ~LinuxTap() override { Close(); }

  void Close() override {
    // Offloads outlive the descriptor on a persistent device: leave it as a plain reader expects.
    if (vnet_ && fd_ >= 0 && vnet_->Stats().flags != 0) vnet_->SetOffload(fd_, false);
    FdBackend::Close();
  }

  unsigned SetOffload(bool on) override { return vnet_ && fd_ >= 0 ? vnet_->SetOffload(fd_, on) : 0; }
  OffloadStats Offload() const override { return vnet_ ? vnet_->Stats() : OffloadStats{}; }
  bool Pending() const override { return vnet_ && vnet_->Pending(); }

  WriteTally WriteFrames(const uint8_t* const* frames, const size_t* lens, uint32_t count, SysError* err) override {
    return vnet_ ? vnet_->WriteFrames(fd_, frames, lens, count, err) : Backend::WriteFrames(frames, lens, count, err);
  }

  long Read(uint8_t* buf, size_t cap, SysError* err) override {
    if (vnet_) return vnet_->Read(fd_, buf, cap, err);
    for (int tries = 0; tries < 8; tries++) {  // bounded retry on EINTR only
      ssize_t n = read(fd_, buf, cap);
      if (n >= 0) return n == 0 ? kNoFrame : static_cast<long>(n);
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return kNoFrame;
      *err = SysError{errno, "read"};
      return kFailed;
    }
    return kNoFrame;
  }

  bool Write(const uint8_t* buf, size_t len, SysError* err) override {
    if (vnet_) return vnet_->Write(fd_, buf, len, err);
    ssize_t n = write(fd_, buf, len);
    if (n == static_cast<ssize_t>(len)) return true;
    // EIO: the interface is down; EAGAIN/ENOBUFS: the kernel's queue is full. All are drops.
    if (n >= 0 || errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS || errno == EIO ||
        errno == EINTR) {
      *err = SysError{};
      return false;
    }
    *err = SysError{errno, "write"};
    return false;
  }

  // The tun fd itself answers SIOC[GS]IFHWADDR, and the tun driver checks no capability for
  // it: the owner of a persistent TAP can set its MAC without CAP_NET_ADMIN.
  SysError GetMac(uint8_t mac[6]) override {
    ifreq ifr = Req();
    if (ioctl(fd_, SIOCGIFHWADDR, &ifr) < 0) return SysError{errno, "SIOCGIFHWADDR"};
    std::memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
    return {};
  }

  SysError SetMac(const uint8_t mac[6]) override {
    ifreq ifr = Req();
    ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
    std::memcpy(ifr.ifr_hwaddr.sa_data, mac, 6);
    if (ioctl(fd_, SIOCSIFHWADDR, &ifr) < 0) return SysError{errno, "SIOCSIFHWADDR"};
    return {};
  }

  SysError GetMtu(int* mtu) override { return SockIoctl(SIOCGIFMTU, "SIOCGIFMTU", mtu); }

  // Needs CAP_NET_ADMIN (EPERM otherwise): unprivileged engines ask kith-tap instead.
  SysError SetMtu(int mtu) override { return SockIoctl(SIOCSIFMTU, "SIOCSIFMTU", &mtu); }

 private:
  ifreq Req() const {
    ifreq ifr;
    std::memset(&ifr, 0, sizeof ifr);
    std::strncpy(ifr.ifr_name, name_.c_str(), IFNAMSIZ - 1);
    return ifr;
  }

  SysError SockIoctl(unsigned long req, const char* what, int* mtu) {
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) return SysError{errno, "socket"};
    ifreq ifr = Req();
    ifr.ifr_mtu = *mtu;
    SysError e;
    if (ioctl(s, req, &ifr) < 0) e = SysError{errno, what};
    else *mtu = ifr.ifr_mtu;
    close(s);
    return e;
  }

  std::unique_ptr<VnetIo> vnet_;
};

// The device fd is attached to must belong to this process's effective user; root may also use one
// with no owner (made by root, e.g. `ip tuntap add`). The owner is what sysfs shows for the name
// TUNGETIFF reports: only a CAP_NET_ADMIN holder could rename the device meanwhile.
SysError CheckOwner(int fd) {
  ifreq ifr;
  std::memset(&ifr, 0, sizeof ifr);
  if (ioctl(fd, TUNGETIFF, &ifr) < 0) return SysError{errno, "TUNGETIFF"};
  char path[IFNAMSIZ + 32], text[32] = "";
  std::snprintf(path, sizeof path, "/sys/class/net/%s/owner", ifr.ifr_name);
  FILE* f = std::fopen(path, "re");
  bool read = f != nullptr && std::fgets(text, sizeof text, f) != nullptr;
  if (f != nullptr) std::fclose(f);
  if (!read) return SysError{EACCES, "owner"};
  char* end = nullptr;
  long owner = std::strtol(text, &end, 10);
  const long me = static_cast<long>(geteuid());
  if (end != text && (owner == me || (owner == -1 && me == 0))) return {};
  return SysError{EACCES, "owner"};
}

// Attaches a fresh descriptor to the device with these TUNSETIFF flags; -1 with *err on failure.
// With `create`, a new device is made exclusively (IFF_TUN_EXCL); an existing one (EBUSY) and any
// device attached without `create` is used only if it is ours (CheckOwner).
int Attach(const std::string& name, short flags, bool create, char* ifname, SysError* err) {
  int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    *err = SysError{errno, "open"};
    return -1;
  }
  ifreq ifr;
  std::memset(&ifr, 0, sizeof ifr);
  ifr.ifr_flags = static_cast<short>(flags | (create ? IFF_TUN_EXCL : 0));
  // An empty name lets the kernel choose; "kith%d" keeps it recognisable.
  std::strncpy(ifr.ifr_name, name.empty() ? "kith%d" : name.c_str(), IFNAMSIZ - 1);
  int rc = ioctl(fd, TUNSETIFF, &ifr);
  bool made = create && rc == 0;
  if (rc < 0 && create && errno == EBUSY) {
    ifr.ifr_flags = flags;
    rc = ioctl(fd, TUNSETIFF, &ifr);
  }
  if (rc < 0) *err = SysError{errno, "TUNSETIFF"};
  else if (!made) *err = CheckOwner(fd);
  if (*err) {
    close(fd);
    return -1;
  }
  std::memcpy(ifname, ifr.ifr_name, IFNAMSIZ);
  return fd;
}

}  // namespace

Backend* OpenBackend(const OpenOptions& opts, SysError* err) {
  // Without `create`, insist the device exists: TUNSETIFF would otherwise quietly create a new,
  // non-persistent one when we happen to hold CAP_NET_ADMIN.
  if (!opts.create && if_nametoindex(opts.name.c_str()) == 0) {
    *err = SysError{ENODEV, "if_nametoindex"};
    return nullptr;
  }
  char ifname[IFNAMSIZ] = {};
  if (opts.offload) {
    // IFF_VNET_HDR is chosen when attaching; a kernel that refuses it or the 12-byte header gets
    // a plain descriptor instead.
    int fd = Attach(opts.name, IFF_TAP | IFF_NO_PI | IFF_VNET_HDR, opts.create, ifname, err);
    if (fd >= 0 && VnetIo::SetHeaderSize(fd)) {
      auto* tap = new LinuxTap(fd, ifname, true);
      tap->SetOffload(true);
      return tap;
    }
    if (fd >= 0) close(fd);
    *err = SysError{};
  }
  int fd = Attach(opts.name, IFF_TAP | IFF_NO_PI, opts.create, ifname, err);
  if (fd < 0) return nullptr;
  VnetIo::ClearOffload(fd);
  return new LinuxTap(fd, ifname, false);
}

Backend* AdoptBackend(int fd, const std::string& name, SysError* err) {
  // TUNGETIFF: the device this tun fd is attached to, and its mode; nothing else will do.
  ifreq ifr;
  std::memset(&ifr, 0, sizeof ifr);
  if (ioctl(fd, TUNGETIFF, &ifr) < 0) *err = SysError{errno, "TUNGETIFF"};
  else if ((ifr.ifr_flags & (IFF_TAP | IFF_TUN)) != IFF_TAP || name != ifr.ifr_name) *err = SysError{ENODEV, "TUNGETIFF"};
  else if (SysError owner = CheckOwner(fd)) *err = owner;
  else if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) *err = SysError{errno, "fcntl"};
  else if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) *err = SysError{errno, "fcntl"};
  // Whoever opened it chose IFF_VNET_HDR or not; frames then carry the header either way.
  bool vnet = (ifr.ifr_flags & IFF_VNET_HDR) != 0;
  if (!*err && vnet && !VnetIo::SetHeaderSize(fd)) *err = SysError{errno, "TUNSETVNETHDRSZ"};
  if (*err) {
    close(fd);
    return nullptr;
  }
  auto* tap = new LinuxTap(fd, ifr.ifr_name, vnet);
  if (vnet) tap->SetOffload(false);
  else VnetIo::ClearOffload(fd);
  return tap;
}

}  // namespace kith
