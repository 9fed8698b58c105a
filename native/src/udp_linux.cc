// kith_tap.node, Linux: a UDP socket that moves datagrams in batches. One readiness wake-up reads
// up to a batch with recvmmsg() into a slab JavaScript allocated once and makes ONE callback with
// the count; offsets, lengths, source ports/families/TTLs and source addresses live in typed arrays
// that are also allocated once. Sends are queued by JavaScript in its own slab and leave with
// sendmmsg(), each with its own destination and, when asked, its own IP TTL / hop limit (a control
// message, so it applies to exactly that datagram — also to IPv4 destinations of a dual-stack socket).
//
// With recvLocal, each received datagram also reports the local address it was sent to
// (IP_PKTINFO / IPV6_PKTINFO), and a send may name the local address it leaves from: a host with
// several addresses then answers from the one the request came to, not the routing table's choice.
//
// Offloads (Linux 4.18 / 5.0, asked for at open and probed once): with gso, a run of queued
// datagrams to one destination from one local source, all of one size but the last (which may be
// shorter) and without a TTL of their own, leaves as ONE message with UDP_SEGMENT (and the
// source's packet-info message), so the stack handles it once and the device or the kernel's
// software GSO cuts it into the same datagrams; a run the kernel refuses goes again one datagram
// at a time. With gro, the kernel may hand over several datagrams of one sender as one buffer with
// their size (UDP_GRO); they are cut apart here into the same layout, so JavaScript still sees one
// datagram per entry (offsets are then not slot-aligned), each with the buffer's TTL and local
// address.
//
// Every socket asks for the kernel's receive time of each datagram (SO_TIMESTAMPNS, as ping does):
// the handler is told when the latest datagram of its batch arrived, not when the process got to
// run after the wake-up, which on a busy machine can be much later (RTT samples, rtt.ts).
//
// Layouts (all host order):
//   recv meta[4*i ..]: offset, length, family << 16 | port, ttl (0 unless recvTtl and the kernel said)
//   send meta[4*i ..]: offset, length, family << 16 | port, ttl (0: the socket's default)
//   addrs[16*i ..]:   IPv4: the 4 address bytes first; IPv6: all 16. IPv4-mapped sources become IPv4.
//   locals[16*i ..]:  a local address as 16 IPv6 bytes, IPv4 as ::ffff:a.b.c.d; all zero = unknown
//                     (receive) or the kernel's choice (send).
#include <napi.h>
#include <uv.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

#include "backend.h"
#include "express.h"
#include "poll_fd.h"
#include "udp.h"

namespace kith {
namespace {

constexpr uint32_t kMaxUdpBatch = 256;
// Control message room per message. Received: UDP_GRO, a TTL / hop limit, the packet info of
// both families (a dual-stack socket reports an IPv4 datagram's with both) and the receive time.
// Sent: UDP_SEGMENT or a TTL, and one packet-info message.
constexpr size_t kCmsgSpace = CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(in_pktinfo)) +
                              CMSG_SPACE(sizeof(in6_pktinfo)) + CMSG_SPACE(sizeof(timespec));
// UDP_SEGMENT: the kernel takes at most 64 segments per send (UDP_MAX_SEGMENTS before 6.x) and
// at most one IP packet's worth of payload.
constexpr uint32_t kMaxGsoSegments = 64;
constexpr size_t kMaxGsoBytes = 65507;
constexpr uint32_t kGroBuffers = 16;    // buffers of one receive with UDP_GRO
// Set in a datagram's TTL word (meta[4i + 3]) when the express lane has answered it (native/udp.ts).
constexpr uint32_t kAnsweredByExpress = 0x100;
constexpr size_t kGroBufferBytes = 65536;

bool IsZero16(const uint8_t* b) {
  for (int i = 0; i < 16; i++) {
    if (b[i] != 0) return false;
  }
  return true;
}

bool IsMapped(const uint8_t* b) {
  static const uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::memcmp(b, kMapped, 12) == 0;
}

void MapIpv4(const void* v4, uint8_t* out16) {
  std::memset(out16, 0, 10);
  out16[10] = out16[11] = 0xff;
  std::memcpy(out16 + 12, v4, 4);
}

struct UdpStats {
  double received = 0, bytesReceived = 0, wakeups = 0, truncated = 0, receiveErrors = 0;
  double sent = 0, bytesSent = 0, sendErrors = 0, blocked = 0;
  double gsoSends = 0, gsoRefused = 0, groBuffers = 0;
};

// A datagram's source, as the meta layout carries it.
struct Source {
  uint32_t familyPort = 0;
  uint8_t addr[16] = {};
};

// What a received message's control messages said.
struct Control {
  uint32_t ttl = 0;        // IP TTL / hop limit; 0: not said
  size_t segment = 0;      // UDP_GRO datagram size; 0: one datagram
  uint8_t local[16] = {};  // the local address it came to (locals layout); all zero: not said
  uint64_t stampNs = 0;    // when the kernel received it (CLOCK_REALTIME); 0: not said
};

// A receive with UDP_GRO: buffers cut into datagrams across as many handler calls as they need.
struct GroReceive {
  std::unique_ptr<uint8_t[]> data;  // kGroBuffers * kGroBufferBytes
  uint32_t count = 0;                // buffers received
  uint32_t next = 0;                 // buffer being cut
  size_t offset = 0;                 // next datagram in it
  size_t len[kGroBuffers] = {};
  Control control[kGroBuffers];      // segment: the UDP_GRO size, or the whole length
  Source source[kGroBuffers];
  bool Pending() const { return next < count; }
};

class UdpHandle : public Napi::ObjectWrap<UdpHandle>, public ExpressUdpPort {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "UdpHandle",
                       {
                           InstanceMethod<&UdpHandle::LocalAddress>("localAddress"),
                           InstanceMethod<&UdpHandle::Offload>("offload"),
                           InstanceMethod<&UdpHandle::Start>("start"),
                           InstanceMethod<&UdpHandle::Send>("send"),
                           InstanceMethod<&UdpHandle::GetStats>("stats"),
                           InstanceMethod<&UdpHandle::Close>("close"),
                       });
  }

  explicit UdpHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<UdpHandle>(info) {
    if (info.Length() != 6 || !info[0].IsNumber() || !info[1].IsNumber() || !info[2].IsBoolean() || !info[3].IsBoolean() ||
        !info[4].IsBoolean() || !info[5].IsBoolean()) {
      Napi::TypeError::New(info.Env(), "UdpHandle is created by udpOpen()").ThrowAsJavaScriptException();
      return;
    }
    fd_ = info[0].As<Napi::Number>().Int32Value();
    family_ = info[1].As<Napi::Number>().Int32Value();
    recvTtl_ = info[2].As<Napi::Boolean>().Value();
    recvLocal_ = info[3].As<Napi::Boolean>().Value();
    gso_ = info[4].As<Napi::Boolean>().Value();
    if (info[5].As<Napi::Boolean>().Value()) {
      gro_ = std::make_unique<GroReceive>();
      gro_->data.reset(new uint8_t[kGroBuffers * kGroBufferBytes]);
    }
    env_ = info.Env();
    napi_add_env_cleanup_hook(env_, &UdpHandle::OnCleanup, this);
    hooked_ = true;
  }

  ~UdpHandle() override { Shutdown(); }

 private:
  Napi::Value LocalAddress(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (fd_ < 0) return ErrorValue(env, SysError{EBADF, "closed"});
    sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(fd_, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return ErrorValue(env, SysError{errno, "getsockname"});
    char text[INET6_ADDRSTRLEN] = "";
    int port = 0;
    if (ss.ss_family == AF_INET6) {
      auto* s6 = reinterpret_cast<sockaddr_in6*>(&ss);
      inet_ntop(AF_INET6, &s6->sin6_addr, text, sizeof text);
      port = ntohs(s6->sin6_port);
    } else {
      auto* s4 = reinterpret_cast<sockaddr_in*>(&ss);
      inet_ntop(AF_INET, &s4->sin_addr, text, sizeof text);
      port = ntohs(s4->sin_port);
    }
    Napi::Object o = Napi::Object::New(env);
    o.Set("address", text);
    o.Set("port", port);
    o.Set("family", ss.ss_family == AF_INET6 ? "IPv6" : "IPv4");
    return o;
  }

  // offload() -> { gso, gro }: what the kernel took at open.
  Napi::Value Offload(const Napi::CallbackInfo& info) {
    Napi::Object o = Napi::Object::New(info.Env());
    o.Set("gso", gso_);
    o.Set("gro", gro_ != nullptr);
    return o;
  }

  // start(slab, meta: Uint32Array, addrs: Uint8Array, slot: number, cb: (n, err?) => void,
  //       locals?: Uint8Array) — locals (with recvLocal) receives each datagram's local address.
  Napi::Value Start(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (fd_ < 0) return ErrorValue(env, SysError{EBADF, "closed"});
    if (started_) throw Napi::Error::New(env, "already started");
    bool hasLocals = info.Length() > 5 && !info[5].IsUndefined();
    if (info.Length() < 5 || info.Length() > 6 || !info[0].IsTypedArray() || !info[1].IsTypedArray() ||
        !info[2].IsTypedArray() || !info[3].IsNumber() || !info[4].IsFunction() || (hasLocals && !info[5].IsTypedArray())) {
      throw Napi::TypeError::New(env, "start(slab, meta, addrs, slot, cb, locals?)");
    }
    auto slab = info[0].As<Napi::TypedArray>();
    auto meta = info[1].As<Napi::TypedArray>();
    auto addrs = info[2].As<Napi::TypedArray>();
    int64_t slot = info[3].As<Napi::Number>().Int64Value();
    if (slab.TypedArrayType() != napi_uint8_array || meta.TypedArrayType() != napi_uint32_array ||
        addrs.TypedArrayType() != napi_uint8_array || slot < 64 || slot > 65536) {
      throw Napi::TypeError::New(env, "slab: Uint8Array, meta: Uint32Array, addrs: Uint8Array, slot 64..65536");
    }
    size_t batch = std::min<size_t>({slab.ByteLength() / static_cast<size_t>(slot), meta.ElementLength() / 4,
                                     addrs.ByteLength() / 16, kMaxUdpBatch});
    size_t entries = std::min<size_t>({meta.ElementLength() / 4, addrs.ByteLength() / 16, 65536});
    if (hasLocals) {
      auto locals = info[5].As<Napi::TypedArray>();
      if (locals.TypedArrayType() != napi_uint8_array) throw Napi::TypeError::New(env, "locals: Uint8Array");
      batch = std::min<size_t>(batch, locals.ByteLength() / 16);
      entries = std::min<size_t>(entries, locals.ByteLength() / 16);
    }
    if (batch == 0) throw Napi::RangeError::New(env, "buffers too small for one datagram");
    slabBytes_ = slab.ByteLength();
    entries_ = static_cast<uint32_t>(entries);
    if (hasLocals) {
      localRef_ = Napi::Persistent(info[5].As<Napi::Uint8Array>());
      locals_ = localRef_.Value().Data();
    }
    slabRef_ = Napi::Persistent(slab.As<Napi::Uint8Array>());
    metaRef_ = Napi::Persistent(meta.As<Napi::Uint32Array>());
    addrRef_ = Napi::Persistent(addrs.As<Napi::Uint8Array>());
    cb_ = Napi::Persistent(info[4].As<Napi::Function>());
    slab_ = slabRef_.Value().Data();
    meta_ = metaRef_.Value().Data();
    addrs_ = addrRef_.Value().Data();
    slot_ = static_cast<size_t>(slot);
    batch_ = static_cast<uint32_t>(batch);
    ctx_ = std::make_unique<Napi::AsyncContext>(env, "KithUdpRead");
    uv_loop_t* loop = nullptr;
    napi_get_uv_event_loop(env, &loop);
    SysError e = poller_.Start(loop, fd_, &UdpHandle::OnReady, this);
    if (e) {
      ReleaseReceive();
      return ErrorValue(env, e);
    }
    started_ = true;
    return env.Undefined();
  }

  // The wake-up's time (uv_hrtime, the clock behind performance.now()) stands for the arrival of
  // the datagrams when the kernel gave no receive time.
  static void OnReady(void* arg) {
    auto* self = static_cast<UdpHandle*>(arg);
    self->readyAt_ = uv_hrtime();
    self->Drain();
  }

  // The kernel's receive time stampNs (realtime clock) on uv_hrtime's scale, which every handler
  // call of this wake-up reports: when replies arrived, not when the engine got round to them.
  void NoteArrival(uint64_t stampNs) {
    arrivedAt_ = readyAt_;
    if (stampNs == 0) return;
    timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    uint64_t nowNs = static_cast<uint64_t>(now.tv_sec) * 1000000000ULL + static_cast<uint64_t>(now.tv_nsec);
    uint64_t hr = uv_hrtime();
    // A stamp from the future or before the clock's start (the realtime clock was set meanwhile) is no use.
    if (stampNs > nowNs || nowNs - stampNs > hr) return;
    arrivedAt_ = hr - (nowNs - stampNs);
  }

  // The datagram's source in the meta layout; false if the kernel gave none we can use.
  static bool DecodeSource(const msghdr& h, const sockaddr_in6& from, Source* out) {
    if (from.sin6_family == AF_INET6 && h.msg_namelen >= sizeof(sockaddr_in6)) {
      const uint8_t* b = from.sin6_addr.s6_addr;
      bool mapped = IsMapped(b);
      std::memcpy(out->addr, mapped ? b + 12 : b, mapped ? 4 : 16);
      out->familyPort = static_cast<uint32_t>((mapped ? 4 : 6) << 16 | ntohs(from.sin6_port));
      return true;
    }
    if (from.sin6_family == AF_INET && h.msg_namelen >= sizeof(sockaddr_in)) {
      const auto* s4 = reinterpret_cast<const sockaddr_in*>(&from);
      std::memcpy(out->addr, &s4->sin_addr, 4);
      out->familyPort = static_cast<uint32_t>(4 << 16 | ntohs(s4->sin_port));
      return true;
    }
    return false;
  }

  // The TTL / hop limit, the UDP_GRO segment size, the local address and the receive time among a
  // message's control messages (the kernel sends only those the socket asked for).
  static Control ReadControl(msghdr& h) {
    Control out;
    for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(&h, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS && c->cmsg_len >= CMSG_LEN(sizeof(timespec))) {
        timespec ts;
        std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
        out.stampNs = static_cast<uint64_t>(ts.tv_sec) * 1000000000ULL + static_cast<uint64_t>(ts.tv_nsec);
        continue;
      }
      if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO && c->cmsg_len >= CMSG_LEN(sizeof(in_pktinfo))) {
        // The local address the kernel would answer from (the destination of a unicast datagram).
        in_pktinfo pi;
        std::memcpy(&pi, CMSG_DATA(c), sizeof pi);
        MapIpv4(&pi.ipi_spec_dst, out.local);
        continue;
      }
      if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO && c->cmsg_len >= CMSG_LEN(sizeof(in6_pktinfo))) {
        // Dual-stack sockets report IPv4 datagrams here too (as mapped addresses); IP_PKTINFO wins.
        in6_pktinfo pi;
        std::memcpy(&pi, CMSG_DATA(c), sizeof pi);
        if (IsZero16(out.local)) std::memcpy(out.local, pi.ipi6_addr.s6_addr, 16);
        continue;
      }
      if (c->cmsg_len < CMSG_LEN(sizeof(int))) continue;
      int value = 0;
      std::memcpy(&value, CMSG_DATA(c), sizeof value);
      bool v4 = c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL;
      bool v6 = c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT;
      if ((v4 || v6) && value > 0 && value < 256) out.ttl = static_cast<uint32_t>(value);
      if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO && value > 0) out.segment = static_cast<size_t>(value);
    }
    return out;
  }

  void WriteEntry(uint32_t n, uint32_t offset, size_t len, const Source& src, const Control& control) {
    uint32_t* m = meta_ + 4 * n;
    m[0] = offset;
    m[1] = static_cast<uint32_t>(len);
    m[2] = src.familyPort;
    m[3] = control.ttl;
    std::memcpy(addrs_ + 16 * n, src.addr, 16);
    if (locals_ != nullptr) std::memcpy(locals_ + 16 * n, control.local, 16);
    stats_.received++;
    stats_.bytesReceived += static_cast<double>(len);
  }

  // One handler call; false if the handler closed the socket.
  bool Deliver(uint32_t n, int err, const char* syscall) {
    Napi::Env env(env_);
    Napi::HandleScope scope(env);
    Napi::Value errv = err != 0 ? Napi::Value(ErrorValue(env, SysError{err, syscall})) : env.Undefined();
    try {
      cb_.MakeCallback(Value(), {Napi::Number::New(env, n), errv, Napi::Number::New(env, static_cast<double>(arrivedAt_) / 1e6)}, *ctx_);
    } catch (const Napi::Error& e) {
      napi_fatal_exception(env_, e.Value());
    }
    return fd_ >= 0 && started_;
  }

  // One recvmmsg of up to n datagrams into base + i * size, each with room for control messages
  // when control is given. Returns what recvmmsg did; *err is its failure (0 also for would-block).
  int Receive(mmsghdr* msgs, iovec* iov, sockaddr_in6* from, uint8_t (*control)[kCmsgSpace], uint32_t n, uint8_t* base, size_t size, int* err) {
    std::memset(msgs, 0, sizeof(mmsghdr) * n);
    for (uint32_t i = 0; i < n; i++) {
      iov[i] = {base + i * size, size};
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_name = &from[i];
      msgs[i].msg_hdr.msg_namelen = sizeof from[i];
      if (control != nullptr) {
        msgs[i].msg_hdr.msg_control = control[i];
        msgs[i].msg_hdr.msg_controllen = kCmsgSpace;
      }
    }
    int r;
    do r = recvmmsg(fd_, msgs, n, MSG_DONTWAIT, nullptr);
    while (r < 0 && errno == EINTR);
    *err = r < 0 && errno != EAGAIN && errno != EWOULDBLOCK ? errno : 0;
    return r;
  }

  // Offers a datagram to the hook (express lane or supernode answers); one it takes counts as
  // received all the same, and one it answered is marked in the TTL word (kAnsweredByExpress).
  bool TakenByExpress(const uint8_t* data, size_t len, const Source& src, Control* control) {
    if (express_ == nullptr) return false;
    switch (express_->TakeIn(data, len, src.familyPort, src.addr, control->local)) {
      case DatagramHook::In::kTaken:
        stats_.received++;
        stats_.bytesReceived += static_cast<double>(len);
        return true;
      case DatagramHook::In::kAnswered:
        control->ttl |= kAnsweredByExpress;
        return false;
      case DatagramHook::In::kPassed:
        return false;
    }
    return false;
  }

  void Drain() {
    if (fd_ < 0 || !started_) return;
    if (gro_) {
      DrainGro();
      return;
    }
    mmsghdr msgs[kMaxUdpBatch];
    iovec iov[kMaxUdpBatch];
    sockaddr_in6 from[kMaxUdpBatch];
    alignas(cmsghdr) static thread_local uint8_t control[kMaxUdpBatch][kCmsgSpace];
    int err = 0;
    int r = Receive(msgs, iov, from, control, batch_, slab_, slot_, &err);
    if (r <= 0 && err == 0) return;  // spurious wake-up
    stats_.wakeups++;
    uint32_t n = 0;
    uint64_t latest = 0;
    for (int i = 0; i < r; i++) {
      msghdr& h = msgs[i].msg_hdr;
      Source src;
      // Larger than a slot: not a datagram of ours (PACKETs are at most 2048 bytes). Dropped here.
      if ((h.msg_flags & MSG_TRUNC) != 0 || msgs[i].msg_len > slot_ || !DecodeSource(h, from[i], &src)) {
        stats_.truncated++;
        continue;
      }
      Control c = ReadControl(h);
      if (TakenByExpress(slab_ + i * slot_, msgs[i].msg_len, src, &c)) continue;
      latest = std::max(latest, c.stampNs);
      // Slots are compacted: datagram n lives in slot i (i >= n), at offset i * slot.
      WriteEntry(n++, static_cast<uint32_t>(i * slot_), msgs[i].msg_len, src, c);
    }
    if (express_ != nullptr) express_->FlushIn();
    if (err != 0) stats_.receiveErrors++;
    if (n == 0 && err == 0) return;
    NoteArrival(latest);
    // The handler may call close(); nothing below touches `this` after the call.
    Deliver(n, err, "recvmmsg");
  }

  // With UDP_GRO: one recvmmsg into the GRO buffers, then their datagrams, copied into the slab,
  // in as many handler calls as they need (the socket will not signal them again).
  void DrainGro() {
    GroReceive& g = *gro_;
    mmsghdr msgs[kGroBuffers];
    iovec iov[kGroBuffers];
    sockaddr_in6 from[kGroBuffers];
    alignas(cmsghdr) uint8_t control[kGroBuffers][kCmsgSpace];
    int err = 0;
    int r = Receive(msgs, iov, from, control, kGroBuffers, g.data.get(), kGroBufferBytes, &err);
    if (r <= 0 && err == 0) return;
    stats_.wakeups++;
    if (err != 0) stats_.receiveErrors++;
    g.count = g.next = 0;
    g.offset = 0;
    uint64_t latest = 0;
    for (int i = 0; i < r; i++) {
      msghdr& h = msgs[i].msg_hdr;
      uint32_t b = g.count;
      if ((h.msg_flags & MSG_TRUNC) != 0 || !DecodeSource(h, from[i], &g.source[b])) {
        stats_.truncated++;
        continue;
      }
      g.len[b] = msgs[i].msg_len;
      // Every datagram cut from this buffer shares its TTL and local address.
      Control& c = g.control[b];
      c = ReadControl(h);
      latest = std::max(latest, c.stampNs);
      if (c.segment == 0 || c.segment >= g.len[b]) c.segment = g.len[b];
      else stats_.groBuffers++;
      g.count++;
    }
    NoteArrival(latest);
    bool first = true;
    while (first || g.Pending()) {
      uint32_t n = 0;
      size_t used = 0;
      while (g.Pending() && n < entries_) {
        uint32_t b = g.next;
        size_t len = std::min(g.control[b].segment, g.len[b] - g.offset);
        if (len > slot_) {
          stats_.truncated++;  // larger than a slot: dropped, as without GRO
        } else if (slabBytes_ - used < len) {
          break;
        } else if (Control c = g.control[b]; !TakenByExpress(g.data.get() + b * kGroBufferBytes + g.offset, len, g.source[b], &c)) {
          std::memcpy(slab_ + used, g.data.get() + b * kGroBufferBytes + g.offset, len);
          WriteEntry(n++, static_cast<uint32_t>(used), len, g.source[b], c);
          used += len;
        }  // else: written to the TAP with the rest of the lane's frames below
        g.offset += len;
        if (g.offset >= g.len[b]) {
          g.next++;
          g.offset = 0;
        }
      }
      // The lane's frames reach the TAP before JavaScript sees the datagrams that came after them.
      if (express_ != nullptr) express_->FlushIn();
      if (n == 0 && !(first && err != 0)) return;
      if (!Deliver(n, first ? err : 0, "recvmmsg")) return;
      first = false;
    }
  }

  // The destination of send-queue entry mi/ai as the socket's family wants it; returns its length.
  socklen_t FillDestination(sockaddr_in6* to, const uint32_t* mi, const uint8_t* ai) const {
    std::memset(to, 0, sizeof *to);
    uint32_t family = mi[2] >> 16;
    uint16_t port = static_cast<uint16_t>(mi[2] & 0xffff);
    if (family_ == AF_INET6) {
      to->sin6_family = AF_INET6;
      to->sin6_port = htons(port);
      if (family == 4) {
        uint8_t* b = to->sin6_addr.s6_addr;
        b[10] = b[11] = 0xff;
        std::memcpy(b + 12, ai, 4);
      } else {
        std::memcpy(to->sin6_addr.s6_addr, ai, 16);
      }
      return sizeof(sockaddr_in6);
    }
    auto* s4 = reinterpret_cast<sockaddr_in*>(to);
    s4->sin_family = AF_INET;
    s4->sin_port = htons(port);
    std::memcpy(&s4->sin_addr, ai, 4);
    return sizeof(sockaddr_in);
  }

  // The local address send-queue entry i asks to leave from (sources: the locals layout), or
  // nullptr for the kernel's choice. An IPv4 source for an IPv6 destination (or the reverse)
  // cannot be: the kernel chooses then too.
  static const uint8_t* SourceOf(const uint8_t* sources, int64_t i, const uint32_t* mi) {
    if (sources == nullptr || IsZero16(sources + 16 * i)) return nullptr;
    const uint8_t* source = sources + 16 * i;
    return IsMapped(source) == ((mi[2] >> 16) == 4) ? source : nullptr;
  }

  // Appends one control message to h, whose buffer has kCmsgSpace zeroed bytes.
  static void AddControl(msghdr& h, int level, int type, const void* data, size_t len) {
    auto* c = reinterpret_cast<cmsghdr*>(static_cast<uint8_t*>(h.msg_control) + h.msg_controllen);
    c->cmsg_level = level;
    c->cmsg_type = type;
    c->cmsg_len = CMSG_LEN(len);
    std::memcpy(CMSG_DATA(c), data, len);
    h.msg_controllen += CMSG_SPACE(len);
  }

  // How many queue entries from i on can leave as one UDP_SEGMENT message: same destination and
  // source address, no TTL of their own, all of entry i's size but the last, within the kernel's
  // limits.
  uint32_t TrainLength(const uint32_t* m, const uint8_t* a, const uint8_t* sources, int64_t i, int64_t count, uint32_t room) const {
    const uint32_t* first = m + 4 * i;
    if (!gso_ || first[3] != 0 || first[1] == 0) return 1;
    const size_t addrLen = (first[2] >> 16) == 4 ? 4 : 16;
    uint32_t n = 1;
    size_t bytes = first[1];
    while (i + n < count && n < kMaxGsoSegments && n < room) {
      const uint32_t* next = m + 4 * (i + n);
      if (next[3] != 0 || next[2] != first[2] || std::memcmp(a + 16 * (i + n), a + 16 * i, addrLen) != 0) break;
      if (sources != nullptr && std::memcmp(sources + 16 * (i + n), sources + 16 * i, 16) != 0) break;
      if (m[4 * (i + n - 1) + 1] != first[1] || next[1] > first[1] || next[1] == 0 || bytes + next[1] > kMaxGsoBytes) break;
      bytes += next[1];
      n++;
    }
    return n;
  }

  // send(buf, meta, addrs, count, status: Int32Array, sources?: Uint8Array) -> messages done (sent
  // or failed, see status: 0 or an errno); fewer than count when the socket would block (the rest
  // stays queued). sources: per datagram the local address to send from (the locals layout).
  Napi::Value Send(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    bool hasSources = info.Length() > 5 && !info[5].IsUndefined();
    if (info.Length() < 5 || info.Length() > 6 || !info[0].IsTypedArray() || !info[1].IsTypedArray() ||
        !info[2].IsTypedArray() || !info[3].IsNumber() || !info[4].IsTypedArray() || (hasSources && !info[5].IsTypedArray())) {
      throw Napi::TypeError::New(env, "send(buf, meta, addrs, count, status, sources?)");
    }
    auto buf = info[0].As<Napi::TypedArray>();
    auto meta = info[1].As<Napi::TypedArray>();
    auto addrs = info[2].As<Napi::TypedArray>();
    auto status = info[4].As<Napi::TypedArray>();
    if (buf.TypedArrayType() != napi_uint8_array || meta.TypedArrayType() != napi_uint32_array ||
        addrs.TypedArrayType() != napi_uint8_array || status.TypedArrayType() != napi_int32_array) {
      throw Napi::TypeError::New(env, "send(buf: Uint8Array, meta: Uint32Array, addrs: Uint8Array, count, status: Int32Array)");
    }
    int64_t count = info[3].As<Napi::Number>().Int64Value();
    if (count < 0 || static_cast<size_t>(count) > meta.ElementLength() / 4 ||
        static_cast<size_t>(count) > addrs.ByteLength() / 16 || static_cast<size_t>(count) > status.ElementLength()) {
      throw Napi::RangeError::New(env, "count out of range");
    }
    const uint8_t* sources = nullptr;
    if (hasSources) {
      auto s = info[5].As<Napi::TypedArray>();
      if (s.TypedArrayType() != napi_uint8_array || static_cast<size_t>(count) > s.ByteLength() / 16) {
        throw Napi::RangeError::New(env, "sources: Uint8Array with 16 bytes per datagram");
      }
      sources = s.As<Napi::Uint8Array>().Data();
    }
    const uint8_t* data = buf.As<Napi::Uint8Array>().Data();
    const uint32_t* m = meta.As<Napi::Uint32Array>().Data();
    const uint8_t* a = addrs.As<Napi::Uint8Array>().Data();
    int32_t* st = status.As<Napi::Int32Array>().Data();
    size_t cap = buf.ByteLength();
    // Validate everything before sending anything, so a bad batch sends nothing.
    for (int64_t i = 0; i < count; i++) {
      uint32_t family = m[4 * i + 2] >> 16;
      if (static_cast<uint64_t>(m[4 * i]) + m[4 * i + 1] > cap || m[4 * i + 1] > 65507 ||
          (family != 4 && family != 6) || m[4 * i + 3] > 255) {
        throw Napi::RangeError::New(env, "datagram outside buffer or bad destination");
      }
    }
    return Napi::Number::New(env, static_cast<double>(SendEntries(data, m, a, sources, count, st)));
  }

 public:
  DatagramHook* Express() const override { return express_; }
  void AttachExpress(DatagramHook* hook) override { express_ = hook; }
  uint32_t SendFromExpress(const uint8_t* data, const uint32_t* meta, const uint8_t* addrs, uint32_t count, const uint8_t* sources) override {
    int32_t status[256];
    uint32_t failed = 0;
    for (uint32_t done = 0; done < count;) {
      uint32_t n = std::min<uint32_t>(count - done, 256);
      int64_t sent = SendEntries(data, meta + 4 * done, addrs + 16 * done, sources == nullptr ? nullptr : sources + 16 * done, n, status);
      for (int64_t i = 0; i < sent; i++) failed += status[i] != 0 ? 1 : 0;
      failed += n - static_cast<uint32_t>(sent);  // would block: dropped
      done += n;
    }
    return failed;
  }

 private:
  // Sends entries [0, count) (checked by the caller), each with its status in st; returns how many
  // are done (sent or failed): fewer than count when the socket would block.
  int64_t SendEntries(const uint8_t* data, const uint32_t* m, const uint8_t* a, const uint8_t* sources, int64_t count, int32_t* st) {
    if (fd_ < 0) {
      for (int64_t i = 0; i < count; i++) st[i] = EBADF;
      stats_.sendErrors += static_cast<double>(count);
      return count;
    }
    constexpr int kChunk = 64;   // messages per sendmmsg
    constexpr int kIovs = 256;   // datagrams per sendmmsg
    mmsghdr msgs[kChunk];
    iovec iov[kIovs];
    sockaddr_in6 to[kChunk];
    alignas(cmsghdr) uint8_t control[kChunk][kCmsgSpace];
    int64_t first[kChunk];
    uint32_t datagrams[kChunk];
    int64_t done = 0;
    int64_t singlesUntil = 0;  // entries of a refused train, sent again one per message
    while (done < count) {
      int prepared = 0;
      uint32_t iovs = 0;
      for (int64_t i = done; prepared < kChunk && i < count && iovs < static_cast<uint32_t>(kIovs);) {
        const uint32_t* mi = m + 4 * i;
        uint32_t n = i < singlesUntil ? 1 : TrainLength(m, a, sources, i, count, kIovs - iovs);
        int j = prepared;
        std::memset(&msgs[j], 0, sizeof msgs[j]);
        msgs[j].msg_hdr.msg_name = &to[j];
        msgs[j].msg_hdr.msg_namelen = FillDestination(&to[j], mi, a + 16 * i);
        for (uint32_t k = 0; k < n; k++) {
          const uint32_t* mk = m + 4 * (i + k);
          iov[iovs + k] = {const_cast<uint8_t*>(data + mk[0]), mk[1]};
        }
        msgs[j].msg_hdr.msg_iov = &iov[iovs];
        msgs[j].msg_hdr.msg_iovlen = n;
        int ttl = static_cast<int>(mi[3]);
        const uint8_t* source = SourceOf(sources, i, mi);
        if (n > 1 || ttl > 0 || source != nullptr) {
          msghdr& h = msgs[j].msg_hdr;
          std::memset(control[j], 0, kCmsgSpace);
          h.msg_control = control[j];
          // The IPv4 options also apply to IPv4-mapped destinations of a dual-stack socket.
          bool v4 = (mi[2] >> 16) == 4;
          if (n > 1) {
            uint16_t segment = static_cast<uint16_t>(mi[1]);
            AddControl(h, SOL_UDP, UDP_SEGMENT, &segment, sizeof segment);
          } else if (ttl > 0) {
            AddControl(h, v4 ? IPPROTO_IP : IPPROTO_IPV6, v4 ? IP_TTL : IPV6_HOPLIMIT, &ttl, sizeof ttl);
          }
          if (source != nullptr && v4) {
            in_pktinfo pi;
            std::memset(&pi, 0, sizeof pi);
            std::memcpy(&pi.ipi_spec_dst, source + 12, 4);
            AddControl(h, IPPROTO_IP, IP_PKTINFO, &pi, sizeof pi);
          } else if (source != nullptr) {
            in6_pktinfo pi;
            std::memset(&pi, 0, sizeof pi);
            std::memcpy(pi.ipi6_addr.s6_addr, source, 16);
            AddControl(h, IPPROTO_IPV6, IPV6_PKTINFO, &pi, sizeof pi);
          }
        }
        first[j] = i;
        datagrams[j] = n;
        prepared++;
        iovs += n;
        i += n;
      }
      int r = sendmmsg(fd_, msgs, prepared, MSG_DONTWAIT);
      if (r > 0) {
        for (int j = 0; j < r; j++) {
          for (uint32_t k = 0; k < datagrams[j]; k++) st[first[j] + k] = 0;
          stats_.sent += datagrams[j];
          stats_.bytesSent += msgs[j].msg_len;
          if (datagrams[j] > 1) stats_.gsoSends++;
        }
        done = first[r - 1] + datagrams[r - 1];
        continue;
      }
      int e = errno;
      if (r < 0 && e == EINTR) continue;
      if (r < 0 && (e == EAGAIN || e == EWOULDBLOCK)) {
        stats_.blocked++;
        break;
      }
      // The first message of the chunk failed (a partial send returns the count and the next call
      // fails on the culprit). A train goes again datagram by datagram, each with its own status.
      if (datagrams[0] > 1) {
        stats_.gsoRefused++;
        singlesUntil = done + datagrams[0];
        continue;
      }
      st[done] = r < 0 ? e : EIO;
      stats_.sendErrors++;
      done++;
    }
    return done;
  }

  Napi::Value GetStats(const Napi::CallbackInfo& info) {
    Napi::Object o = Napi::Object::New(info.Env());
    o.Set("received", stats_.received);
    o.Set("bytesReceived", stats_.bytesReceived);
    o.Set("wakeups", stats_.wakeups);
    o.Set("truncated", stats_.truncated);
    o.Set("receiveErrors", stats_.receiveErrors);
    o.Set("sent", stats_.sent);
    o.Set("bytesSent", stats_.bytesSent);
    o.Set("sendErrors", stats_.sendErrors);
    o.Set("blocked", stats_.blocked);
    o.Set("gsoSends", stats_.gsoSends);
    o.Set("gsoRefused", stats_.gsoRefused);
    o.Set("groBuffers", stats_.groBuffers);
    return o;
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    Shutdown();
    return info.Env().Undefined();
  }

  static void OnCleanup(void* arg) {
    auto* self = static_cast<UdpHandle*>(arg);
    self->hooked_ = false;
    self->Shutdown();
  }

  void ReleaseReceive() {
    slab_ = nullptr;
    meta_ = nullptr;
    addrs_ = nullptr;
    locals_ = nullptr;
    slabRef_.Reset();
    metaRef_.Reset();
    addrRef_.Reset();
    localRef_.Reset();
    cb_.Reset();
    ctx_.reset();
  }

  // Idempotent: stops reads, closes the socket, lets go of the JS buffers and callback.
  void Shutdown() {
    if (express_ != nullptr) express_->PortClosed();
    if (fd_ >= 0) {
      poller_.Stop();
      close(fd_);
      fd_ = -1;
    }
    started_ = false;
    if (hooked_) {
      napi_remove_env_cleanup_hook(env_, &UdpHandle::OnCleanup, this);
      hooked_ = false;
    }
    ReleaseReceive();
  }

  int fd_ = -1;
  DatagramHook* express_ = nullptr;
  int family_ = AF_INET;
  bool recvTtl_ = false;
  bool recvLocal_ = false;
  bool gso_ = false;
  std::unique_ptr<GroReceive> gro_;  // set when the kernel took UDP_GRO
  napi_env env_ = nullptr;
  bool hooked_ = false;
  bool started_ = false;
  uint64_t readyAt_ = 0;
  uint64_t arrivedAt_ = 0;  // what the handler calls of this wake-up report (NoteArrival)
  FdPoller poller_;
  Napi::Reference<Napi::Uint8Array> slabRef_;
  Napi::Reference<Napi::Uint32Array> metaRef_;
  Napi::Reference<Napi::Uint8Array> addrRef_;
  Napi::Reference<Napi::Uint8Array> localRef_;
  Napi::FunctionReference cb_;
  std::unique_ptr<Napi::AsyncContext> ctx_;
  uint8_t* slab_ = nullptr;
  uint32_t* meta_ = nullptr;
  uint8_t* addrs_ = nullptr;
  uint8_t* locals_ = nullptr;
  size_t slot_ = 0;
  uint32_t batch_ = 0;
  size_t slabBytes_ = 0;
  uint32_t entries_ = 0;  // meta / addrs (/ locals) entries
  UdpStats stats_;
};

// udpOpen({ address, port, recvTtl?, recvLocal?, bufferBytes?, gso?, gro? }) -> UdpHandle | { code, errno, syscall, message }.
// An IPv6 address (also '::') gives a dual-stack socket.
Napi::Value UdpOpen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject()) throw Napi::TypeError::New(env, "udpOpen expects an options object");
  Napi::Object o = info[0].As<Napi::Object>();
  Napi::Value addressValue = o.Get("address");
  Napi::Value portValue = o.Get("port");
  if (!addressValue.IsString() || !portValue.IsNumber()) throw Napi::TypeError::New(env, "udpOpen({ address, port })");
  std::string address = addressValue.As<Napi::String>().Utf8Value();
  int64_t port = portValue.As<Napi::Number>().Int64Value();
  if (port < 0 || port > 65535) throw Napi::RangeError::New(env, "port out of range");
  bool recvTtl = o.Get("recvTtl").ToBoolean().Value();
  bool recvLocal = o.Get("recvLocal").ToBoolean().Value();
  bool wantGso = o.Get("gso").ToBoolean().Value();
  bool wantGro = o.Get("gro").ToBoolean().Value();
  Napi::Value bufferValue = o.Get("bufferBytes");
  int bufferBytes = bufferValue.IsNumber() ? bufferValue.As<Napi::Number>().Int32Value() : 0;

  sockaddr_in6 s6;
  sockaddr_in s4;
  std::memset(&s6, 0, sizeof s6);
  std::memset(&s4, 0, sizeof s4);
  int family;
  if (inet_pton(AF_INET6, address.c_str(), &s6.sin6_addr) == 1) {
    family = AF_INET6;
    s6.sin6_family = AF_INET6;
    s6.sin6_port = htons(static_cast<uint16_t>(port));
  } else if (inet_pton(AF_INET, address.c_str(), &s4.sin_addr) == 1) {
    family = AF_INET;
    s4.sin_family = AF_INET;
    s4.sin_port = htons(static_cast<uint16_t>(port));
  } else {
    return ErrorValue(env, SysError{EINVAL, "inet_pton"});
  }
  int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return ErrorValue(env, SysError{errno, "socket"});
  int zero = 0, one = 1;
  if (family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero) != 0) {
    int e = errno;
    close(fd);
    return ErrorValue(env, SysError{e, "setsockopt"});
  }
  if (recvTtl) {
    // Best effort: the TTL is then reported with each datagram (0 where the kernel does not say).
    setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &one, sizeof one);
    if (family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof one);
  }
  if (recvLocal) {
    // IP_PKTINFO also covers the IPv4 datagrams of a dual-stack socket.
    bool ok = setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one) == 0;
    if (ok && family == AF_INET6) ok = setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one) == 0;
    if (!ok) {
      int e = errno;
      close(fd);
      return ErrorValue(env, SysError{e, "setsockopt"});
    }
  }
  // Best effort: without it the wake-up time stands for the arrival.
  setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
  if (bufferBytes > 0) {
    // Best effort: beyond net.core.[rw]mem_max only with CAP_NET_ADMIN (the FORCE options).
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bufferBytes, sizeof bufferBytes) != 0) {
      setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufferBytes, sizeof bufferBytes);
    }
    if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &bufferBytes, sizeof bufferBytes) != 0) {
      setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bufferBytes, sizeof bufferBytes);
    }
  }
  int rc = family == AF_INET6 ? bind(fd, reinterpret_cast<sockaddr*>(&s6), sizeof s6)
                              : bind(fd, reinterpret_cast<sockaddr*>(&s4), sizeof s4);
  if (rc != 0) {
    int e = errno;
    close(fd);
    return ErrorValue(env, SysError{e, "bind"});
  }
  // Probed once: UDP_SEGMENT is readable where the kernel has it (4.18); UDP_GRO is set (5.0).
  int segment = 0;
  socklen_t segmentLen = sizeof segment;
  bool gso = wantGso && getsockopt(fd, SOL_UDP, UDP_SEGMENT, &segment, &segmentLen) == 0;
  bool gro = wantGro && setsockopt(fd, SOL_UDP, UDP_GRO, &one, sizeof one) == 0;
  return env.GetInstanceData<AddonData>()->udpCtor.New({Napi::Number::New(env, fd), Napi::Number::New(env, family), Napi::Boolean::New(env, recvTtl),
                                                        Napi::Boolean::New(env, recvLocal), Napi::Boolean::New(env, gso), Napi::Boolean::New(env, gro)});
}

}  // namespace

ExpressUdpPort* UdpPortOf(Napi::Env env, Napi::Value value) {
  if (!value.IsObject() || !value.As<Napi::Object>().InstanceOf(env.GetInstanceData<AddonData>()->udpCtor.Value())) return nullptr;
  return UdpHandle::Unwrap(value.As<Napi::Object>());
}

void InitUdp(Napi::Env env, Napi::Object exports, AddonData* data) {
  data->udpCtor = Napi::Persistent(UdpHandle::Define(env));
  exports.Set("udpOpen", Napi::Function::New(env, UdpOpen));
}

}  // namespace kith
