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
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

#include "backend.h"
#include "poll_fd.h"
#include "udp.h"

namespace kith {
namespace {

constexpr uint32_t kMaxUdpBatch = 256;
// Room for a TTL / hop limit and the packet-info messages of both families, with alignment.
constexpr size_t kCmsgSpace = 128;

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
};

class UdpHandle : public Napi::ObjectWrap<UdpHandle> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "UdpHandle",
                       {
                           InstanceMethod<&UdpHandle::LocalAddress>("localAddress"),
                           InstanceMethod<&UdpHandle::Start>("start"),
                           InstanceMethod<&UdpHandle::Send>("send"),
                           InstanceMethod<&UdpHandle::GetStats>("stats"),
                           InstanceMethod<&UdpHandle::Close>("close"),
                       });
  }

  explicit UdpHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<UdpHandle>(info) {
    if (info.Length() != 4 || !info[0].IsNumber() || !info[1].IsNumber() || !info[2].IsBoolean() || !info[3].IsBoolean()) {
      Napi::TypeError::New(info.Env(), "UdpHandle is created by udpOpen()").ThrowAsJavaScriptException();
      return;
    }
    fd_ = info[0].As<Napi::Number>().Int32Value();
    family_ = info[1].As<Napi::Number>().Int32Value();
    recvTtl_ = info[2].As<Napi::Boolean>().Value();
    recvLocal_ = info[3].As<Napi::Boolean>().Value();
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

  // start(slab, meta: Uint32Array, addrs: Uint8Array, slot: number, cb: (n, err?) => void, locals?: Uint8Array)
  Napi::Value Start(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (fd_ < 0) return ErrorValue(env, SysError{EBADF, "closed"});
    if (started_) throw Napi::Error::New(env, "already started");
    if (info.Length() < 5 || !info[0].IsTypedArray() || !info[1].IsTypedArray() || !info[2].IsTypedArray() ||
        !info[3].IsNumber() || !info[4].IsFunction() || (info.Length() > 5 && !info[5].IsTypedArray())) {
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
    if (info.Length() > 5) {
      auto locals = info[5].As<Napi::TypedArray>();
      if (locals.TypedArrayType() != napi_uint8_array) throw Napi::TypeError::New(env, "locals: Uint8Array");
      batch = std::min<size_t>(batch, locals.ByteLength() / 16);
      localRef_ = Napi::Persistent(locals.As<Napi::Uint8Array>());
      locals_ = localRef_.Value().Data();
    }
    if (batch == 0) throw Napi::RangeError::New(env, "buffers too small for one datagram");
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

  static void OnReady(void* arg) { static_cast<UdpHandle*>(arg)->Drain(); }

  void Drain() {
    if (fd_ < 0 || !started_) return;
    mmsghdr msgs[kMaxUdpBatch];
    iovec iov[kMaxUdpBatch];
    sockaddr_in6 from[kMaxUdpBatch];
    alignas(cmsghdr) static thread_local uint8_t control[kMaxUdpBatch][kCmsgSpace];
    std::memset(msgs, 0, sizeof(mmsghdr) * batch_);
    for (uint32_t i = 0; i < batch_; i++) {
      iov[i].iov_base = slab_ + i * slot_;
      iov[i].iov_len = slot_;
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_name = &from[i];
      msgs[i].msg_hdr.msg_namelen = sizeof from[i];
      if (recvTtl_ || recvLocal_) {
        msgs[i].msg_hdr.msg_control = control[i];
        msgs[i].msg_hdr.msg_controllen = kCmsgSpace;
      }
    }
    int r;
    do r = recvmmsg(fd_, msgs, batch_, MSG_DONTWAIT, nullptr);
    while (r < 0 && errno == EINTR);
    int err = r < 0 && errno != EAGAIN && errno != EWOULDBLOCK ? errno : 0;
    if (r <= 0 && err == 0) return;  // spurious wake-up
    stats_.wakeups++;
    uint32_t n = 0;
    for (int i = 0; i < r; i++) {
      const msghdr& h = msgs[i].msg_hdr;
      // Larger than a slot: not a datagram of ours (PACKETs are at most 2048 bytes). Dropped here.
      if ((h.msg_flags & MSG_TRUNC) != 0 || msgs[i].msg_len > slot_) {
        stats_.truncated++;
        continue;
      }
      uint32_t* m = meta_ + 4 * n;
      uint8_t* a = addrs_ + 16 * n;
      int family = 0, port = 0;
      if (from[i].sin6_family == AF_INET6 && h.msg_namelen >= sizeof(sockaddr_in6)) {
        const uint8_t* b = from[i].sin6_addr.s6_addr;
        if (IsMapped(b)) {
          family = 4;
          std::memcpy(a, b + 12, 4);
        } else {
          family = 6;
          std::memcpy(a, b, 16);
        }
        port = ntohs(from[i].sin6_port);
      } else if (from[i].sin6_family == AF_INET && h.msg_namelen >= sizeof(sockaddr_in)) {
        const auto* s4 = reinterpret_cast<const sockaddr_in*>(&from[i]);
        family = 4;
        std::memcpy(a, &s4->sin_addr, 4);
        port = ntohs(s4->sin_port);
      } else {
        stats_.truncated++;
        continue;
      }
      uint32_t ttl = 0;
      uint8_t* local = locals_ == nullptr ? nullptr : locals_ + 16 * n;
      if (local != nullptr) std::memset(local, 0, 16);
      if (recvTtl_ || recvLocal_) {
        for (cmsghdr* c = CMSG_FIRSTHDR(&msgs[i].msg_hdr); c != nullptr; c = CMSG_NXTHDR(&msgs[i].msg_hdr, c)) {
          bool v4 = c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL;
          bool v6 = c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT;
          if ((v4 || v6) && c->cmsg_len >= CMSG_LEN(sizeof(int))) {
            int value = 0;
            std::memcpy(&value, CMSG_DATA(c), sizeof value);
            if (value > 0 && value < 256) ttl = static_cast<uint32_t>(value);
          } else if (local != nullptr && c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO &&
                     c->cmsg_len >= CMSG_LEN(sizeof(in_pktinfo))) {
            // The local address the kernel would answer from (the destination of a unicast datagram).
            in_pktinfo pi;
            std::memcpy(&pi, CMSG_DATA(c), sizeof pi);
            MapIpv4(&pi.ipi_spec_dst, local);
          } else if (local != nullptr && c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO &&
                     c->cmsg_len >= CMSG_LEN(sizeof(in6_pktinfo)) && IsZero16(local)) {
            // Dual-stack sockets report IPv4 datagrams here too (as mapped addresses); IP_PKTINFO wins.
            in6_pktinfo pi;
            std::memcpy(&pi, CMSG_DATA(c), sizeof pi);
            std::memcpy(local, pi.ipi6_addr.s6_addr, 16);
          }
        }
      }
      // Slots are compacted: datagram n lives in slot i (i >= n), at offset i * slot.
      m[0] = static_cast<uint32_t>(i * slot_);
      m[1] = msgs[i].msg_len;
      m[2] = static_cast<uint32_t>(family << 16 | port);
      m[3] = ttl;
      stats_.received++;
      stats_.bytesReceived += msgs[i].msg_len;
      n++;
    }
    if (err != 0) stats_.receiveErrors++;
    if (n == 0 && err == 0) return;

    Napi::Env env(env_);
    Napi::HandleScope scope(env);
    Napi::Value errv = err != 0 ? Napi::Value(ErrorValue(env, SysError{err, "recvmmsg"})) : env.Undefined();
    try {
      // The handler may call close(); nothing below touches `this` after the call.
      cb_.MakeCallback(Value(), {Napi::Number::New(env, n), errv}, *ctx_);
    } catch (const Napi::Error& e) {
      napi_fatal_exception(env_, e.Value());
    }
  }

  // send(buf, meta, addrs, count, status: Int32Array, sources?: Uint8Array) -> messages done (sent
  // or failed, see status: 0 or an errno); fewer than count when the socket would block (the rest
  // stays queued). sources: per datagram the local address to send from (see locals above).
  Napi::Value Send(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 5 || !info[0].IsTypedArray() || !info[1].IsTypedArray() || !info[2].IsTypedArray() ||
        !info[3].IsNumber() || !info[4].IsTypedArray() || (info.Length() > 5 && !info[5].IsTypedArray())) {
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
    if (info.Length() > 5) {
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
    if (fd_ < 0) {
      for (int64_t i = 0; i < count; i++) st[i] = EBADF;
      stats_.sendErrors += static_cast<double>(count);
      return Napi::Number::New(env, static_cast<double>(count));
    }
    constexpr int kChunk = 64;
    mmsghdr msgs[kChunk];
    iovec iov[kChunk];
    sockaddr_in6 to[kChunk];
    alignas(cmsghdr) uint8_t control[kChunk][kCmsgSpace];
    int64_t done = 0;
    while (done < count) {
      int chunk = static_cast<int>(std::min<int64_t>(kChunk, count - done));
      int prepared = 0;
      for (int j = 0; j < chunk; j++) {
        int64_t i = done + j;
        const uint32_t* mi = m + 4 * i;
        const uint8_t* ai = a + 16 * i;
        std::memset(&msgs[j], 0, sizeof msgs[j]);
        std::memset(&to[j], 0, sizeof to[j]);
        iov[j].iov_base = const_cast<uint8_t*>(data + mi[0]);
        iov[j].iov_len = mi[1];
        uint32_t family = mi[2] >> 16;
        uint16_t port = static_cast<uint16_t>(mi[2] & 0xffff);
        socklen_t len;
        if (family_ == AF_INET6) {
          to[j].sin6_family = AF_INET6;
          to[j].sin6_port = htons(port);
          if (family == 4) {
            uint8_t* b = to[j].sin6_addr.s6_addr;
            b[10] = b[11] = 0xff;
            std::memcpy(b + 12, ai, 4);
          } else {
            std::memcpy(to[j].sin6_addr.s6_addr, ai, 16);
          }
          len = sizeof(sockaddr_in6);
        } else {
          auto* s4 = reinterpret_cast<sockaddr_in*>(&to[j]);
          s4->sin_family = AF_INET;
          s4->sin_port = htons(port);
          std::memcpy(&s4->sin_addr, ai, 4);
          len = sizeof(sockaddr_in);
        }
        msgs[j].msg_hdr.msg_name = &to[j];
        msgs[j].msg_hdr.msg_namelen = len;
        msgs[j].msg_hdr.msg_iov = &iov[j];
        msgs[j].msg_hdr.msg_iovlen = 1;
        int ttl = static_cast<int>(mi[3]);
        const uint8_t* source = sources == nullptr || IsZero16(sources + 16 * i) ? nullptr : sources + 16 * i;
        // An IPv4 source for an IPv6 destination (or the reverse) cannot be: let the kernel choose.
        if (source != nullptr && IsMapped(source) != (family == 4)) source = nullptr;
        if (ttl > 0 || source != nullptr) {
          std::memset(control[j], 0, kCmsgSpace);
          msgs[j].msg_hdr.msg_control = control[j];
          msgs[j].msg_hdr.msg_controllen = (ttl > 0 ? CMSG_SPACE(sizeof(int)) : 0) +
              (source == nullptr ? 0 : family == 4 ? CMSG_SPACE(sizeof(in_pktinfo)) : CMSG_SPACE(sizeof(in6_pktinfo)));
          cmsghdr* c = CMSG_FIRSTHDR(&msgs[j].msg_hdr);
          if (ttl > 0) {
            // The IPv4 option also applies to IPv4-mapped destinations of a dual-stack socket.
            c->cmsg_level = family == 4 ? IPPROTO_IP : IPPROTO_IPV6;
            c->cmsg_type = family == 4 ? IP_TTL : IPV6_HOPLIMIT;
            c->cmsg_len = CMSG_LEN(sizeof(int));
            std::memcpy(CMSG_DATA(c), &ttl, sizeof ttl);
            c = CMSG_NXTHDR(&msgs[j].msg_hdr, c);
          }
          if (source != nullptr && family == 4) {
            in_pktinfo pi;
            std::memset(&pi, 0, sizeof pi);
            std::memcpy(&pi.ipi_spec_dst, source + 12, 4);
            c->cmsg_level = IPPROTO_IP;
            c->cmsg_type = IP_PKTINFO;
            c->cmsg_len = CMSG_LEN(sizeof pi);
            std::memcpy(CMSG_DATA(c), &pi, sizeof pi);
          } else if (source != nullptr) {
            in6_pktinfo pi;
            std::memset(&pi, 0, sizeof pi);
            std::memcpy(pi.ipi6_addr.s6_addr, source, 16);
            c->cmsg_level = IPPROTO_IPV6;
            c->cmsg_type = IPV6_PKTINFO;
            c->cmsg_len = CMSG_LEN(sizeof pi);
            std::memcpy(CMSG_DATA(c), &pi, sizeof pi);
          }
        }
        prepared++;
      }
      int r = sendmmsg(fd_, msgs, prepared, MSG_DONTWAIT);
      if (r > 0) {
        for (int j = 0; j < r; j++) {
          st[done + j] = 0;
          stats_.sent++;
          stats_.bytesSent += msgs[j].msg_len;
        }
        done += r;
        continue;
      }
      int e = errno;
      if (r < 0 && e == EINTR) continue;
      if (r < 0 && (e == EAGAIN || e == EWOULDBLOCK)) {
        stats_.blocked++;
        break;
      }
      // The first message of the chunk failed (a partial send returns the count and the next call
      // fails on the culprit): report it and go on with the rest.
      st[done] = r < 0 ? e : EIO;
      stats_.sendErrors++;
      done++;
    }
    return Napi::Number::New(env, static_cast<double>(done));
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
  int family_ = AF_INET;
  bool recvTtl_ = false;
  bool recvLocal_ = false;
  napi_env env_ = nullptr;
  bool hooked_ = false;
  bool started_ = false;
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
  UdpStats stats_;
};

// udpOpen({ address, port, recvTtl?, recvLocal?, bufferBytes? }) -> UdpHandle | { code, errno, syscall, message }.
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
  return env.GetInstanceData<AddonData>()->udpCtor.New(
      {Napi::Number::New(env, fd), Napi::Number::New(env, family), Napi::Boolean::New(env, recvTtl), Napi::Boolean::New(env, recvLocal)});
}

}  // namespace

void InitUdp(Napi::Env env, Napi::Object exports, AddonData* data) {
  data->udpCtor = Napi::Persistent(UdpHandle::Define(env));
  exports.Set("udpOpen", Napi::Function::New(env, UdpOpen));
}

}  // namespace kith
