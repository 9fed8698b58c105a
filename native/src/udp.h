// What addon.cc and the batched UDP socket (udp_linux.cc) share: the per-environment data that
// holds the classes' constructors, and the error values both hand to JavaScript.
#pragma once

#include <napi.h>

#include "backend.h"

namespace kith {

// Every failure becomes a plain object { code: 'EPERM', errno, syscall, message } (addon.cc).
Napi::Object ErrorValue(Napi::Env env, const SysError& e);

struct AddonData {
  Napi::FunctionReference ctor;
  Napi::FunctionReference udpCtor;      // empty where the OS has no batched UDP socket
  Napi::FunctionReference expressCtor;  // the same (express.h)
  Napi::FunctionReference answersCtor;  // the same (express.h)
};

#ifdef __linux__
// Adds udpOpen() to exports and the UdpHandle constructor to data.
void InitUdp(Napi::Env env, Napi::Object exports, AddonData* data);
#endif

}  // namespace kith
