// The user at the other end of a connected unix socket, for per-user limits in the management
// server (native/peer-credentials.ts). Not on Windows, which has no unix sockets here.
#pragma once

#include <napi.h>

namespace kith {

// Adds peerUid(fd) to exports: the uid of the peer of unix socket fd, or -1 when it cannot be told.
void InitPeerCred(Napi::Env env, Napi::Object exports);

}  // namespace kith
