// The addon's crypto for JavaScript: payload transforms over whole batches of packets in one call
// (payload.h), and the Pearson/Speck/Twofish kernels the engine calls per packet (kernels.h).
// Keys live in externals tagged with their type, so a wrong handle is a TypeError, not a crash.
//
// Batches: packet i is src[srcSpans[2i], +srcSpans[2i+1]); its result goes to dst from
// dstSpans[2i] with room dstSpans[2i+1], which is then replaced by the length written or a
// negative error (-1 too short, -2 too long, -3 bad padding). src and dst must not overlap.
#include <napi.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "backend.h"
#include "kernels.h"
#include "modules.h"
#include "payload.h"
#include "random.h"

namespace kith {
namespace {

// napi_type_tag values: random, fixed per kind of handle.
constexpr napi_type_tag kCipherTag = {0x6b697468c1a5e001ULL, 0x9d2b7e4f01c3a5b7ULL};
constexpr napi_type_tag kSpeckTag = {0x6b697468c1a5e002ULL, 0x3f8e1d6c5b4a2918ULL};
constexpr napi_type_tag kTwofishTag = {0x6b697468c1a5e003ULL, 0x71c2e3d4a5b69788ULL};

template <typename T>
Napi::Value Wrap(Napi::Env env, std::unique_ptr<T> owned, const napi_type_tag& tag) {
  auto ext = Napi::External<T>::New(env, owned.release(), [](Napi::Env, T* p) { delete p; });
  napi_type_tag_object(env, ext, &tag);
  return ext;
}

template <typename T>
T* Unwrap(const Napi::CallbackInfo& info, size_t i, const napi_type_tag& tag, const char* what) {
  bool ok = false;
  if (info[i].IsExternal()) napi_check_object_type_tag(info.Env(), info[i], &tag, &ok);
  if (!ok) throw Napi::TypeError::New(info.Env(), what);
  return info[i].As<Napi::External<T>>().Data();
}

struct Bytes {
  uint8_t* data;
  size_t len;
};

Bytes U8(const Napi::CallbackInfo& info, size_t i, const char* usage) {
  if (!info[i].IsTypedArray() || info[i].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    throw Napi::TypeError::New(info.Env(), usage);
  }
  auto a = info[i].As<Napi::Uint8Array>();
  return {a.Data(), a.ByteLength()};
}

size_t Index(const Napi::CallbackInfo& info, size_t i, const char* usage) {
  if (!info[i].IsNumber()) throw Napi::TypeError::New(info.Env(), usage);
  double v = info[i].As<Napi::Number>().DoubleValue();
  if (!(v >= 0 && v <= 4294967295.0) || v != static_cast<double>(static_cast<uint64_t>(v))) {
    throw Napi::RangeError::New(info.Env(), usage);
  }
  return static_cast<size_t>(v);
}

void InRange(Napi::Env env, const Bytes& b, size_t start, size_t len) {
  if (start > b.len || len > b.len - start) throw Napi::RangeError::New(env, "range outside the array");
}

// ---- Batched payload transforms ----------------------------------------------------------------

// cipherOpen(cipherId, key) -> handle | reason (string) when this cipher cannot be had here.
Napi::Value CipherOpen(const Napi::CallbackInfo& info) {
  static const char* kUsage = "cipherOpen(id: 1..5, key: Uint8Array)";
  size_t id = Index(info, 0, kUsage);
  Bytes key = U8(info, 1, kUsage);
  if (id < 1 || id > 5) throw Napi::RangeError::New(info.Env(), kUsage);
  std::string why;
  auto t = payload::Create(static_cast<payload::Cipher>(id), key.data, key.len, &why);
  if (!t) return Napi::String::New(info.Env(), why);
  return Wrap(info.Env(), std::move(t), kCipherTag);
}

Napi::Value CipherOverhead(const Napi::CallbackInfo& info) {
  auto* t = Unwrap<payload::Transform>(info, 0, kCipherTag, "cipherOverhead(handle)");
  return Napi::Number::New(info.Env(), static_cast<double>(t->Overhead()));
}

struct Batch {
  payload::Transform* t;
  Bytes src, dst;
  const uint32_t* srcSpans;
  int32_t* dstSpans;
  size_t count;
};

Batch ReadBatch(const Napi::CallbackInfo& info, const char* usage) {
  Napi::Env env = info.Env();
  Batch b;
  b.t = Unwrap<payload::Transform>(info, 0, kCipherTag, usage);
  b.src = U8(info, 1, usage);
  if (!info[2].IsTypedArray() || info[2].As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array) throw Napi::TypeError::New(env, usage);
  b.dst = U8(info, 3, usage);
  if (!info[4].IsTypedArray() || info[4].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) throw Napi::TypeError::New(env, usage);
  b.count = Index(info, 5, usage);
  auto srcSpans = info[2].As<Napi::Uint32Array>();
  auto dstSpans = info[4].As<Napi::Int32Array>();
  if (b.count > srcSpans.ElementLength() / 2 || b.count > dstSpans.ElementLength() / 2) throw Napi::RangeError::New(env, "count beyond the spans");
  b.srcSpans = srcSpans.Data();
  b.dstSpans = dstSpans.Data();
  // Everything is checked before anything is written.
  if (b.src.data < b.dst.data + b.dst.len && b.dst.data < b.src.data + b.src.len) throw Napi::RangeError::New(env, "src and dst overlap");
  for (size_t i = 0; i < b.count; i++) {
    InRange(env, b.src, b.srcSpans[2 * i], b.srcSpans[2 * i + 1]);
    if (b.dstSpans[2 * i] < 0 || b.dstSpans[2 * i + 1] < 0) throw Napi::RangeError::New(env, "negative span");
    InRange(env, b.dst, static_cast<size_t>(b.dstSpans[2 * i]), static_cast<size_t>(b.dstSpans[2 * i + 1]));
  }
  return b;
}

// cipherEncrypt(handle, src, srcSpans, dst, dstSpans, count, ivs?) -> packets encrypted. ivs
// (16 bytes per packet) replaces the random bytes each packet would draw: tests only.
Napi::Value CipherEncrypt(const Napi::CallbackInfo& info) {
  static const char* kUsage = "cipherEncrypt(handle, src: Uint8Array, srcSpans: Uint32Array, dst: Uint8Array, dstSpans: Int32Array, count, ivs?: Uint8Array)";
  Batch b = ReadBatch(info, kUsage);
  static thread_local std::vector<uint8_t> drawn;
  const uint8_t* random;
  if (info.Length() > 6 && !info[6].IsUndefined()) {
    Bytes ivs = U8(info, 6, kUsage);
    if (ivs.len / 16 < b.count) throw Napi::RangeError::New(info.Env(), "ivs: 16 bytes per packet");
    random = ivs.data;
  } else {
    drawn.resize(16 * b.count);
    if (b.t->Overhead() > 0 && !SystemRandom(drawn.data(), drawn.size())) throw Napi::Error::New(info.Env(), "the system's random generator failed");
    for (size_t i = 0; i < b.count; i++) b.t->Fit(drawn.data() + 16 * i, b.srcSpans[2 * i + 1]);
    random = drawn.data();
  }
  uint32_t ok = 0;
  for (size_t i = 0; i < b.count; i++) {
    long r = b.t->Encrypt(b.src.data + b.srcSpans[2 * i], b.srcSpans[2 * i + 1], b.dst.data + b.dstSpans[2 * i],
                          static_cast<size_t>(b.dstSpans[2 * i + 1]), random + 16 * i);
    b.dstSpans[2 * i + 1] = static_cast<int32_t>(r);
    if (r >= 0) ok++;
  }
  // Random bytes are never handed out twice.
  if (!drawn.empty()) std::memset(drawn.data(), 0, drawn.size());
  return Napi::Number::New(info.Env(), ok);
}

// cipherDecrypt(handle, src, srcSpans, dst, dstSpans, count) -> packets decrypted.
Napi::Value CipherDecrypt(const Napi::CallbackInfo& info) {
  Batch b = ReadBatch(info, "cipherDecrypt(handle, src: Uint8Array, srcSpans: Uint32Array, dst: Uint8Array, dstSpans: Int32Array, count)");
  uint32_t ok = 0;
  for (size_t i = 0; i < b.count; i++) {
    long r = b.t->Decrypt(b.src.data + b.srcSpans[2 * i], b.srcSpans[2 * i + 1], b.dst.data + b.dstSpans[2 * i],
                          static_cast<size_t>(b.dstSpans[2 * i + 1]));
    b.dstSpans[2 * i + 1] = static_cast<int32_t>(r);
    if (r >= 0) ok++;
  }
  return Napi::Number::New(info.Env(), ok);
}

// ---- Kernels, per call -----------------------------------------------------------------------

// pearsonHash(lanes, data, start, end, out): out[0, 8·lanes) = BE64(h_lanes) ‖ … ‖ BE64(h_1).
Napi::Value PearsonHashFn(const Napi::CallbackInfo& info) {
  static const char* kUsage = "pearsonHash(lanes: 1|2|4, data: Uint8Array, start, end, out: Uint8Array)";
  size_t lanes = Index(info, 0, kUsage);
  Bytes data = U8(info, 1, kUsage);
  size_t start = Index(info, 2, kUsage), end = Index(info, 3, kUsage);
  Bytes out = U8(info, 4, kUsage);
  if ((lanes != 1 && lanes != 2 && lanes != 4) || end < start || out.len < 8 * lanes) throw Napi::RangeError::New(info.Env(), kUsage);
  InRange(info.Env(), data, start, end - start);
  kernels::PearsonHash(static_cast<unsigned>(lanes), data.data + start, end - start, out.data);
  return info.Env().Undefined();
}

// speckKey(key: 16 or 32 bytes) -> handle
Napi::Value SpeckKeyFn(const Napi::CallbackInfo& info) {
  Bytes key = U8(info, 0, "speckKey(key: Uint8Array)");
  if (key.len != 16 && key.len != 32) throw Napi::RangeError::New(info.Env(), "Speck key must be 16 or 32 bytes");
  auto k = std::make_unique<kernels::SpeckKey>();
  kernels::SpeckExpand(key.data, key.len, k.get());
  return Wrap(info.Env(), std::move(k), kSpeckTag);
}

// speckRoundKeys(handle) -> the round keys as little-endian 64-bit words (a copy).
Napi::Value SpeckRoundKeys(const Napi::CallbackInfo& info) {
  auto* k = Unwrap<kernels::SpeckKey>(info, 0, kSpeckTag, "speckRoundKeys(handle)");
  auto out = Napi::Uint8Array::New(info.Env(), 8 * k->rounds);
  for (unsigned r = 0; r < k->rounds; r++) {
    for (int b = 0; b < 8; b++) out[8 * r + b] = static_cast<uint8_t>(k->k[r] >> (8 * b));
  }
  return out;
}

// speckBlock(handle, decrypt, src, srcAt, dst, dstAt): one block; the ranges may overlap.
Napi::Value SpeckBlock(const Napi::CallbackInfo& info) {
  static const char* kUsage = "speckBlock(handle, decrypt: boolean, src, srcAt, dst, dstAt)";
  auto* k = Unwrap<kernels::SpeckKey>(info, 0, kSpeckTag, kUsage);
  bool decrypt = info[1].ToBoolean().Value();
  Bytes src = U8(info, 2, kUsage), dst = U8(info, 4, kUsage);
  size_t srcAt = Index(info, 3, kUsage), dstAt = Index(info, 5, kUsage);
  InRange(info.Env(), src, srcAt, 16);
  InRange(info.Env(), dst, dstAt, 16);
  uint8_t in[16];
  std::memcpy(in, src.data + srcAt, 16);
  if (decrypt) kernels::SpeckDecryptBlock(*k, in, dst.data + dstAt);
  else kernels::SpeckEncryptBlock(*k, in, dst.data + dstAt);
  return info.Env().Undefined();
}

// speckCtr(handle, iv, ivAt, data, start, end): n3n's CTR over data[start, end) in place; the IV
// is read first, so it may lie inside data.
Napi::Value SpeckCtrFn(const Napi::CallbackInfo& info) {
  static const char* kUsage = "speckCtr(handle, iv, ivAt, data, start, end)";
  auto* k = Unwrap<kernels::SpeckKey>(info, 0, kSpeckTag, kUsage);
  Bytes iv = U8(info, 1, kUsage), data = U8(info, 3, kUsage);
  size_t ivAt = Index(info, 2, kUsage), start = Index(info, 4, kUsage), end = Index(info, 5, kUsage);
  InRange(info.Env(), iv, ivAt, 16);
  if (end < start) throw Napi::RangeError::New(info.Env(), kUsage);
  InRange(info.Env(), data, start, end - start);
  uint8_t counter[16];
  std::memcpy(counter, iv.data + ivAt, 16);
  kernels::SpeckCtr(*k, counter, data.data + start, end - start, nullptr);
  return info.Env().Undefined();
}

// twofishKey(key: 32 bytes) -> handle
Napi::Value TwofishKeyFn(const Napi::CallbackInfo& info) {
  Bytes key = U8(info, 0, "twofishKey(key: Uint8Array)");
  if (key.len != 32) throw Napi::RangeError::New(info.Env(), "Twofish key must be 32 bytes");
  auto k = std::make_unique<kernels::TwofishKey>();
  kernels::TwofishExpand(key.data, k.get());
  return Wrap(info.Env(), std::move(k), kTwofishTag);
}

// twofishCbc(handle, decrypt, src, srcAt, length, iv | undefined, ivAt, dst, dstAt): CBC over a
// multiple of 16 bytes from iv (zero when undefined). Block by block, front to back, each input
// block read before its output is written: dst may share memory with src if it starts at or before it.
Napi::Value TwofishCbc(const Napi::CallbackInfo& info) {
  static const char* kUsage = "twofishCbc(handle, decrypt, src, srcAt, length, iv?, ivAt, dst, dstAt)";
  auto* k = Unwrap<kernels::TwofishKey>(info, 0, kTwofishTag, kUsage);
  bool decrypt = info[1].ToBoolean().Value();
  Bytes src = U8(info, 2, kUsage), dst = U8(info, 7, kUsage);
  size_t srcAt = Index(info, 3, kUsage), length = Index(info, 4, kUsage), ivAt = Index(info, 6, kUsage), dstAt = Index(info, 8, kUsage);
  if (length % 16 != 0) throw Napi::RangeError::New(info.Env(), "length must be a multiple of 16");
  InRange(info.Env(), src, srcAt, length);
  InRange(info.Env(), dst, dstAt, length);
  uint8_t chain[16] = {};
  if (!info[5].IsUndefined()) {
    Bytes iv = U8(info, 5, kUsage);
    InRange(info.Env(), iv, ivAt, 16);
    std::memcpy(chain, iv.data + ivAt, 16);
  }
  for (size_t at = 0; at < length; at += 16) {
    uint8_t block[16], out[16];
    std::memcpy(block, src.data + srcAt + at, 16);
    if (decrypt) {
      kernels::TwofishDecryptBlock(*k, block, out);
      for (int i = 0; i < 16; i++) out[i] ^= chain[i];
      std::memcpy(chain, block, 16);
    } else {
      for (int i = 0; i < 16; i++) block[i] ^= chain[i];
      kernels::TwofishEncryptBlock(*k, block, out);
      std::memcpy(chain, out, 16);
    }
    std::memcpy(dst.data + dstAt + at, out, 16);
  }
  return info.Env().Undefined();
}

}  // namespace

void InitCrypto(Napi::Env env, Napi::Object exports) {
  const struct {
    const char* name;
    Napi::Value (*fn)(const Napi::CallbackInfo&);
  } functions[] = {
      {"cipherOpen", CipherOpen},       {"cipherOverhead", CipherOverhead}, {"cipherEncrypt", CipherEncrypt},
      {"cipherDecrypt", CipherDecrypt}, {"pearsonHash", PearsonHashFn},     {"speckKey", SpeckKeyFn},
      {"speckRoundKeys", SpeckRoundKeys}, {"speckBlock", SpeckBlock},       {"speckCtr", SpeckCtrFn},
      {"twofishKey", TwofishKeyFn},     {"twofishCbc", TwofishCbc},
  };
  for (const auto& f : functions) exports.Set(f.name, Napi::Function::New(env, f.fn, f.name));
}

}  // namespace kith
