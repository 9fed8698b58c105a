// The payload transforms: see payload.h.
#include "payload.h"

#include <cstring>
#include <vector>

#include "kernels.h"
#include "openssl_api.h"

namespace kith {
namespace payload {
namespace {

constexpr size_t kBlock = 16;
const uint8_t kZeros[kBlock] = {};

uint32_t Le32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 | static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}

class Null final : public Transform {
 public:
  size_t Overhead() const override { return 0; }
  long Encrypt(const uint8_t* src, size_t n, uint8_t* dst, size_t room, const uint8_t*) override { return Copy(src, n, dst, room); }
  long Decrypt(const uint8_t* src, size_t n, uint8_t* dst, size_t room) override { return Copy(src, n, dst, room); }

 private:
  static long Copy(const uint8_t* src, size_t n, uint8_t* dst, size_t room) {
    if (room < n) return kTooLong;
    std::memcpy(dst, src, n);
    return static_cast<long>(n);
  }
};

// ---- CBC with a zero IV, a random first block and CS2 stealing (CRYPTO.md §2.2, §2.3) ----------

class CbcCts : public Transform {
 public:
  size_t Overhead() const override { return kBlock; }

  long Encrypt(const uint8_t* src, size_t n, uint8_t* dst, size_t room, const uint8_t* random16) override {
    const size_t length = n + kBlock;
    if (room < length) return kTooLong;
    const size_t padded = (length + kBlock - 1) / kBlock * kBlock;
    // Built and encrypted in dst when the padding fits there, else in scratch.
    uint8_t* buf = room >= padded ? dst : Scratch(padded);
    std::memcpy(buf, random16, kBlock);
    std::memcpy(buf + kBlock, src, n);
    std::memset(buf + length, 0, padded - length);
    EncryptCbcZeroIv(buf, padded);
    const size_t tail = length % kBlock;
    if (tail == 0) {
      if (buf != dst) std::memcpy(dst, buf, length);
      return static_cast<long>(length);
    }
    // Stealing: [C_1 … C_{m-2} | C_m | first `tail` bytes of C_{m-1}].
    const size_t prev = padded - 2 * kBlock;
    uint8_t penultimate[kBlock];
    std::memcpy(penultimate, buf + prev, kBlock);
    if (buf != dst) std::memcpy(dst, buf, prev);
    std::memmove(dst + prev, buf + prev + kBlock, kBlock);
    std::memcpy(dst + prev + kBlock, penultimate, tail);
    return static_cast<long>(length);
  }

  long Decrypt(const uint8_t* src, size_t n, uint8_t* dst, size_t room) override {
    if (n < kBlock) return kTooShort;
    const size_t plain = n - kBlock;
    if (room < plain) return kTooLong;
    const size_t tail = n % kBlock;
    if (tail == 0) {
      // The random first block is dropped: blocks 2.. are decrypted and chained from block 1.
      DecryptBlocks(src + kBlock, dst, plain);
      Chain(dst, src, plain);
      return static_cast<long>(plain);
    }
    // CRYPTO.md §2.2: p is the offset of the last full block D[p..p+16).
    const size_t p = n - tail - kBlock;
    uint8_t x[kBlock], t[kBlock];
    DecryptBlocks(src + p, x, kBlock);
    // T = D[n-r..n) ‖ X[r..16) is C_{m-1}, which stands at p in the rebuilt ciphertext.
    std::memcpy(t, x, kBlock);
    std::memcpy(t, src + n - tail, tail);
    if (p > 0) {
      // Plaintext blocks 2..m-1: D[16..p) ‖ T, chained from D[0..16). Block i's predecessor is
      // D[16i..16i+16) for every i (the last one's is D[p-16..p), still a block of D).
      DecryptBlocks(src + kBlock, dst, p - kBlock);
      DecryptBlocks(t, dst + p - kBlock, kBlock);
      Chain(dst, src, p);
    }
    // The last plaintext block is X ⊕ T: `tail` bytes of data, then the zero padding n3n checks.
    uint8_t padding = 0;
    for (size_t i = tail; i < kBlock; i++) padding |= x[i] ^ t[i];
    if (padding != 0) return kBadPadding;
    for (size_t i = 0; i < tail; i++) dst[p + i] = x[i] ^ t[i];
    return static_cast<long>(plain);
  }

 protected:
  // CBC-encrypts buf[0, len) in place from an all-zero IV; len is a multiple of 16.
  virtual void EncryptCbcZeroIv(uint8_t* buf, size_t len) = 0;
  // Decrypts the blocks of in[0, len) independently (ECB) into out.
  virtual void DecryptBlocks(const uint8_t* in, uint8_t* out, size_t len) = 0;

 private:
  // out[16i..] ^= prev[16i..]: CBC's chaining after an ECB decryption.
  static void Chain(uint8_t* out, const uint8_t* prev, size_t len) {
    for (size_t i = 0; i < len; i++) out[i] ^= prev[i];
  }
  uint8_t* Scratch(size_t n) {
    if (scratch_.size() < n) scratch_.resize(n);
    return scratch_.data();
  }
  std::vector<uint8_t> scratch_;
};

// AES through two long-lived OpenSSL contexts: CBC encryption runs one endless chain whose last
// block is XORed into each packet's first block (so each packet starts from a zero IV without a
// new init), and decryption is ECB over all blocks at once (parallel in AES-NI) plus the chaining.
class Aes final : public CbcCts {
 public:
  Aes(const openssl::Api& api, const uint8_t* key, size_t keyBytes) : api_(api) {
    const EVP_CIPHER* cbc = keyBytes == 16 ? api.aes128Cbc() : keyBytes == 24 ? api.aes192Cbc() : api.aes256Cbc();
    const EVP_CIPHER* ecb = keyBytes == 16 ? api.aes128Ecb() : keyBytes == 24 ? api.aes192Ecb() : api.aes256Ecb();
    enc_ = api.ctxNew();
    dec_ = api.ctxNew();
    ok_ = enc_ != nullptr && dec_ != nullptr && api.encryptInit(enc_, cbc, nullptr, key, kZeros) == 1 &&
          api.decryptInit(dec_, ecb, nullptr, key, nullptr) == 1 && api.setPadding(enc_, 0) == 1 && api.setPadding(dec_, 0) == 1;
  }
  ~Aes() override {
    if (enc_ != nullptr) api_.ctxFree(enc_);
    if (dec_ != nullptr) api_.ctxFree(dec_);
  }
  bool ok() const { return ok_; }

 protected:
  void EncryptCbcZeroIv(uint8_t* buf, size_t len) override {
    for (size_t i = 0; i < kBlock; i++) buf[i] ^= chain_[i];
    int out = 0;
    api_.encryptUpdate(enc_, buf, &out, buf, static_cast<int>(len));
    std::memcpy(chain_, buf + len - kBlock, kBlock);
  }
  void DecryptBlocks(const uint8_t* in, uint8_t* out, size_t len) override {
    int written = 0;
    api_.decryptUpdate(dec_, out, &written, in, static_cast<int>(len));
  }

 private:
  const openssl::Api& api_;
  EVP_CIPHER_CTX* enc_ = nullptr;
  EVP_CIPHER_CTX* dec_ = nullptr;
  uint8_t chain_[kBlock] = {};
  bool ok_ = false;
};

class Twofish final : public CbcCts {
 public:
  explicit Twofish(const uint8_t key[32]) { kernels::TwofishExpand(key, &key_); }

 protected:
  void EncryptCbcZeroIv(uint8_t* buf, size_t len) override {
    const uint8_t* prev = kZeros;
    for (size_t at = 0; at < len; at += kBlock) {
      for (size_t i = 0; i < kBlock; i++) buf[at + i] ^= prev[i];
      kernels::TwofishEncryptBlock(key_, buf + at, buf + at);
      prev = buf + at;
    }
  }
  void DecryptBlocks(const uint8_t* in, uint8_t* out, size_t len) override {
    for (size_t at = 0; at < len; at += kBlock) kernels::TwofishDecryptBlock(key_, in + at, out + at);
  }

 private:
  kernels::TwofishKey key_;
};

// ---- Stream transforms: the IV in clear, then the XOR (CRYPTO.md §2.4, §2.5) -----------------

class Stream : public Transform {
 public:
  size_t Overhead() const override { return kBlock; }

  long Encrypt(const uint8_t* src, size_t n, uint8_t* dst, size_t room, const uint8_t* random16) override {
    if (room < n + kBlock) return kTooLong;
    std::memcpy(dst, random16, kBlock);
    Xor(random16, src, dst + kBlock, n);
    return static_cast<long>(n + kBlock);
  }

  long Decrypt(const uint8_t* src, size_t n, uint8_t* dst, size_t room) override {
    if (n < kBlock) return kTooShort;
    if (room < n - kBlock) return kTooLong;
    Xor(src, src + kBlock, dst, n - kBlock);
    return static_cast<long>(n - kBlock);
  }

 protected:
  // out[0, n) = in[0, n) ⊕ the keystream for iv.
  virtual void Xor(const uint8_t* iv, const uint8_t* in, uint8_t* out, size_t n) = 0;
};

// ChaCha20 through one OpenSSL context keyed once; each packet only sets its IV. n3n's own
// ChaCha20 wraps the 32-bit block counter without carrying into the nonce (CRYPTO.md §1.5), so
// a packet across the wrap is done in two parts, the second from counter 0.
class ChaCha20 final : public Stream {
 public:
  ChaCha20(const openssl::Api& api, const uint8_t key[32]) : api_(api) {
    ctx_ = api.ctxNew();
    ok_ = ctx_ != nullptr && api.encryptInit(ctx_, api.chacha20(), nullptr, key, kZeros) == 1;
  }
  ~ChaCha20() override {
    if (ctx_ != nullptr) api_.ctxFree(ctx_);
  }
  bool ok() const { return ok_; }

  // PROTOCOL.md §5.1.3: no counter wrap inside a packet we send (a counter below 2^31 has room
  // for any packet), so n3n builds with and without OpenSSL read it alike.
  void Fit(uint8_t* random16, size_t n) const override {
    if (WrapsAt(random16, n) != 0) random16[3] &= 0x7f;
  }

 protected:
  void Xor(const uint8_t* iv, const uint8_t* in, uint8_t* out, size_t n) override {
    const size_t head = WrapsAt(iv, n);
    if (head == 0) {
      Run(iv, in, out, n);
      return;
    }
    uint8_t wrapped[kBlock];
    std::memcpy(wrapped, iv, kBlock);
    std::memset(wrapped, 0, 4);
    Run(iv, in, out, head);
    Run(wrapped, in + head, out + head, n - head);
  }

 private:
  // Bytes before the counter wraps, if it wraps inside n bytes; else 0.
  static size_t WrapsAt(const uint8_t* iv, size_t n) {
    const uint64_t counter = Le32(iv);
    const uint64_t blocks = (n + 63) / 64;
    if (blocks == 0 || counter + blocks - 1 <= 0xffffffffULL) return 0;
    return static_cast<size_t>((0x100000000ULL - counter) * 64);
  }
  void Run(const uint8_t* iv, const uint8_t* in, uint8_t* out, size_t n) {
    int written = 0;
    api_.encryptInit(ctx_, nullptr, nullptr, nullptr, iv);
    api_.encryptUpdate(ctx_, out, &written, in, static_cast<int>(n));
  }

  const openssl::Api& api_;
  EVP_CIPHER_CTX* ctx_ = nullptr;
  bool ok_ = false;
};

class Speck final : public Stream {
 public:
  explicit Speck(const uint8_t key[32]) { kernels::SpeckExpand(key, 32, &key_); }

 protected:
  void Xor(const uint8_t* iv, const uint8_t* in, uint8_t* out, size_t n) override {
    std::memcpy(out, in, n);
    kernels::SpeckCtr(key_, iv, out, n, nullptr);
  }

 private:
  kernels::SpeckKey key_;
};

}  // namespace

std::unique_ptr<Transform> Create(Cipher cipher, const uint8_t* key, size_t keyLen, std::string* why) {
  // CRYPTO.md §2.0: every cipher is keyed from H = pearson256(key).
  uint8_t h[32];
  kernels::PearsonHash(4, key, keyLen, h);
  const openssl::Api* api = openssl::Get();
  switch (cipher) {
    case Cipher::kNull:
      return std::make_unique<Null>();
    case Cipher::kTwofish:
      return std::make_unique<Twofish>(h);
    case Cipher::kSpeck:
      return std::make_unique<Speck>(h);
    case Cipher::kAes: {
      if (api == nullptr) break;
      // CRYPTO.md §2.3: the key length picks AES-128/192/256, always the last bytes of H.
      const size_t bytes = keyLen <= 22 ? 16 : keyLen <= 32 ? 24 : 32;
      auto aes = std::make_unique<Aes>(*api, h + 32 - bytes, bytes);
      if (aes->ok()) return aes;
      *why = "OpenSSL refused the AES key";
      return nullptr;
    }
    case Cipher::kChaCha20: {
      if (api == nullptr) break;
      auto chacha = std::make_unique<ChaCha20>(*api, h);
      if (chacha->ok()) return chacha;
      *why = "OpenSSL refused the ChaCha20 key";
      return nullptr;
    }
  }
  *why = api == nullptr ? "this process exports no OpenSSL 3 (Electron), so AES and ChaCha20 stay in JavaScript" : "unknown cipher";
  return nullptr;
}

}  // namespace payload
}  // namespace kith
