// The Internet checksum (RFC 1071): one's complement sums of 16-bit big-endian words. Sums are
// kept as values mod 0xffff in a uint32_t; Add/Sub combine them, so a sum over a whole segment
// can be split, moved and recombined (RFC 1624) without touching the bytes again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace kith {
namespace csum {

inline uint32_t Fold(uint64_t s) {
  s = (s & 0xffffffff) + (s >> 32);
  s = (s & 0xffffffff) + (s >> 32);
  s = (s & 0xffff) + (s >> 16);
  s = (s & 0xffff) + (s >> 16);
  s = (s & 0xffff) + (s >> 16);
  return static_cast<uint32_t>(s);
}

inline uint32_t Add(uint32_t a, uint32_t b) { return Fold(static_cast<uint64_t>(a) + b); }
inline uint32_t Sub(uint32_t a, uint32_t b) { return Add(a, ~b & 0xffff); }
inline uint32_t Swap(uint32_t s) { return ((s & 0xff) << 8) | (s >> 8); }

inline uint16_t Load16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
inline void Store16(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
inline uint32_t Load32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 | static_cast<uint32_t>(p[2]) << 8 | p[3];
}
inline void Store32(uint8_t* p, uint32_t v) {
  Store16(p, v >> 16);
  Store16(p + 2, v & 0xffff);
}

// Sum of p[0, n) as big-endian words (a trailing odd byte is the high half of a last word).
// Words are added in host order, 32 bits at a time, and the result swapped once at the end:
// the one's complement sum does not care about byte order as long as it is consistent.
inline uint32_t Sum(const uint8_t* p, size_t n) {
  uint64_t acc = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    acc += (w & 0xffffffff) + (w >> 32);
  }
  for (; i + 2 <= n; i += 2) {
    uint16_t w;
    std::memcpy(&w, p + i, 2);
    acc += w;
  }
  uint32_t s = Fold(acc);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  s = Swap(s);
#endif
  if (i < n) s = Add(s, static_cast<uint32_t>(p[i]) << 8);
  return s;
}

// The pseudo-header sum of TCP/UDP over IPv4 (4-byte addresses) or IPv6 (16-byte): both
// addresses, the protocol and the transport length.
inline uint32_t Pseudo(const uint8_t* src, const uint8_t* dst, size_t addrLen, uint8_t proto, uint32_t length) {
  uint32_t s = Add(Sum(src, addrLen), Sum(dst, addrLen));
  s = Add(s, proto);
  return Add(s, Add(length >> 16, length & 0xffff));
}

// The value to store in a checksum field, given the sum of everything it covers (field = 0).
inline uint32_t Finish(uint32_t s) { return ~s & 0xffff; }

}  // namespace csum
}  // namespace kith
