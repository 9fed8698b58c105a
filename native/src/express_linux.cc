// The express lane: see express.h and native/express.ts. What it takes is decided by the same
// rules as the engine's data path (PROTOCOL.md §8.5, §8.6), narrowed to the plainest case: a
// unicast frame between this edge and a peer the engine has put in the lane, at the socket the
// engine knows it at, no header encryption, no compression. Anything else goes to the engine.
#include <uv.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>

#include "express.h"
#include "payload.h"
#include "random.h"
#include "udp.h"

namespace kith {
namespace {

// PROTOCOL.md §4.1, §5: a PACKET's header up to its payload: version, TTL, flags and type,
// community field, source and destination MAC, compression, transform.
constexpr size_t kHeader = 38;
constexpr uint8_t kVersion = 3;
constexpr uint16_t kPacketType = 3;  // with no flags: neither FROM_SUPERNODE nor a socket
constexpr uint8_t kCompressionNone = 1;  // §5.2 (0 is invalid)
// §4.1, §4.2: a REGISTER without a socket (cookie, source and destination MAC, address,
// description) and the REGISTER_ACK that answers it (cookie, its destination and source MAC).
constexpr uint16_t kRegisterType = 1, kRegisterAckType = 4;
constexpr size_t kRegisterBytes = 24 + 4 + 6 + 6 + 5 + 16;
constexpr size_t kRegisterAckBytes = 24 + 4 + 6 + 6;
constexpr size_t kMaxDatagram = 2048;
constexpr size_t kSlot = kMaxDatagram + 64;
constexpr uint32_t kBatch = 256;  // datagrams or frames held before they leave together
constexpr size_t kMaxPeers = 4096;
constexpr uint16_t kIpv4 = 0x0800, kIpv6 = 0x86dd;
constexpr int kCollectFields = 6;

uint64_t MacKey(const uint8_t* mac) {
  uint64_t k = 0;
  for (int i = 0; i < 6; i++) k = k << 8 | mac[i];
  return k;
}

uint16_t EtherType(const uint8_t* frame) { return static_cast<uint16_t>(frame[12] << 8 | frame[13]); }

struct Peer {
  uint8_t mac[6] = {};
  uint32_t familyPort = 0;
  uint8_t addr[16] = {};
  bool hasSender = false;
  uint8_t sender[20] = {};  // IPv4 in 0..4, IPv6 in 4..20 (PeerRecord.lastSender)
  double framesIn = 0, bytesIn = 0, datagramBytesIn = 0, framesOut = 0, bytesOut = 0;
  uint64_t lastInNs = 0;
  bool touched = false;
};

// The MACs whose frames the lane left to the engine in the current batch: their later frames in
// the same batch go to the engine too, so that the engine's writes (after the batch) and the
// lane's (during it) keep each flow's order. Beyond a few MACs, everything goes.
class Yielded {
 public:
  void Clear() {
    count_ = 0;
    all_ = false;
  }
  void Add(const uint8_t* mac) {
    if (Has(mac)) return;
    if (count_ == kMax) {
      all_ = true;
      return;
    }
    std::memcpy(macs_[count_++], mac, 6);
  }
  bool Has(const uint8_t* mac) const {
    if (all_) return true;
    for (int i = 0; i < count_; i++) {
      if (std::memcmp(macs_[i], mac, 6) == 0) return true;
    }
    return false;
  }

 private:
  static constexpr int kMax = 8;
  uint8_t macs_[kMax][6] = {};
  int count_ = 0;
  bool all_ = false;
};

struct LaneStats {
  double framesOut = 0, passedOut = 0, framesIn = 0, passedIn = 0, answered = 0, undecryptable = 0, sendErrors = 0, writeDrops = 0;
};

class Lane final : public ExpressLane, public Napi::ObjectWrap<Lane> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "ExpressLane",
                       {
                           InstanceMethod<&Lane::SetAddress>("setAddress"),
                           InstanceMethod<&Lane::SetPeer>("setPeer"),
                           InstanceMethod<&Lane::RemovePeer>("removePeer"),
                           InstanceMethod<&Lane::SetEnabled>("setEnabled"),
                           InstanceMethod<&Lane::Collect>("collect"),
                           InstanceMethod<&Lane::GetStats>("stats"),
                           InstanceMethod<&Lane::Close>("close"),
                       });
  }

  // Only expressOpen() constructs these, with the ports and transform it checked as Externals.
  explicit Lane(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Lane>(info) {
    if (info.Length() != 1 || !info[0].IsExternal()) {
      Napi::TypeError::New(info.Env(), "ExpressLane is created by expressOpen()").ThrowAsJavaScriptException();
      return;
    }
    std::unique_ptr<Setup> setup(info[0].As<Napi::External<Setup>>().Data());
    tap_ = setup->tap;
    udp_ = setup->udp;
    transform_ = std::move(setup->transform);
    transformId_ = setup->transformId;
    chacha_ = transformId_ == static_cast<uint8_t>(payload::Cipher::kChaCha20);
    overhead_ = transform_->Overhead();
    std::memcpy(header_, setup->header, kHeader);
    std::memcpy(mac_, header_ + 24, 6);
    tapRef_ = Napi::Persistent(setup->tapValue);
    udpRef_ = Napi::Persistent(setup->udpValue);
    out_.reset(new uint8_t[kBatch * kSlot]);
    in_.reset(new uint8_t[kBatch * kSlot]);
    tap_->AttachExpress(this);
    udp_->AttachExpress(this);
  }

  ~Lane() override { Detach(); }

  // What expressOpen() hands the constructor.
  struct Setup {
    ExpressTapPort* tap;
    ExpressUdpPort* udp;
    Napi::Object tapValue, udpValue;
    std::unique_ptr<payload::Transform> transform;
    uint8_t transformId;
    uint8_t header[kHeader];
  };

  // ---- the data path, on the loop thread, inside the ports' poll callbacks -------------------

  bool TakeOut(const uint8_t* frame, size_t len) override {
    if (!Carries(len)) return false;
    // §8.5 step 1: broadcast and multicast go to the engine (it floods them through the supernode).
    if ((frame[0] & 1) != 0) return Pass(&stats_.passedOut);
    if (yieldedOut_.Has(frame)) return Pass(&stats_.passedOut);
    Peer* peer = Find(frame);
    if (peer == nullptr) return Pass(&stats_.passedOut);
    uint8_t iv[16];
    // Step 4: without routing an IPv4 frame must come from our own address.
    if ((EtherType(frame) == kIpv4 && len >= 34 && (!hasIpv4_ || std::memcmp(frame + 26, ipv4_, 4) != 0)) ||
        len + kHeader + overhead_ > kMaxDatagram || !NextIv(iv, len)) {
      return YieldOut(frame);
    }
    if (outCount_ == kBatch) SendOut();
    uint8_t* d = out_.get() + outCount_ * kSlot;
    std::memcpy(d, header_, kHeader);
    std::memcpy(d + 30, frame, 6);
    long n = transform_->Encrypt(frame, len, d + kHeader, kSlot - kHeader, iv);
    if (n < 0) return YieldOut(frame);
    uint32_t* m = outMeta_ + 4 * outCount_;
    m[0] = static_cast<uint32_t>(outCount_ * kSlot);
    m[1] = static_cast<uint32_t>(kHeader + static_cast<size_t>(n));
    m[2] = peer->familyPort;
    m[3] = 0;
    std::memcpy(outAddrs_ + 16 * outCount_, peer->addr, 16);
    outCount_++;
    peer->framesOut++;
    peer->bytesOut += static_cast<double>(len);
    peer->touched = true;
    stats_.framesOut++;
    return true;
  }

  // The end of a TAP batch: what the lane took leaves, and the engine gets the rest.
  void FlushOut() override {
    SendOut();
    yieldedOut_.Clear();
  }

  In TakeIn(const uint8_t* d, size_t len, uint32_t familyPort, const uint8_t* addr, const uint8_t* /*local*/) override {
    if (!Carries(len) || len < kHeader) return In::kPassed;
    // Straight from a peer (no FROM_SUPERNODE, no socket) of our community.
    const uint16_t type = static_cast<uint16_t>(d[2] << 8 | d[3]);
    if (d[0] != kVersion || std::memcmp(d + 4, header_ + 4, 20) != 0 || (type != kPacketType && type != kRegisterType)) return PassIn();
    const uint8_t* src = d + 24 + (type == kRegisterType ? 4 : 0);
    if (type == kPacketType && yieldedIn_.Has(src)) return PassIn();
    Peer* peer = std::memcmp(src, mac_, 6) == 0 ? nullptr : Find(src);
    if (peer == nullptr) return PassIn();
    // Only from the socket the engine knows the peer at: a peer that moved is the engine's to follow.
    if (!peer->hasSender || peer->familyPort != familyPort || std::memcmp(peer->addr, addr, (familyPort >> 16) == 4 ? 4 : 16) != 0) {
      return type == kPacketType ? YieldIn(src) : PassIn();
    }
    if (type == kRegisterType) return Acknowledge(d, len, *peer);
    if (len < kHeader + overhead_ || d[36] != kCompressionNone || d[37] != transformId_) return YieldIn(src);
    if (inCount_ == kBatch) WriteIn();
    uint8_t* f = in_.get() + inCount_ * kSlot;
    long n = transform_->Decrypt(d + kHeader, len - kHeader, f, kSlot);
    if (n < 0) {
      // The engine decrypts it again and keeps the wrong-key watch (wrong-key.ts).
      stats_.undecryptable++;
      return YieldIn(src);
    }
    if (!Deliverable(f, static_cast<size_t>(n), src, *peer)) return YieldIn(src);
    inFrames_[inCount_] = f;
    inLens_[inCount_] = static_cast<size_t>(n);
    inCount_++;
    peer->framesIn++;
    peer->bytesIn += static_cast<double>(n);
    peer->datagramBytesIn += static_cast<double>(len);
    peer->lastInNs = uv_hrtime();
    peer->touched = true;
    stats_.framesIn++;
    return In::kTaken;
  }

  // Before the engine gets the datagrams the lane left: its frames go to the TAP first.
  void FlushIn() override {
    WriteIn();
    yieldedIn_.Clear();
  }

  void PortClosed() override { Detach(); }

 private:
  void SendOut() {
    if (outCount_ == 0) return;
    uint32_t count = outCount_;
    outCount_ = 0;
    if (udp_ != nullptr) stats_.sendErrors += udp_->SendFromExpress(out_.get(), outMeta_, outAddrs_, count, nullptr);
  }

  void WriteIn() {
    if (inCount_ == 0) return;
    uint32_t count = inCount_;
    inCount_ = 0;
    if (tap_ == nullptr) return;
    WriteTally t = tap_->WriteFromExpress(inFrames_, inLens_, count);
    stats_.writeDrops += t.dropped + t.failed;
  }

  bool YieldOut(const uint8_t* frame) {
    yieldedOut_.Add(frame);
    return Pass(&stats_.passedOut);
  }

  In YieldIn(const uint8_t* src) {
    yieldedIn_.Add(src);
    return PassIn();
  }

  In PassIn() {
    stats_.passedIn++;
    return In::kPassed;
  }

  // §8.6 REGISTER from a lane peer to us: the REGISTER_ACK leaves now, from the poll callback, as
  // the engine would send it (hole-punch.ts) — the peer times its REGISTER by it (rtt.ts), so an
  // engine that first has to wake up would show in the peer's figure. The engine still handles the
  // REGISTER itself (liveness, description, address) and sends no second ACK.
  In Acknowledge(const uint8_t* d, size_t len, const Peer& peer) {
    if (len < kRegisterBytes || std::memcmp(d + 34, mac_, 6) != 0) return PassIn();
    uint8_t ack[kRegisterAckBytes];
    std::memcpy(ack, header_, 24);
    ack[2] = kRegisterAckType >> 8;
    ack[3] = kRegisterAckType & 0xff;
    std::memcpy(ack + 24, d + 24, 4);  // the cookie
    std::memcpy(ack + 28, peer.mac, 6);
    std::memcpy(ack + 34, mac_, 6);
    uint32_t meta[4] = {0, static_cast<uint32_t>(kRegisterAckBytes), peer.familyPort, 0};
    if (udp_->SendFromExpress(ack, meta, peer.addr, 1, nullptr) != 0) {
      stats_.sendErrors++;
      return PassIn();  // the engine answers instead
    }
    stats_.answered++;
    return In::kAnswered;
  }

  // Whether the lane is carrying anything at all now.
  bool Carries(size_t len) const { return enabled_ && tap_ != nullptr && udp_ != nullptr && len >= 14; }

  static bool Pass(double* counter) {
    (*counter)++;
    return false;
  }

  Peer* Find(const uint8_t* mac) {
    auto it = peers_.find(MacKey(mac));
    return it == peers_.end() ? nullptr : &it->second;
  }

  // §8.6 for the frame the lane writes itself: addressed to us from the peer's own MAC, and an IP
  // frame from the address the engine last saw the peer use and (IPv4) to ours. ARP and the rest,
  // and any new sender address, go to the engine, which learns from them.
  bool Deliverable(const uint8_t* f, size_t n, const uint8_t* src, const Peer& peer) const {
    if (n < 14 || std::memcmp(f, mac_, 6) != 0 || std::memcmp(f + 6, src, 6) != 0) return false;
    switch (EtherType(f)) {
      case kIpv4:
        return n >= 34 && hasIpv4_ && std::memcmp(f + 30, ipv4_, 4) == 0 && std::memcmp(f + 26, peer.sender, 4) == 0;
      case kIpv6:
        return n >= 54 && std::memcmp(f + 22, peer.sender + 4, 16) == 0;
      default:
        return false;
    }
  }

  // The packet's 16 random bytes (CRYPTO.md §6), drawn for a batch at a time. ChaCha20's count up
  // from a random start instead, as the TypeScript sender's do (chacha20.ts): a receiver without
  // the addon then keeps one cipher context running across our packets.
  bool NextIv(uint8_t* iv, size_t len) {
    if (chacha_) {
      const uint32_t blocks = static_cast<uint32_t>((len + 63) / 64);
      uint32_t counter = Le32(chachaIv_);
      // Below 2^31 with room for the packet: no counter wrap inside it (payload.h Fit).
      if (!chachaReady_ || counter > 0x7fffffffU - blocks) {
        if (!SystemRandom(chachaIv_, 16)) return false;
        chachaIv_[3] &= 0x3f;
        chachaReady_ = true;
        counter = Le32(chachaIv_);
      }
      std::memcpy(iv, chachaIv_, 16);
      SetLe32(chachaIv_, counter + blocks);
      return true;
    }
    if (overhead_ == 0) return true;
    if (poolAt_ == sizeof pool_) {
      if (!SystemRandom(pool_, sizeof pool_)) return false;
      poolAt_ = 0;
    }
    std::memcpy(iv, pool_ + poolAt_, 16);
    poolAt_ += 16;
    transform_->Fit(iv, len);
    return true;
  }

  static uint32_t Le32(const uint8_t* p) {
    return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 | static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
  }
  static void SetLe32(uint8_t* p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = static_cast<uint8_t>(v >> (8 * i));
  }

  // Out of both ports, whatever they were doing; idempotent.
  void Detach() {
    FlushOut();
    FlushIn();
    if (tap_ != nullptr && tap_->Express() == this) tap_->AttachExpress(nullptr);
    if (udp_ != nullptr && udp_->Express() == this) udp_->AttachExpress(nullptr);
    tap_ = nullptr;
    udp_ = nullptr;
    tapRef_.Reset();
    udpRef_.Reset();
  }

  // ---- what JavaScript calls ---------------------------------------------------------------

  static const uint8_t* Bytes(const Napi::Value& v, size_t n, const char* what) {
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array || v.As<Napi::Uint8Array>().ByteLength() != n) {
      throw Napi::TypeError::New(v.Env(), std::string(what) + " must be a Uint8Array of " + std::to_string(n) + " bytes");
    }
    return v.As<Napi::Uint8Array>().Data();
  }

  // setAddress(ipv4?: 4 bytes)
  Napi::Value SetAddress(const Napi::CallbackInfo& info) {
    hasIpv4_ = info.Length() > 0 && !info[0].IsUndefined();
    if (hasIpv4_) std::memcpy(ipv4_, Bytes(info[0], 4, "the address"), 4);
    return info.Env().Undefined();
  }

  // setPeer(mac, family 4 | 6, address (4 | 16 bytes), port, sender?: 20 bytes)
  Napi::Value SetPeer(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() != 5 || !info[1].IsNumber() || !info[3].IsNumber()) throw Napi::TypeError::New(env, "setPeer(mac, family, address, port, sender)");
    const uint8_t* mac = Bytes(info[0], 6, "mac");
    int family = info[1].As<Napi::Number>().Int32Value();
    int64_t port = info[3].As<Napi::Number>().Int64Value();
    if ((family != 4 && family != 6) || port < 1 || port > 65535) throw Napi::RangeError::New(env, "family 4 or 6, port 1..65535");
    const uint8_t* address = Bytes(info[2], family == 4 ? 4 : 16, "address");
    uint64_t key = MacKey(mac);
    auto it = peers_.find(key);
    if (it == peers_.end()) {
      if (peers_.size() >= kMaxPeers) return Napi::Boolean::New(env, false);
      it = peers_.emplace(key, Peer{}).first;
      std::memcpy(it->second.mac, mac, 6);
    }
    Peer& p = it->second;
    p.familyPort = static_cast<uint32_t>(family << 16 | port);
    std::memset(p.addr, 0, 16);
    std::memcpy(p.addr, address, family == 4 ? 4 : 16);
    p.hasSender = !info[4].IsUndefined();
    if (p.hasSender) std::memcpy(p.sender, Bytes(info[4], 20, "sender"), 20);
    return Napi::Boolean::New(env, true);
  }

  Napi::Value RemovePeer(const Napi::CallbackInfo& info) {
    // Its last counts are lost with it: the engine collects before it takes a peer out.
    peers_.erase(MacKey(Bytes(info[0], 6, "mac")));
    return info.Env().Undefined();
  }

  Napi::Value SetEnabled(const Napi::CallbackInfo& info) {
    enabled_ = info[0].ToBoolean().Value();
    return info.Env().Undefined();
  }

  // collect(macs: Uint8Array, figures: Float64Array) -> peers written: each peer with traffic since
  // it was last handed out, its counts then reset.
  Napi::Value Collect(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() != 2 || !info[0].IsTypedArray() || !info[1].IsTypedArray() ||
        info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array ||
        info[1].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
      throw Napi::TypeError::New(env, "collect(macs: Uint8Array, figures: Float64Array)");
    }
    auto macs = info[0].As<Napi::Uint8Array>();
    auto figures = info[1].As<Napi::Float64Array>();
    size_t room = std::min(macs.ByteLength() / 6, figures.ElementLength() / kCollectFields);
    size_t n = 0;
    const uint64_t now = uv_hrtime();
    for (auto& entry : peers_) {
      if (n == room) break;
      Peer& p = entry.second;
      if (!p.touched) continue;
      std::memcpy(macs.Data() + 6 * n, p.mac, 6);
      double* f = figures.Data() + kCollectFields * n;
      f[0] = p.framesIn;
      f[1] = p.bytesIn;
      f[2] = p.datagramBytesIn;
      f[3] = p.framesOut;
      f[4] = p.bytesOut;
      f[5] = p.framesIn > 0 ? static_cast<double>(now - p.lastInNs) / 1e6 : -1;
      p.framesIn = p.bytesIn = p.datagramBytesIn = p.framesOut = p.bytesOut = 0;
      p.touched = false;
      n++;
    }
    return Napi::Number::New(env, static_cast<double>(n));
  }

  Napi::Value GetStats(const Napi::CallbackInfo& info) {
    Napi::Object o = Napi::Object::New(info.Env());
    o.Set("framesOut", stats_.framesOut);
    o.Set("passedOut", stats_.passedOut);
    o.Set("framesIn", stats_.framesIn);
    o.Set("passedIn", stats_.passedIn);
    o.Set("answered", stats_.answered);
    o.Set("undecryptable", stats_.undecryptable);
    o.Set("sendErrors", stats_.sendErrors);
    o.Set("writeDrops", stats_.writeDrops);
    return o;
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    Detach();
    return info.Env().Undefined();
  }

  ExpressTapPort* tap_ = nullptr;
  ExpressUdpPort* udp_ = nullptr;
  Napi::ObjectReference tapRef_, udpRef_;  // the ports stay alive while the lane holds them
  std::unique_ptr<payload::Transform> transform_;
  uint8_t transformId_ = 0;
  bool chacha_ = false;
  size_t overhead_ = 0;
  uint8_t header_[kHeader] = {};  // every sent PACKET's header, but for its destination MAC
  uint8_t mac_[6] = {};
  bool enabled_ = false;
  bool hasIpv4_ = false;
  uint8_t ipv4_[4] = {};
  std::unordered_map<uint64_t, Peer> peers_;
  LaneStats stats_;
  Yielded yieldedOut_, yieldedIn_;
  // Outgoing PACKETs of one TAP batch, in the send() layout.
  std::unique_ptr<uint8_t[]> out_;
  uint32_t outMeta_[4 * kBatch] = {};
  uint8_t outAddrs_[16 * kBatch] = {};
  uint32_t outCount_ = 0;
  // Frames of one socket wake-up for the TAP.
  std::unique_ptr<uint8_t[]> in_;
  const uint8_t* inFrames_[kBatch] = {};
  size_t inLens_[kBatch] = {};
  uint32_t inCount_ = 0;
  uint8_t pool_[16 * 64] = {};
  size_t poolAt_ = sizeof pool_;
  uint8_t chachaIv_[16] = {};
  bool chachaReady_ = false;
};

// expressOpen(tap: TapHandle, udp: UdpHandle, { communityField, mac, transform, key, ttl })
//   -> ExpressLane | reason (string)
Napi::Value ExpressOpen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 3 || !info[0].IsObject() || !info[1].IsObject() || !info[2].IsObject()) {
    throw Napi::TypeError::New(env, "expressOpen(tap, udp, settings)");
  }
  ExpressTapPort* tap = TapPortOf(env, info[0]);
  ExpressUdpPort* udp = UdpPortOf(env, info[1]);
  if (tap == nullptr || udp == nullptr) return Napi::String::New(env, "not a TAP handle and a UDP handle of this addon");
  if (tap->Express() != nullptr || udp->Express() != nullptr) return Napi::String::New(env, "the device or socket already has an express lane");
  Napi::Object s = info[2].As<Napi::Object>();
  Napi::Value community = s.Get("communityField"), mac = s.Get("mac"), transform = s.Get("transform"), key = s.Get("key"), ttl = s.Get("ttl");
  auto isBytes = [](const Napi::Value& v) { return v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == napi_uint8_array; };
  if (!isBytes(community) || community.As<Napi::Uint8Array>().ByteLength() != 20 || !isBytes(mac) ||
      mac.As<Napi::Uint8Array>().ByteLength() != 6 || !transform.IsNumber() || !isBytes(key) || !ttl.IsNumber()) {
    throw Napi::TypeError::New(env, "settings: communityField (20 bytes), mac (6), transform, key, ttl");
  }
  int id = transform.As<Napi::Number>().Int32Value();
  int hops = ttl.As<Napi::Number>().Int32Value();
  if (id < 1 || id > 5 || hops < 1 || hops > 255) throw Napi::RangeError::New(env, "transform 1..5, ttl 1..255");
  auto setup = std::make_unique<Lane::Setup>();
  std::string why;
  auto keyBytes = key.As<Napi::Uint8Array>();
  setup->transform = payload::Create(static_cast<payload::Cipher>(id), keyBytes.Data(), keyBytes.ByteLength(), &why);
  if (!setup->transform) return Napi::String::New(env, why);
  setup->tap = tap;
  setup->udp = udp;
  setup->tapValue = info[0].As<Napi::Object>();
  setup->udpValue = info[1].As<Napi::Object>();
  setup->transformId = static_cast<uint8_t>(id);
  uint8_t* h = setup->header;
  std::memset(h, 0, kHeader);
  h[0] = kVersion;
  h[1] = static_cast<uint8_t>(hops);
  h[2] = kPacketType >> 8;
  h[3] = kPacketType & 0xff;
  std::memcpy(h + 4, community.As<Napi::Uint8Array>().Data(), 20);
  std::memcpy(h + 24, mac.As<Napi::Uint8Array>().Data(), 6);
  h[36] = kCompressionNone;
  h[37] = static_cast<uint8_t>(id);
  auto ext = Napi::External<Lane::Setup>::New(env, setup.release());
  return env.GetInstanceData<AddonData>()->expressCtor.New({ext});
}

}  // namespace

void InitExpress(Napi::Env env, Napi::Object exports) {
  env.GetInstanceData<AddonData>()->expressCtor = Napi::Persistent(Lane::Define(env));
  exports.Set("expressOpen", Napi::Function::New(env, ExpressOpen));
}

}  // namespace kith
