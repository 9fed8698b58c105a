// The operating system's CSPRNG (CRYPTO.md §6), one call per batch of packets.
#pragma once

#include <cstddef>
#include <cstdint>

namespace kith {

// Fills buf[0, n); false if the system would not (then nothing may be sent with those bytes).
bool SystemRandom(uint8_t* buf, size_t n);

}  // namespace kith
