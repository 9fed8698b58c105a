// Pearson, Speck and Twofish: see kernels.h.
#include "kernels.h"

#include <cstring>

namespace kith {
namespace kernels {
namespace {

inline uint64_t Load64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
  return v;
}
inline void Store64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
inline uint32_t Load32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 | static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}
inline void Store32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
inline uint32_t Rol32(uint32_t x, unsigned n) { return (x << n) | (x >> (32 - n)); }
inline uint32_t Ror32(uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }
inline uint64_t Rol64(uint64_t x, unsigned n) { return (x << n) | (x >> (64 - n)); }
inline uint64_t Ror64(uint64_t x, unsigned n) { return (x >> n) | (x << (64 - n)); }

// ---- Pearson, CRYPTO.md §1.1 ---------------------------------------------------------------

inline uint64_t Mix13(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Lane j (0-based) steps with the constant j + 1; LANES is a constant so the lanes stay in registers.
template <unsigned LANES>
void PearsonLanes(const uint8_t* p, size_t n, uint8_t* out) {
  uint64_t h[LANES] = {};
  const size_t words = n / 8;
  for (size_t w = 0; w < words; w++) {
    const uint64_t v = Load64(p + 8 * w);
    for (unsigned j = 0; j < LANES; j++) h[j] = Mix13((h[j] ^ v) - (j + 1));
  }
  // The trailing bytes are hashed one by one between two complements of the state.
  for (unsigned j = 0; j < LANES; j++) h[j] = ~h[j];
  for (size_t i = words * 8; i < n; i++) {
    for (unsigned j = 0; j < LANES; j++) h[j] = Mix13((h[j] ^ p[i]) - (j + 1));
  }
  for (unsigned j = 0; j < LANES; j++) h[j] = Mix13((~h[j] ^ static_cast<uint64_t>(n)) - (j + 1));
  for (unsigned j = 0; j < LANES; j++) {
    for (int b = 0; b < 8; b++) out[8 * (LANES - 1 - j) + b] = static_cast<uint8_t>(h[j] >> (56 - 8 * b));
  }
}

// ---- Twofish tables, CRYPTO.md §1.4 (Schneier et al., "Twofish: A 128-Bit Block Cipher") ------

// The 4-bit tables t0..t3 of the fixed permutations q0 and q1.
const uint8_t kQNibbles[2][4][16] = {
    {
        {8, 1, 7, 13, 6, 15, 3, 2, 0, 11, 5, 9, 14, 12, 10, 4},
        {14, 12, 11, 8, 1, 2, 3, 5, 15, 4, 10, 6, 7, 0, 9, 13},
        {11, 10, 5, 14, 6, 13, 9, 0, 12, 8, 15, 3, 2, 4, 7, 1},
        {13, 7, 15, 4, 1, 2, 6, 14, 9, 11, 3, 0, 8, 5, 12, 10},
    },
    {
        {2, 8, 11, 13, 15, 7, 6, 14, 3, 1, 9, 4, 0, 10, 12, 5},
        {1, 14, 2, 11, 4, 12, 3, 7, 6, 13, 10, 5, 15, 9, 0, 8},
        {4, 12, 7, 5, 1, 6, 9, 10, 0, 14, 13, 8, 2, 11, 3, 15},
        {11, 9, 5, 1, 12, 3, 13, 14, 6, 4, 7, 15, 2, 0, 8, 10},
    },
};
// For output byte j of h() with a 256-bit key: the q permutation of each of the five stages.
const uint8_t kQChain[4][5] = {{1, 1, 0, 0, 1}, {0, 1, 1, 0, 0}, {0, 0, 0, 1, 1}, {1, 0, 1, 1, 0}};
const uint8_t kMds[4][4] = {{0x01, 0xef, 0x5b, 0x5b}, {0x5b, 0xef, 0xef, 0x01}, {0xef, 0x5b, 0x01, 0xef}, {0xef, 0x01, 0xef, 0x5b}};
const uint8_t kRs[4][8] = {
    {0x01, 0xa4, 0x55, 0x87, 0x5a, 0x58, 0xdb, 0x9e},
    {0xa4, 0x56, 0x82, 0xf3, 0x1e, 0xc6, 0x68, 0xe5},
    {0x02, 0xa1, 0xfc, 0xc1, 0x47, 0xae, 0x3d, 0x19},
    {0xa4, 0x55, 0x87, 0x5a, 0x58, 0xdb, 0x9e, 0x03},
};

struct QTables {
  uint8_t q[2][256];
  QTables() {
    for (int t = 0; t < 2; t++) {
      for (unsigned x = 0; x < 256; x++) {
        unsigned a = x >> 4, b = x & 15;
        for (int stage = 0; stage < 2; stage++) {
          unsigned mixedA = a ^ b;
          unsigned mixedB = (a ^ (((b >> 1) | (b << 3)) & 15) ^ (a << 3)) & 15;
          a = kQNibbles[t][2 * stage][mixedA];
          b = kQNibbles[t][2 * stage + 1][mixedB];
        }
        q[t][x] = static_cast<uint8_t>((b << 4) | a);
      }
    }
  }
};
const QTables& Q() {
  static const QTables tables;
  return tables;
}

uint32_t GfMul(uint32_t a, uint32_t b, uint32_t poly) {
  uint32_t product = 0;
  for (; b != 0; b >>= 1) {
    if (b & 1) product ^= a;
    a <<= 1;
    if (a & 0x100) a ^= poly;
  }
  return product;
}

// Column j of the MDS matrix times y, as a little-endian word.
uint32_t MdsColumn(unsigned j, uint32_t y) {
  uint32_t word = 0;
  for (unsigned row = 0; row < 4; row++) word |= GfMul(kMds[row][j], y, 0x169) << (8 * row);
  return word;
}

// Key-dependent S-box for byte position j: five q stages interleaved with key words l[3..0].
uint32_t SboxByte(unsigned j, uint32_t x, const uint32_t* l) {
  const QTables& t = Q();
  uint32_t y = x;
  for (unsigned stage = 0; stage < 4; stage++) y = t.q[kQChain[j][stage]][y] ^ ((l[3 - stage] >> (8 * j)) & 0xff);
  return t.q[kQChain[j][4]][y];
}

uint32_t TwofishH(uint32_t x, const uint32_t* l) {
  uint32_t z = 0;
  for (unsigned j = 0; j < 4; j++) z ^= MdsColumn(j, SboxByte(j, (x >> (8 * j)) & 0xff, l));
  return z;
}

inline uint32_t G0(const uint32_t (*s)[256], uint32_t x) { return s[0][x & 0xff] ^ s[1][(x >> 8) & 0xff] ^ s[2][(x >> 16) & 0xff] ^ s[3][x >> 24]; }
inline uint32_t G1(const uint32_t (*s)[256], uint32_t x) { return s[0][x >> 24] ^ s[1][x & 0xff] ^ s[2][(x >> 8) & 0xff] ^ s[3][(x >> 16) & 0xff]; }

}  // namespace

void PearsonHash(unsigned lanes, const uint8_t* p, size_t n, uint8_t* out) {
  if (lanes == 1) PearsonLanes<1>(p, n, out);
  else if (lanes == 2) PearsonLanes<2>(p, n, out);
  else PearsonLanes<4>(p, n, out);
}

// ---- Speck, CRYPTO.md §1.2 -------------------------------------------------------------------

void SpeckExpand(const uint8_t* key, size_t keyBytes, SpeckKey* out) {
  const unsigned m = static_cast<unsigned>(keyBytes / 8);
  const unsigned rounds = m == 2 ? 32 : 34;
  uint64_t l[34 + 3] = {};
  uint64_t k = Load64(key);
  for (unsigned i = 1; i < m; i++) l[i - 1] = Load64(key + 8 * i);
  out->rounds = rounds;
  for (unsigned i = 0; i < rounds; i++) {
    out->k[i] = k;
    l[i + m - 1] = (Ror64(l[i], 8) + k) ^ i;
    k = Rol64(k, 3) ^ l[i + m - 1];
  }
}

void SpeckEncryptBlock(const SpeckKey& key, const uint8_t in[16], uint8_t out[16]) {
  uint64_t y = Load64(in), x = Load64(in + 8);
  for (unsigned r = 0; r < key.rounds; r++) {
    x = (Ror64(x, 8) + y) ^ key.k[r];
    y = Rol64(y, 3) ^ x;
  }
  Store64(out, y);
  Store64(out + 8, x);
}

void SpeckDecryptBlock(const SpeckKey& key, const uint8_t in[16], uint8_t out[16]) {
  uint64_t y = Load64(in), x = Load64(in + 8);
  for (unsigned r = key.rounds; r-- > 0;) {
    y = Ror64(y ^ x, 3);
    x = Rol64((x ^ key.k[r]) - y, 8);
  }
  Store64(out, y);
  Store64(out + 8, x);
}

void SpeckCtr(const SpeckKey& key, const uint8_t iv[16], uint8_t* data, size_t n, uint8_t next[16]) {
  uint64_t counter = Load64(iv);
  const uint64_t fixed = Load64(iv + 8);
  size_t at = 0;
  // Four blocks at a time: independent chains the processor can run side by side.
  for (; at + 64 <= n; at += 64, counter += 4) {
    uint64_t y[4] = {counter, counter + 1, counter + 2, counter + 3};
    uint64_t x[4] = {fixed, fixed, fixed, fixed};
    for (unsigned r = 0; r < key.rounds; r++) {
      const uint64_t k = key.k[r];
      for (int b = 0; b < 4; b++) {
        x[b] = (Ror64(x[b], 8) + y[b]) ^ k;
        y[b] = Rol64(y[b], 3) ^ x[b];
      }
    }
    for (int b = 0; b < 4; b++) {
      uint8_t* d = data + at + 16 * b;
      Store64(d, Load64(d) ^ y[b]);
      Store64(d + 8, Load64(d + 8) ^ x[b]);
    }
  }
  for (; at < n; at += 16, counter++) {
    uint8_t block[16], stream[16];
    Store64(block, counter);
    Store64(block + 8, fixed);
    SpeckEncryptBlock(key, block, stream);
    const size_t len = n - at < 16 ? n - at : 16;
    for (size_t i = 0; i < len; i++) data[at + i] ^= stream[i];
  }
  if (next != nullptr) {
    Store64(next, counter);
    Store64(next + 8, fixed);
  }
}

// ---- Twofish-256, CRYPTO.md §1.4 ---------------------------------------------------------------

void TwofishExpand(const uint8_t key[32], TwofishKey* out) {
  uint32_t even[4], odd[4], sWords[4];
  for (unsigned i = 0; i < 4; i++) {
    even[i] = Load32(key + 8 * i);
    odd[i] = Load32(key + 8 * i + 4);
  }
  // S_i = RS · key bytes 8i..8i+7; h() takes them in reverse order (S_3 first).
  for (unsigned i = 0; i < 4; i++) {
    uint32_t word = 0;
    for (unsigned row = 0; row < 4; row++) {
      uint32_t byte = 0;
      for (unsigned col = 0; col < 8; col++) byte ^= GfMul(kRs[row][col], key[8 * i + col], 0x14d);
      word |= byte << (8 * row);
    }
    sWords[3 - i] = word;
  }
  for (uint32_t i = 0; i < 20; i++) {
    uint32_t a = TwofishH(2 * i * 0x01010101u, even);
    uint32_t b = Rol32(TwofishH((2 * i + 1) * 0x01010101u, odd), 8);
    out->k[2 * i] = a + b;
    out->k[2 * i + 1] = Rol32(a + 2 * b, 9);
  }
  for (unsigned j = 0; j < 4; j++) {
    for (uint32_t x = 0; x < 256; x++) out->s[j][x] = MdsColumn(j, SboxByte(j, x, sWords));
  }
}

void TwofishEncryptBlock(const TwofishKey& key, const uint8_t in[16], uint8_t out[16]) {
  const uint32_t* k = key.k;
  uint32_t a = Load32(in) ^ k[0], b = Load32(in + 4) ^ k[1], c = Load32(in + 8) ^ k[2], d = Load32(in + 12) ^ k[3];
  for (unsigned r = 8; r < 40; r += 4) {
    uint32_t t0 = G0(key.s, a), t1 = G1(key.s, b);
    c = Ror32(c ^ (t0 + t1 + k[r]), 1);
    d = Rol32(d, 1) ^ (t0 + 2 * t1 + k[r + 1]);
    t0 = G0(key.s, c);
    t1 = G1(key.s, d);
    a = Ror32(a ^ (t0 + t1 + k[r + 2]), 1);
    b = Rol32(b, 1) ^ (t0 + 2 * t1 + k[r + 3]);
  }
  Store32(out, c ^ k[4]);
  Store32(out + 4, d ^ k[5]);
  Store32(out + 8, a ^ k[6]);
  Store32(out + 12, b ^ k[7]);
}

void TwofishDecryptBlock(const TwofishKey& key, const uint8_t in[16], uint8_t out[16]) {
  const uint32_t* k = key.k;
  uint32_t c = Load32(in) ^ k[4], d = Load32(in + 4) ^ k[5], a = Load32(in + 8) ^ k[6], b = Load32(in + 12) ^ k[7];
  for (unsigned r = 36; r >= 8; r -= 4) {
    uint32_t t0 = G0(key.s, c), t1 = G1(key.s, d);
    a = Rol32(a, 1) ^ (t0 + t1 + k[r + 2]);
    b = Ror32(b ^ (t0 + 2 * t1 + k[r + 3]), 1);
    t0 = G0(key.s, a);
    t1 = G1(key.s, b);
    c = Rol32(c, 1) ^ (t0 + t1 + k[r]);
    d = Ror32(d ^ (t0 + 2 * t1 + k[r + 1]), 1);
  }
  Store32(out, a ^ k[0]);
  Store32(out + 4, b ^ k[1]);
  Store32(out + 8, c ^ k[2]);
  Store32(out + 12, d ^ k[3]);
}

}  // namespace kernels
}  // namespace kith
