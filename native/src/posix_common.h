// Helpers shared by the BSD-family backends (FreeBSD, macOS): link-layer address and MTU through
// getifaddrs / a datagram socket, which only need the interface name.
#pragma once

#include <ifaddrs.h>
#include <net/if.h>
#include <net/if_dl.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "backend.h"

namespace kith {

inline ifreq NamedReq(const std::string& name) {
  ifreq ifr;
  std::memset(&ifr, 0, sizeof ifr);
  std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
  return ifr;
}

inline SysError LinkAddr(const std::string& name, uint8_t mac[6]) {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return SysError{errno, "getifaddrs"};
  SysError e{ENODEV, "getifaddrs"};
  for (ifaddrs* a = list; a != nullptr; a = a->ifa_next) {
    if (a->ifa_addr == nullptr || a->ifa_addr->sa_family != AF_LINK || name != a->ifa_name) continue;
    auto* sdl = reinterpret_cast<sockaddr_dl*>(a->ifa_addr);
    if (sdl->sdl_alen == 6) {
      std::memcpy(mac, LLADDR(sdl), 6);
      e = SysError{};
    }
    break;
  }
  freeifaddrs(list);
  return e;
}

// One ioctl on an AF_INET datagram socket; `prep` fills the request.
template <typename F>
SysError SockIoctl(unsigned long req, const char* what, F prep, ifreq* out = nullptr, int family = AF_INET) {
  int s = socket(family, SOCK_DGRAM, 0);
  if (s < 0) return SysError{errno, "socket"};
  ifreq ifr;
  prep(&ifr);
  SysError e;
  if (ioctl(s, req, &ifr) < 0) e = SysError{errno, what};
  else if (out != nullptr) *out = ifr;
  close(s);
  return e;
}

inline SysError SetLinkAddr(const std::string& name, const uint8_t mac[6]) {
  return SockIoctl(SIOCSIFLLADDR, "SIOCSIFLLADDR", [&](ifreq* r) {
    *r = NamedReq(name);
    r->ifr_addr.sa_len = 6;
    r->ifr_addr.sa_family = AF_LINK;
    std::memcpy(r->ifr_addr.sa_data, mac, 6);
  });
}

inline SysError GetIfMtu(const std::string& name, int* mtu) {
  ifreq out;
  SysError e = SockIoctl(SIOCGIFMTU, "SIOCGIFMTU", [&](ifreq* r) { *r = NamedReq(name); }, &out);
  if (!e) *mtu = out.ifr_mtu;
  return e;
}

inline SysError SetIfMtu(const std::string& name, int mtu) {
  return SockIoctl(SIOCSIFMTU, "SIOCSIFMTU", [&](ifreq* r) {
    *r = NamedReq(name);
    r->ifr_mtu = mtu;
  });
}

}  // namespace kith
