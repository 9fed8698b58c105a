// SO_PEERCRED (Linux) or getpeereid (BSD, macOS): the kernel's record of who connected, which the
// peer cannot forge, unlike anything it sends.
#include "peer_cred.h"

#ifndef _WIN32
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>
#endif

namespace kith {

namespace {

Napi::Value PeerUid(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) return Napi::Number::New(env, -1);
  int fd = info[0].As<Napi::Number>().Int32Value();
  if (fd < 0) return Napi::Number::New(env, -1);
#if defined(__linux__)
  ucred cred{};
  socklen_t length = sizeof cred;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &length) != 0 || length != sizeof cred) return Napi::Number::New(env, -1);
  return Napi::Number::New(env, static_cast<double>(cred.uid));
#elif defined(_WIN32)
  return Napi::Number::New(env, -1);
#else
  uid_t uid = 0;
  gid_t gid = 0;
  if (getpeereid(fd, &uid, &gid) != 0) return Napi::Number::New(env, -1);
  return Napi::Number::New(env, static_cast<double>(uid));
#endif
}

}  // namespace

void InitPeerCred(Napi::Env env, Napi::Object exports) { exports.Set("peerUid", Napi::Function::New(env, PeerUid)); }

}  // namespace kith
