// The supernode's answers to repeated registrations (native/register-answers.ts). An edge
// re-registers every few seconds with the same REGISTER_SUPER but for its cookie; once the supernode
// has acknowledged one from a socket, it leaves the request and its REGISTER_SUPER_ACK here, and a
// later request from that socket to that local address that matches it byte for byte outside the
// cookie gets the same ACK, with its own cookie, from the socket's poll callback. The datagram then
// goes on to JavaScript marked as answered, which handles it in full but sends no second ACK; when
// its verdict is no longer that ACK it forgets the entry (and sends what it would have).
//
// Only clear-text messages are left here (a header-encrypted request carries a fresh stamp, so it
// never repeats), and only as long as the supernode would still know the edge without them.
#include <uv.h>

#include <array>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>

#include "express.h"
#include "udp.h"

namespace kith {
namespace {

// PROTOCOL.md §4.1, §4.4, §4.7: version 3, the flags-and-type word's low 5 bits are the type, and
// both REGISTER_SUPER and its ACK carry the cookie right after the 24-byte common header.
constexpr uint8_t kVersion = 3;
constexpr uint16_t kRegisterSuperType = 5;
constexpr size_t kCookieAt = 24, kCookieBytes = 4;
constexpr size_t kMaxRequest = 256;   // a REGISTER_SUPER is 63–93 bytes without a trailer
constexpr size_t kMaxAnswer = 1024;   // an ACK with a long supernode list
constexpr size_t kMaxEntries = 65536;
constexpr size_t kKeyBytes = 4 + 16 + 16;  // family << 16 | port, address, local address

// One allocation per entry: the request (its cookie zeroed), then the answer.
struct Entry {
  std::unique_ptr<uint8_t[]> bytes;
  uint16_t requestLen = 0, answerLen = 0;
  uint64_t validUntilNs = 0;
  const uint8_t* Request() const { return bytes.get(); }
  const uint8_t* Answer() const { return bytes.get() + requestLen; }
};

using Key = std::array<uint8_t, kKeyBytes>;

struct KeyHash {
  size_t operator()(const Key& k) const {
    uint64_t h = 1469598103934665603ULL;  // FNV-1a
    for (uint8_t b : k) h = (h ^ b) * 1099511628211ULL;
    return static_cast<size_t>(h);
  }
};

struct AnswerStats {
  double answered = 0, sendErrors = 0;
};

Key KeyOf(uint32_t familyPort, const uint8_t* addr, const uint8_t* local) {
  Key key;
  std::memcpy(key.data(), &familyPort, 4);
  std::memcpy(key.data() + 4, addr, 16);
  std::memcpy(key.data() + 20, local, 16);
  return key;
}

class RegisterAnswers final : public DatagramHook, public Napi::ObjectWrap<RegisterAnswers> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "RegisterAnswers",
                       {
                           InstanceMethod<&RegisterAnswers::Remember>("remember"),
                           InstanceMethod<&RegisterAnswers::Forget>("forget"),
                           InstanceMethod<&RegisterAnswers::Clear>("clear"),
                           InstanceMethod<&RegisterAnswers::GetStats>("stats"),
                           InstanceMethod<&RegisterAnswers::Close>("close"),
                       });
  }

  // Only registerAnswersOpen() constructs these, with the socket it checked.
  explicit RegisterAnswers(const Napi::CallbackInfo& info) : Napi::ObjectWrap<RegisterAnswers>(info) {
    if (info.Length() != 2 || !info[0].IsExternal() || !info[1].IsObject()) {
      Napi::TypeError::New(info.Env(), "RegisterAnswers is created by registerAnswersOpen()").ThrowAsJavaScriptException();
      return;
    }
    udp_ = info[0].As<Napi::External<ExpressUdpPort>>().Data();
    udpRef_ = Napi::Persistent(info[1].As<Napi::Object>());
    udp_->AttachExpress(this);
  }

  ~RegisterAnswers() override { Detach(); }

  In TakeIn(const uint8_t* d, size_t len, uint32_t familyPort, const uint8_t* addr, const uint8_t* local) override {
    if (entries_.empty() || len < kCookieAt + kCookieBytes || len > kMaxRequest || d[0] != kVersion ||
        ((d[2] << 8 | d[3]) & 0x1f) != kRegisterSuperType) {
      return In::kPassed;
    }
    auto it = entries_.find(KeyOf(familyPort, addr, local));
    if (it == entries_.end()) return In::kPassed;
    const Entry& e = it->second;
    if (uv_hrtime() > e.validUntilNs) {
      entries_.erase(it);
      return In::kPassed;
    }
    const uint8_t* req = e.Request();
    if (e.requestLen != len || std::memcmp(d, req, kCookieAt) != 0 ||
        std::memcmp(d + kCookieAt + kCookieBytes, req + kCookieAt + kCookieBytes, len - kCookieAt - kCookieBytes) != 0) {
      return In::kPassed;
    }
    uint8_t out[kMaxAnswer];
    std::memcpy(out, e.Answer(), e.answerLen);
    std::memcpy(out + kCookieAt, d + kCookieAt, kCookieBytes);
    uint32_t meta[4] = {0, e.answerLen, familyPort, 0};
    // From the local address the request came to (all zero, unknown: the kernel's choice).
    if (udp_->SendFromExpress(out, meta, addr, 1, local) != 0) {
      stats_.sendErrors++;
      return In::kPassed;  // JavaScript answers it as it would have
    }
    stats_.answered++;
    return In::kAnswered;
  }

  void FlushIn() override {}
  void PortClosed() override { Detach(); }

 private:
  void Detach() {
    if (udp_ != nullptr && udp_->Express() == this) udp_->AttachExpress(nullptr);
    udp_ = nullptr;
    udpRef_.Reset();
    entries_.clear();
  }

  static const uint8_t* Bytes(const Napi::Value& v, size_t min, size_t max, const char* what, size_t* len) {
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array ||
        v.As<Napi::Uint8Array>().ByteLength() < min || v.As<Napi::Uint8Array>().ByteLength() > max) {
      throw Napi::TypeError::New(v.Env(), std::string(what) + " must be a Uint8Array of " + std::to_string(min) + ".." + std::to_string(max) + " bytes");
    }
    *len = v.As<Napi::Uint8Array>().ByteLength();
    return v.As<Napi::Uint8Array>().Data();
  }

  // The key of (family, address, port, local): family 4 or 6, address 16 bytes (IPv4 in the first
  // 4, the rest zero), local 16 bytes in the locals layout (all zero: unknown).
  static Key KeyFrom(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!info[0].IsNumber() || !info[2].IsNumber()) throw Napi::TypeError::New(env, "(family, address, port, local, ...)");
    int family = info[0].As<Napi::Number>().Int32Value();
    int port = info[2].As<Napi::Number>().Int32Value();
    if ((family != 4 && family != 6) || port < 0 || port > 0xffff) throw Napi::RangeError::New(env, "family 4 or 6, port 0..65535");
    size_t n;
    const uint8_t* addr = Bytes(info[1], 16, 16, "address", &n);
    const uint8_t* local = Bytes(info[3], 16, 16, "local", &n);
    return KeyOf(static_cast<uint32_t>(family << 16 | port), addr, local);
  }

  // remember(family, address, port, local, request, answer, validMs) -> false when the table is full
  Napi::Value Remember(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() != 7 || !info[6].IsNumber()) throw Napi::TypeError::New(env, "remember(family, address, port, local, request, answer, validMs)");
    Key key = KeyFrom(info);
    size_t requestLen, answerLen;
    const uint8_t* request = Bytes(info[4], kCookieAt + kCookieBytes, kMaxRequest, "request", &requestLen);
    const uint8_t* answer = Bytes(info[5], kCookieAt + kCookieBytes, kMaxAnswer, "answer", &answerLen);
    double validMs = info[6].As<Napi::Number>().DoubleValue();
    if (!(validMs > 0 && validMs <= 3600e3)) throw Napi::RangeError::New(env, "validMs: 0 < validMs <= 1 hour");
    if (udp_ == nullptr) return Napi::Boolean::New(env, false);
    auto it = entries_.find(key);
    if (it == entries_.end()) {
      if (entries_.size() >= kMaxEntries) return Napi::Boolean::New(env, false);
      it = entries_.emplace(key, Entry{}).first;
    }
    Entry& e = it->second;
    if (e.requestLen + e.answerLen != requestLen + answerLen) e.bytes.reset(new uint8_t[requestLen + answerLen]);
    e.requestLen = static_cast<uint16_t>(requestLen);
    e.answerLen = static_cast<uint16_t>(answerLen);
    std::memcpy(e.bytes.get(), request, requestLen);
    std::memset(e.bytes.get() + kCookieAt, 0, kCookieBytes);
    std::memcpy(e.bytes.get() + requestLen, answer, answerLen);
    e.validUntilNs = uv_hrtime() + static_cast<uint64_t>(validMs * 1e6);
    return Napi::Boolean::New(env, true);
  }

  // forget(family, address, port, local)
  Napi::Value Forget(const Napi::CallbackInfo& info) {
    if (info.Length() != 4) throw Napi::TypeError::New(info.Env(), "forget(family, address, port, local)");
    entries_.erase(KeyFrom(info));
    return info.Env().Undefined();
  }

  Napi::Value Clear(const Napi::CallbackInfo& info) {
    entries_.clear();
    return info.Env().Undefined();
  }

  Napi::Value GetStats(const Napi::CallbackInfo& info) {
    Napi::Object o = Napi::Object::New(info.Env());
    o.Set("answered", stats_.answered);
    o.Set("sendErrors", stats_.sendErrors);
    o.Set("entries", static_cast<double>(entries_.size()));
    return o;
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    Detach();
    return info.Env().Undefined();
  }

  ExpressUdpPort* udp_ = nullptr;
  Napi::ObjectReference udpRef_;  // the socket stays alive while the answers hold it
  std::unordered_map<Key, Entry, KeyHash> entries_;
  AnswerStats stats_;
};

// registerAnswersOpen(udp: UdpHandle) -> RegisterAnswers | reason (string)
Napi::Value RegisterAnswersOpen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 1 || !info[0].IsObject()) throw Napi::TypeError::New(env, "registerAnswersOpen(udp)");
  ExpressUdpPort* udp = UdpPortOf(env, info[0]);
  if (udp == nullptr) return Napi::String::New(env, "not a UDP handle of this addon");
  if (udp->Express() != nullptr) return Napi::String::New(env, "the socket already has a hook");
  auto ext = Napi::External<ExpressUdpPort>::New(env, udp);
  return env.GetInstanceData<AddonData>()->answersCtor.New({ext, info[0]});
}

}  // namespace

void InitRegisterAnswers(Napi::Env env, Napi::Object exports) {
  env.GetInstanceData<AddonData>()->answersCtor = Napi::Persistent(RegisterAnswers::Define(env));
  exports.Set("registerAnswersOpen", Napi::Function::New(env, RegisterAnswersOpen));
}

}  // namespace kith
