// Kith's own kernels for what neither Node nor OpenSSL offers, written from
// /work/shared/spec/CRYPTO.md and the algorithm papers: the Pearson block hash (§1.1), Speck-128 with
// n3n's CTR (§1.2) and Twofish-256 (§1.4). Portable C++, no OpenSSL, no allocation.
#pragma once

#include <cstddef>
#include <cstdint>

namespace kith {
namespace kernels {

// Pearson hash of p[0, n) with 1, 2 or 4 lanes; out gets BE64(h_lanes) ‖ … ‖ BE64(h_1).
void PearsonHash(unsigned lanes, const uint8_t* p, size_t n, uint8_t* out);

struct SpeckKey {
  unsigned rounds = 0;  // 32 (128-bit key) or 34 (256-bit key)
  uint64_t k[34] = {};
};
// key: 16 or 32 bytes.
void SpeckExpand(const uint8_t* key, size_t keyBytes, SpeckKey* out);
void SpeckEncryptBlock(const SpeckKey& key, const uint8_t in[16], uint8_t out[16]);
void SpeckDecryptBlock(const SpeckKey& key, const uint8_t in[16], uint8_t out[16]);
// n3n's CTR over data[0, n) in place: block j encrypts LE64(LE64(iv[0..8)) + j) ‖ iv[8..16).
// Returns (in next) the counter block after the last one used.
void SpeckCtr(const SpeckKey& key, const uint8_t iv[16], uint8_t* data, size_t n, uint8_t next[16]);

struct TwofishKey {
  uint32_t k[40];
  uint32_t s[4][256];  // key-dependent S-boxes with the MDS matrix folded in
};
// key: 32 bytes.
void TwofishExpand(const uint8_t key[32], TwofishKey* out);
void TwofishEncryptBlock(const TwofishKey& key, const uint8_t in[16], uint8_t out[16]);
void TwofishDecryptBlock(const TwofishKey& key, const uint8_t in[16], uint8_t out[16]);

}  // namespace kernels
}  // namespace kith
