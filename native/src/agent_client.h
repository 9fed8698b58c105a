// The client half of kith-tap's agent protocol (native/kith-tap/kith-tap.c, serve()): one
// "open <name>\n" per connection; the reply is "ok <ifname>\n" carrying the device's descriptor
// (SCM_RIGHTS), or "error <reason>\n" without one. Node cannot receive descriptors, hence this.
// POSIX only; every wait is bounded by socket timeouts.
#pragma once

#include <fcntl.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "backend.h"

namespace kith {

struct AgentReply {
  int fd = -1;          // the device, when ok
  std::string ifname;   // the OS interface the descriptor is attached to
  std::string refused;  // the agent's "error <reason>": non-empty when it said no
};

constexpr int kAgentTimeoutSec = 5;
constexpr size_t kAgentReplyMax = 256;

inline bool PrintableLine(const std::string& s) {
  for (char c : s)
    if (c < 0x20 || c > 0x7e) return false;
  return true;
}

// Receives the reply line, keeping at most one descriptor; any other (or any with an error
// line) is closed and makes the reply a protocol error.
inline SysError AgentOpen(const std::string& socketPath, const std::string& name, AgentReply* out) {
  sockaddr_un sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  if (socketPath.empty() || socketPath.size() >= sizeof sa.sun_path) return SysError{ENAMETOOLONG, "connect"};
  std::memcpy(sa.sun_path, socketPath.data(), socketPath.size());
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  if (s < 0) return SysError{errno, "socket"};
  fcntl(s, F_SETFD, FD_CLOEXEC);
  timeval tv{kAgentTimeoutSec, 0};
  setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
#ifdef SO_NOSIGPIPE
  int one = 1;
  setsockopt(s, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
#ifndef MSG_NOSIGNAL
  constexpr int MSG_NOSIGNAL = 0;
#endif
#ifdef MSG_CMSG_CLOEXEC
  constexpr int kRecvFlags = MSG_CMSG_CLOEXEC;
#else
  constexpr int kRecvFlags = 0;
#endif
  SysError e;
  std::string line, request = "open " + name + "\n";
  int fd = -1;
  bool extra = false;
  if (connect(s, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) e = SysError{errno, "connect"};
  else {
    ssize_t sent = send(s, request.data(), request.size(), MSG_NOSIGNAL);
    if (sent < 0) e = SysError{errno, "send"};
    else if (static_cast<size_t>(sent) != request.size()) e = SysError{EIO, "send"};
  }
  while (!e && line.find('\n') == std::string::npos) {
    char buf[kAgentReplyMax];
    alignas(cmsghdr) char ctl[CMSG_SPACE(4 * sizeof(int))];
    iovec iov{buf, kAgentReplyMax - line.size()};
    msghdr msg;
    std::memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = ctl;
    msg.msg_controllen = sizeof ctl;
    ssize_t n = recvmsg(s, &msg, kRecvFlags);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      e = SysError{errno == EAGAIN || errno == EWOULDBLOCK ? ETIMEDOUT : errno, "recvmsg"};
      break;
    }
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
      size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (size_t i = 0; i < count; i++) {
        int got;
        std::memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof got);
        if (fd < 0) fd = got;
        else {
          close(got);
          extra = true;
        }
      }
    }
    if (n == 0) {
      e = SysError{ECONNRESET, "recvmsg"};  // closed before a whole line
      break;
    }
    line.append(buf, static_cast<size_t>(n));
    if ((msg.msg_flags & MSG_CTRUNC) != 0 || (line.find('\n') == std::string::npos && line.size() >= kAgentReplyMax)) e = SysError{EPROTO, "agent reply"};
  }
  close(s);
  if (!e) {
    line.erase(line.find('\n'));  // one line; anything after it is ignored
    if (!PrintableLine(line) || extra) e = SysError{EPROTO, "agent reply"};
    else if (line.rfind("error ", 0) == 0 && fd < 0) out->refused = line.substr(6);
    else if (line.rfind("ok ", 0) == 0 && fd >= 0 && line.size() > 3 && line.size() - 3 < IFNAMSIZ) out->ifname = line.substr(3);
    else e = SysError{EPROTO, "agent reply"};
  }
  if (e || !out->refused.empty()) {
    if (fd >= 0) close(fd);
    return e;
  }
  fcntl(fd, F_SETFD, FD_CLOEXEC);
  out->fd = fd;
  return e;
}

}  // namespace kith
