// The express lane (native/express.ts): established direct traffic handled in the poll callbacks
// of the TAP device and the batched UDP socket, without a call into JavaScript. The lane owns
// neither: each port lends it a hook in its reader and one way to write, and lets go when it closes.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>

#include "backend.h"

namespace kith {

// What the batched UDP socket offers each received datagram before JavaScript sees it: the
// edge's express lane, or the supernode's answers to repeated registrations (register_answers_linux.cc).
class DatagramHook {
 public:
  virtual ~DatagramHook() = default;
  // What the hook did with a datagram from the socket.
  enum class In {
    kPassed,    // nothing: the engine handles it
    kTaken,     // a frame for the TAP (written at FlushIn); the engine never sees it
    kAnswered,  // a registration the hook acknowledged at once; the engine does the rest of its handling
  };
  // A datagram from the socket, its source in the meta layout (family << 16 | port, address with
  // IPv4 in the first 4 bytes) and the local address it came to (the locals layout, 16 bytes; all
  // zero when the socket does not report it).
  virtual In TakeIn(const uint8_t* data, size_t len, uint32_t familyPort, const uint8_t* addr, const uint8_t* local) = 0;
  virtual void FlushIn() = 0;
  // The socket (or, for the lane, the device) is closing: the hook lets go.
  virtual void PortClosed() = 0;
};

class ExpressLane : public DatagramHook {
 public:
  // A frame read from the TAP: true if the lane took it (it leaves at FlushOut, before the reader
  // calls JavaScript with what the lane left).
  virtual bool TakeOut(const uint8_t* frame, size_t len) = 0;
  virtual void FlushOut() = 0;
};

// The TAP device as the lane uses it (addon.cc's TapHandle).
class ExpressTapPort {
 public:
  virtual ~ExpressTapPort() = default;
  virtual ExpressLane* Express() const = 0;
  virtual void AttachExpress(ExpressLane* lane) = 0;  // nullptr: detached
  virtual WriteTally WriteFromExpress(const uint8_t* const* frames, const size_t* lens, uint32_t count) = 0;
};

// The batched UDP socket as a hook uses it (udp_linux.cc's UdpHandle).
class ExpressUdpPort {
 public:
  virtual ~ExpressUdpPort() = default;
  virtual DatagramHook* Express() const = 0;
  virtual void AttachExpress(DatagramHook* hook) = 0;  // nullptr: detached
  // Sends datagrams laid out as send() takes them (meta: offset, length, family << 16 | port, 0;
  // 16 address bytes each; sources: the local address each leaves from, in the locals layout, or
  // nullptr for the kernel's choice); returns how many did not leave (a hook never queues: a
  // socket that would block drops them, as a full queue would).
  virtual uint32_t SendFromExpress(const uint8_t* data, const uint32_t* meta, const uint8_t* addrs, uint32_t count, const uint8_t* sources) = 0;
};

// nullptr when value is not a handle of that kind (addon.cc, udp_linux.cc).
ExpressTapPort* TapPortOf(Napi::Env env, Napi::Value value);
ExpressUdpPort* UdpPortOf(Napi::Env env, Napi::Value value);

// Adds expressOpen() to exports (express_linux.cc).
void InitExpress(Napi::Env env, Napi::Object exports);

// Adds registerAnswersOpen() to exports (register_answers_linux.cc).
void InitRegisterAnswers(Napi::Env env, Napi::Object exports);

}  // namespace kith
