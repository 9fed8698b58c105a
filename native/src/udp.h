// What addon.cc and the batched UDP socket (udp_linux.cc) share: the per-environment data that
// holds the classes' constructors.
#pragma once

#include <napi.h>

namespace kith {

struct AddonData {
  Napi::FunctionReference ctor;
  Napi::FunctionReference udpCtor;  // empty where the OS has no batched UDP socket
};

#ifdef __linux__
// Adds udpOpen() to exports and the UdpHandle constructor to data.
void InitUdp(Napi::Env env, Napi::Object exports, AddonData* data);
#endif

}  // namespace kith
