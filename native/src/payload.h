// n2n/n3n payload transforms in native code (CRYPTO.md §2), byte for byte what the TypeScript
// transforms in engine/crypto/transforms produce (they are the reference; a differential test
// checks the two agree): AES and Twofish with zero-IV CBC, a random first block and CS2 ciphertext
// stealing, ChaCha20 with a clear 16-byte IV and n3n's no-carry counter wrap, Speck with n3n's CTR,
// and null. AES and ChaCha20 use the host's OpenSSL (openssl_api.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace kith {
namespace payload {

// Wire ids (PROTOCOL.md §5.1).
enum class Cipher { kNull = 1, kTwofish = 2, kAes = 3, kChaCha20 = 4, kSpeck = 5 };

// Results other than a length.
constexpr long kTooShort = -1;   // shorter than the transform's overhead
constexpr long kTooLong = -2;    // does not fit the room given
constexpr long kBadPadding = -3; // CBC stealing: the recovered padding was not zero

class Transform {
 public:
  virtual ~Transform() = default;
  // Bytes encrypt adds: 0 for null, 16 for every cipher.
  virtual size_t Overhead() const = 0;
  // Makes freshly drawn random bytes fit this packet (ChaCha20: no counter wrap inside it).
  virtual void Fit(uint8_t* random16, size_t n) const {
    (void)random16;
    (void)n;
  }
  // src[0, n) to dst (room bytes), with the packet's 16 random bytes; the length written or kTooLong.
  virtual long Encrypt(const uint8_t* src, size_t n, uint8_t* dst, size_t room, const uint8_t* random16) = 0;
  // A received payload src[0, n) to dst; the plaintext length or an error. dst must not overlap src.
  virtual long Decrypt(const uint8_t* src, size_t n, uint8_t* dst, size_t room) = 0;
};

// key: the raw bytes of community.key. nullptr with *why set when the cipher cannot be had here
// ("no OpenSSL" for AES/ChaCha20 without the host's OpenSSL 3).
std::unique_ptr<Transform> Create(Cipher cipher, const uint8_t* key, size_t keyLen, std::string* why);

}  // namespace payload
}  // namespace kith
