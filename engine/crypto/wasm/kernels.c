/*
 * Kith's own WebAssembly crypto kernels, written from /work/shared/spec/CRYPTO.md (§1.1 Pearson,
 * §1.2 Speck with n3n's CTR, §1.4 Twofish) and the published algorithm papers. ChaCha20 and AES
 * stay on Node's OpenSSL.
 * Built by scripts/build-wasm.sh; loaded by kernels.ts.
 *
 * No libc: every buffer is static. JavaScript copies one packet into `io`, the IV / chaining
 * block into `iv`, calls a kernel, and copies the result
 * back. Expanded keys live in slots that kernels.ts allocates above __heap_base and passes in by
 * address. Multi-call (chunked) processing is possible because every streaming kernel leaves the
 * next counter / chaining block in `iv`.
 */
#include <wasm_simd128.h>

typedef unsigned char u8;
typedef unsigned int u32;
typedef unsigned long long u64;

#define EXPORT(name) __attribute__((export_name(#name)))
#define INLINE static inline __attribute__((always_inline))

/* Holds any UDP payload, so a datagram is one call; a multiple of 64 keeps chunked counters and
 * CBC chains aligned for larger inputs. */
#define IO_BYTES 65536

static u8 io[IO_BYTES] __attribute__((aligned(16)));
static u8 iv[16] __attribute__((aligned(16)));
static u8 pearson_out[32];
static u8 tail_keystream[256] __attribute__((aligned(16)));

EXPORT(io_area) u8 *io_area(void) { return io; }
EXPORT(io_bytes) u32 io_bytes(void) { return IO_BYTES; }
EXPORT(iv_area) u8 *iv_area(void) { return iv; }
EXPORT(pearson_out_area) u8 *pearson_out_area(void) { return pearson_out; }

INLINE u32 load32(const u8 *p) { u32 v; __builtin_memcpy(&v, p, 4); return v; }
INLINE u64 load64(const u8 *p) { u64 v; __builtin_memcpy(&v, p, 8); return v; }
INLINE void store32(u8 *p, u32 v) { __builtin_memcpy(p, &v, 4); }
INLINE void store64(u8 *p, u64 v) { __builtin_memcpy(p, &v, 8); }
INLINE u32 rol32(u32 x, u32 n) { return (x << n) | (x >> (32 - n)); }
INLINE u32 ror32(u32 x, u32 n) { return (x >> n) | (x << (32 - n)); }
INLINE u64 rol64(u64 x, u32 n) { return (x << n) | (x >> (64 - n)); }
INLINE u64 ror64(u64 x, u32 n) { return (x >> n) | (x << (64 - n)); }

static void xor_bytes(u8 *data, const u8 *keystream, u32 n) {
  for (u32 i = 0; i < n; i++) data[i] ^= keystream[i];
}

/* ---- Pearson block hash, CRYPTO.md §1.1 ------------------------------------------------------ */

static u64 lanes_h[4];

INLINE u64 mix13(u64 x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/* Lane j (0-based) steps with constant j + 1. `lanes` is a constant at every call site, so the
 * lane loop unrolls and the state stays in locals. */
INLINE void pearson_words_n(u32 lanes, const u8 *p, u32 words) {
  u64 h[4];
  for (u32 j = 0; j < lanes; j++) h[j] = lanes_h[j];
  for (u32 w = 0; w < words; w++) {
    u64 v = load64(p + 8 * w);
    for (u32 j = 0; j < lanes; j++) h[j] = mix13((h[j] ^ v) - (j + 1));
  }
  for (u32 j = 0; j < lanes; j++) lanes_h[j] = h[j];
}

static void pearson_words(u32 lanes, const u8 *p, u32 words) {
  if (lanes == 1) pearson_words_n(1, p, words);
  else if (lanes == 2) pearson_words_n(2, p, words);
  else pearson_words_n(4, p, words);
}

static void pearson_value(u32 lanes, u64 v) {
  for (u32 j = 0; j < lanes; j++) lanes_h[j] = mix13((lanes_h[j] ^ v) - (j + 1));
}

EXPORT(pearson_reset) void pearson_reset(void) {
  for (u32 j = 0; j < 4; j++) lanes_h[j] = 0;
}

/* Steps 2 for io[0, len); len must be a multiple of 8 (a non-final chunk). */
EXPORT(pearson_update) void pearson_update(u32 lanes, u32 len) { pearson_words(lanes, io, len >> 3); }

/* Steps 2–6 for the final chunk io[0, len) of a `total`-byte input; writes
 * BE64(h_lanes) ‖ … ‖ BE64(h_1) to pearson_out. */
EXPORT(pearson_final) void pearson_final(u32 lanes, u32 len, u32 total_lo, u32 total_hi) {
  u32 words = len >> 3;
  pearson_words(lanes, io, words);
  for (u32 j = 0; j < lanes; j++) lanes_h[j] = ~lanes_h[j];
  for (u32 i = words << 3; i < len; i++) pearson_value(lanes, io[i]);
  for (u32 j = 0; j < lanes; j++) lanes_h[j] = ~lanes_h[j];
  pearson_value(lanes, ((u64)total_hi << 32) | total_lo);
  for (u32 j = 0; j < lanes; j++) store64(pearson_out + 8 * (lanes - 1 - j), __builtin_bswap64(lanes_h[j]));
}

/* ---- Speck-128/128 and -128/256, CRYPTO.md §1.2 --------------------------------------------- */

/* Slot layout: u64 rounds, then the round keys k_0 .. k_{rounds-1}. */
#define SPECK_MAX_ROUNDS 34

EXPORT(speck_slot_bytes) u32 speck_slot_bytes(void) { return 8 * (1 + SPECK_MAX_ROUNDS); }

/* Key (16 or 32 bytes) in io. */
EXPORT(speck_expand) void speck_expand(u64 *slot, u32 key_bytes) {
  u32 m = key_bytes / 8;
  u32 rounds = m == 2 ? 32 : 34;
  u64 l[SPECK_MAX_ROUNDS + 3];
  u64 k = load64(io);
  for (u32 i = 1; i < m; i++) l[i - 1] = load64(io + 8 * i);
  slot[0] = rounds;
  for (u32 i = 0; i < rounds; i++) {
    slot[1 + i] = k;
    l[i + m - 1] = (ror64(l[i], 8) + k) ^ i;
    k = rol64(k, 3) ^ l[i + m - 1];
  }
}

static void speck_encrypt(const u64 *slot, u8 *block) {
  u64 y = load64(block), x = load64(block + 8);
  u32 rounds = (u32)slot[0];
  for (u32 r = 0; r < rounds; r++) {
    x = (ror64(x, 8) + y) ^ slot[1 + r];
    y = rol64(y, 3) ^ x;
  }
  store64(block, y);
  store64(block + 8, x);
}

EXPORT(speck_encrypt_block) void speck_encrypt_block(const u64 *slot) { speck_encrypt(slot, io); }

EXPORT(speck_decrypt_block) void speck_decrypt_block(const u64 *slot) {
  u64 y = load64(io), x = load64(io + 8);
  for (u32 r = (u32)slot[0]; r-- > 0;) {
    y = ror64(y ^ x, 3);
    x = rol64((x ^ slot[1 + r]) - y, 8);
  }
  store64(io, y);
  store64(io + 8, x);
}

/* ROR by 8 of each 64-bit lane is a byte rotation: one shuffle. */
INLINE v128_t ror8x2(v128_t x) { return wasm_i8x16_shuffle(x, x, 1, 2, 3, 4, 5, 6, 7, 0, 9, 10, 11, 12, 13, 14, 15, 8); }
INLINE v128_t rol3x2(v128_t y) { return wasm_v128_or(wasm_i64x2_shl(y, 3), wasm_u64x2_shr(y, 61)); }

/* Four consecutive counter blocks, two per vector; y lanes are the counters, x the fixed half.
 * XORs the 64 keystream bytes into out. */
static void speck_xor4(const u64 *slot, u64 counter, u64 fixed, u8 *out) {
  v128_t y0 = wasm_i64x2_add(wasm_i64x2_splat((long long)counter), wasm_i64x2_make(0, 1));
  v128_t y1 = wasm_i64x2_add(wasm_i64x2_splat((long long)counter), wasm_i64x2_make(2, 3));
  v128_t x0 = wasm_i64x2_splat((long long)fixed), x1 = x0;
  u32 rounds = (u32)slot[0];
  for (u32 r = 0; r < rounds; r++) {
    v128_t k = wasm_v128_load64_splat(&slot[1 + r]);
    x0 = wasm_v128_xor(wasm_i64x2_add(ror8x2(x0), y0), k);
    x1 = wasm_v128_xor(wasm_i64x2_add(ror8x2(x1), y1), k);
    y0 = wasm_v128_xor(rol3x2(y0), x0);
    y1 = wasm_v128_xor(rol3x2(y1), x1);
  }
  v128_t blocks[4] = {
    wasm_i64x2_shuffle(y0, x0, 0, 2), wasm_i64x2_shuffle(y0, x0, 1, 3),
    wasm_i64x2_shuffle(y1, x1, 0, 2), wasm_i64x2_shuffle(y1, x1, 1, 3),
  };
  for (u32 b = 0; b < 4; b++) wasm_v128_store(out + 16 * b, wasm_v128_xor(wasm_v128_load(out + 16 * b), blocks[b]));
}

static void zero_tail_keystream(void) {
  for (u32 i = 0; i < sizeof tail_keystream; i += 16) wasm_v128_store(tail_keystream + i, wasm_i64x2_splat(0));
}

/* n3n's CTR over io[0, len) with the counter block in iv: the low 64-bit LE word counts blocks
 * mod 2^64, bytes 8..15 never change. Leaves the next counter in iv. */
EXPORT(speck_ctr) void speck_ctr(const u64 *slot, u32 len) {
  u64 counter = load64(iv), fixed = load64(iv + 8);
  u32 at = 0;
  for (; at + 64 <= len; at += 64, counter += 4) speck_xor4(slot, counter, fixed, io + at);
  if (at < len) {
    u32 rest = len - at;
    if (rest <= 16) {
      store64(tail_keystream, counter);
      store64(tail_keystream + 8, fixed);
      speck_encrypt(slot, tail_keystream);
    } else {
      zero_tail_keystream();
      speck_xor4(slot, counter, fixed, tail_keystream);
    }
    xor_bytes(io + at, tail_keystream, rest);
    counter += (rest + 15) / 16;
  }
  store64(iv, counter);
}

/* ---- Twofish-256, CRYPTO.md §1.4 (Schneier et al., "Twofish: A 128-Bit Block Cipher") -------- */

/* The 4-bit tables t0..t3 of the fixed permutations q0 and q1. */
static const u8 q_nibbles[2][4][16] = {
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

/* For output byte j of h() with a 256-bit key: the q permutation used by each of the five stages. */
static const u8 q_chain[4][5] = {{1, 1, 0, 0, 1}, {0, 1, 1, 0, 0}, {0, 0, 0, 1, 1}, {1, 0, 1, 1, 0}};
static const u8 mds[4][4] = {{0x01, 0xef, 0x5b, 0x5b}, {0x5b, 0xef, 0xef, 0x01}, {0xef, 0x5b, 0x01, 0xef}, {0xef, 0x01, 0xef, 0x5b}};
static const u8 rs[4][8] = {
  {0x01, 0xa4, 0x55, 0x87, 0x5a, 0x58, 0xdb, 0x9e},
  {0xa4, 0x56, 0x82, 0xf3, 0x1e, 0xc6, 0x68, 0xe5},
  {0x02, 0xa1, 0xfc, 0xc1, 0x47, 0xae, 0x3d, 0x19},
  {0xa4, 0x55, 0x87, 0x5a, 0x58, 0xdb, 0x9e, 0x03},
};

static u8 q[2][256];
static u32 q_ready;

static void build_q(void) {
  for (u32 t = 0; t < 2; t++) {
    for (u32 x = 0; x < 256; x++) {
      u32 a = x >> 4, b = x & 15;
      for (u32 stage = 0; stage < 2; stage++) {
        u32 mixed_a = a ^ b;
        u32 mixed_b = (a ^ (((b >> 1) | (b << 3)) & 15) ^ (a << 3)) & 15;
        a = q_nibbles[t][2 * stage][mixed_a];
        b = q_nibbles[t][2 * stage + 1][mixed_b];
      }
      q[t][x] = (u8)((b << 4) | a);
    }
  }
  q_ready = 1;
}

static u32 gf_mul(u32 a, u32 b, u32 poly) {
  u32 product = 0;
  for (; b != 0; b >>= 1) {
    if (b & 1) product ^= a;
    a <<= 1;
    if (a & 0x100) a ^= poly;
  }
  return product;
}

/* Column j of the MDS matrix times y, as a little-endian word. */
static u32 mds_column(u32 j, u32 y) {
  u32 word = 0;
  for (u32 row = 0; row < 4; row++) word |= gf_mul(mds[row][j], y, 0x169) << (8 * row);
  return word;
}

/* Key-dependent S-box for byte position j: five q stages interleaved with key words l[3..0]. */
static u32 sbox_byte(u32 j, u32 x, const u32 *l) {
  u32 y = x;
  for (u32 stage = 0; stage < 4; stage++) y = q[q_chain[j][stage]][y] ^ ((l[3 - stage] >> (8 * j)) & 0xff);
  return q[q_chain[j][4]][y];
}

static u32 twofish_h(u32 x, const u32 *l) {
  u32 z = 0;
  for (u32 j = 0; j < 4; j++) z ^= mds_column(j, sbox_byte(j, (x >> (8 * j)) & 0xff, l));
  return z;
}

/* Slot layout: round subkeys K0..K39, then the full-keyed g() tables (MDS folded into the
 * key-dependent S-boxes): g(x) = s[0][x0] ^ s[1][x1] ^ s[2][x2] ^ s[3][x3]. */
typedef struct {
  u32 k[40];
  u32 s[4][256];
} twofish_slot;

EXPORT(twofish_slot_bytes) u32 twofish_slot_bytes(void) { return sizeof(twofish_slot); }

/* 32-byte key in io. */
EXPORT(twofish_expand) void twofish_expand(twofish_slot *slot) {
  if (!q_ready) build_q();
  u32 even[4], odd[4], s_words[4];
  for (u32 i = 0; i < 4; i++) {
    even[i] = load32(io + 8 * i);
    odd[i] = load32(io + 8 * i + 4);
  }
  /* S_i = RS · key bytes 8i..8i+7; h() consumes them in reverse order (S_3 first). */
  for (u32 i = 0; i < 4; i++) {
    u32 word = 0;
    for (u32 row = 0; row < 4; row++) {
      u32 byte = 0;
      for (u32 col = 0; col < 8; col++) byte ^= gf_mul(rs[row][col], io[8 * i + col], 0x14d);
      word |= byte << (8 * row);
    }
    s_words[3 - i] = word;
  }
  for (u32 i = 0; i < 20; i++) {
    u32 a = twofish_h(2 * i * 0x01010101u, even);
    u32 b = rol32(twofish_h((2 * i + 1) * 0x01010101u, odd), 8);
    slot->k[2 * i] = a + b;
    slot->k[2 * i + 1] = rol32(a + 2 * b, 9);
  }
  for (u32 j = 0; j < 4; j++) {
    for (u32 x = 0; x < 256; x++) slot->s[j][x] = mds_column(j, sbox_byte(j, x, s_words));
  }
}

#define G0(s, x) (s[0][(x) & 0xff] ^ s[1][((x) >> 8) & 0xff] ^ s[2][((x) >> 16) & 0xff] ^ s[3][(x) >> 24])
#define G1(s, x) (s[0][(x) >> 24] ^ s[1][(x) & 0xff] ^ s[2][((x) >> 8) & 0xff] ^ s[3][((x) >> 16) & 0xff])

/* CBC-encrypts io[0, len) in place (len a multiple of 16), chained from iv; leaves the last
 * ciphertext block in iv. */
EXPORT(twofish_cbc_encrypt) void twofish_cbc_encrypt(const twofish_slot *slot, u32 len) {
  const u32 *k = slot->k;
  u32 v0 = load32(iv), v1 = load32(iv + 4), v2 = load32(iv + 8), v3 = load32(iv + 12);
  for (u32 at = 0; at < len; at += 16) {
    u8 *p = io + at;
    u32 a = load32(p) ^ v0 ^ k[0], b = load32(p + 4) ^ v1 ^ k[1];
    u32 c = load32(p + 8) ^ v2 ^ k[2], d = load32(p + 12) ^ v3 ^ k[3];
    for (u32 r = 8; r < 40; r += 4) {
      u32 t0 = G0(slot->s, a), t1 = G1(slot->s, b);
      c = ror32(c ^ (t0 + t1 + k[r]), 1);
      d = rol32(d, 1) ^ (t0 + 2 * t1 + k[r + 1]);
      t0 = G0(slot->s, c);
      t1 = G1(slot->s, d);
      a = ror32(a ^ (t0 + t1 + k[r + 2]), 1);
      b = rol32(b, 1) ^ (t0 + 2 * t1 + k[r + 3]);
    }
    v0 = c ^ k[4];
    v1 = d ^ k[5];
    v2 = a ^ k[6];
    v3 = b ^ k[7];
    store32(p, v0);
    store32(p + 4, v1);
    store32(p + 8, v2);
    store32(p + 12, v3);
  }
  store32(iv, v0);
  store32(iv + 4, v1);
  store32(iv + 8, v2);
  store32(iv + 12, v3);
}

/* CBC-decrypts io[0, len) in place (len a multiple of 16), chained from iv; leaves the last
 * ciphertext block in iv. */
EXPORT(twofish_cbc_decrypt) void twofish_cbc_decrypt(const twofish_slot *slot, u32 len) {
  const u32 *k = slot->k;
  u32 v0 = load32(iv), v1 = load32(iv + 4), v2 = load32(iv + 8), v3 = load32(iv + 12);
  for (u32 at = 0; at < len; at += 16) {
    u8 *p = io + at;
    u32 c0 = load32(p), c1 = load32(p + 4), c2 = load32(p + 8), c3 = load32(p + 12);
    u32 c = c0 ^ k[4], d = c1 ^ k[5], a = c2 ^ k[6], b = c3 ^ k[7];
    for (u32 r = 36; r >= 8; r -= 4) {
      u32 t0 = G0(slot->s, c), t1 = G1(slot->s, d);
      a = rol32(a, 1) ^ (t0 + t1 + k[r + 2]);
      b = ror32(b ^ (t0 + 2 * t1 + k[r + 3]), 1);
      t0 = G0(slot->s, a);
      t1 = G1(slot->s, b);
      c = rol32(c, 1) ^ (t0 + t1 + k[r]);
      d = ror32(d ^ (t0 + 2 * t1 + k[r + 1]), 1);
    }
    store32(p, a ^ k[0] ^ v0);
    store32(p + 4, b ^ k[1] ^ v1);
    store32(p + 8, c ^ k[2] ^ v2);
    store32(p + 12, d ^ k[3] ^ v3);
    v0 = c0;
    v1 = c1;
    v2 = c2;
    v3 = c3;
  }
  store32(iv, v0);
  store32(iv + 4, v1);
  store32(iv + 8, v2);
  store32(iv + 12, v3);
}
