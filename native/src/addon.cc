// kith_tap.node: the JavaScript face of a TAP device. Everything OS-specific lives behind
// Backend (backend.h); this file does batching, statistics, error values and lifetime.
//
// Reads: the backend signals readiness on the loop thread; Drain() then reads up to one batch of
// frames into a slab the JavaScript side allocated once, and makes ONE callback per wake-up with
// the frame count (offsets/lengths live in two Uint32Arrays also allocated once). Nothing is
// allocated per frame. The slab is reused, so JavaScript must copy what it keeps.
#include <napi.h>
#include <uv.h>

#ifdef _WIN32
#include <winsock2.h>  // htonl
#else
#include <arpa/inet.h>
#endif

#include <algorithm>
#include <cstring>
#include <memory>

#include "backend.h"
#include "express.h"
#include "modules.h"
#include "peer_cred.h"
#include "udp.h"
#ifndef _WIN32
#include "agent_client.h"
#endif

namespace kith {

Napi::Object ErrorValue(Napi::Env env, const SysError& e) {
  int uverr = uv_translate_sys_error(e.code);
  char name[64];
  uv_err_name_r(uverr, name, sizeof name);
  char msg[256];
  uv_strerror_r(uverr, msg, sizeof msg);
  Napi::Object o = Napi::Object::New(env);
  o.Set("code", name);
  o.Set("errno", e.code);
  o.Set("syscall", e.syscall != nullptr ? e.syscall : "");
  o.Set("message", msg);
  return o;
}

namespace {

constexpr uint32_t kMaxBatch = 1024;  // hard upper bound, whatever the JS side passes

Napi::Object Closed(Napi::Env env) {
#ifdef _WIN32
  return ErrorValue(env, SysError{6 /* ERROR_INVALID_HANDLE */, "closed"});
#else
  return ErrorValue(env, SysError{EBADF, "closed"});
#endif
}

struct Stats {
  double framesRead = 0, bytesRead = 0, wakeups = 0, readErrors = 0;
  double framesWritten = 0, bytesWritten = 0, writeDrops = 0, writeErrors = 0;
};

class TapHandle : public Napi::ObjectWrap<TapHandle>, public ExpressTapPort {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "TapHandle",
                       {
                           InstanceMethod<&TapHandle::Name>("name"),
                           InstanceMethod<&TapHandle::IfIndex>("ifIndex"),
                           InstanceMethod<&TapHandle::GetMac>("getMac"),
                           InstanceMethod<&TapHandle::SetMac>("setMac"),
                           InstanceMethod<&TapHandle::GetMtu>("getMtu"),
                           InstanceMethod<&TapHandle::SetMtu>("setMtu"),
                           InstanceMethod<&TapHandle::SetIpv4>("setIpv4"),
                           InstanceMethod<&TapHandle::Start>("start"),
                           InstanceMethod<&TapHandle::Write>("write"),
                           InstanceMethod<&TapHandle::WriteBatch>("writeBatch"),
                           InstanceMethod<&TapHandle::GetStats>("stats"),
                           InstanceMethod<&TapHandle::Close>("close"),
                       });
  }

  // Only open() constructs these, passing the backend as an External.
  explicit TapHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<TapHandle>(info) {
    if (info.Length() != 1 || !info[0].IsExternal()) {
      Napi::TypeError::New(info.Env(), "TapHandle is created by open()").ThrowAsJavaScriptException();
      return;
    }
    be_ = info[0].As<Napi::External<Backend>>().Data();
    env_ = info.Env();
    // Close on environment teardown (process exit, worker exit) while libuv is still alive.
    napi_add_env_cleanup_hook(env_, &TapHandle::OnCleanup, this);
    hooked_ = true;
  }

  ~TapHandle() override { Shutdown(); }

 private:
  Napi::Value Name(const Napi::CallbackInfo& info) {
    return Napi::String::New(info.Env(), name_.empty() && be_ ? (name_ = be_->Name()) : name_);
  }

  Napi::Value IfIndex(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), be_ ? be_->IfIndex() : 0);
  }

  Napi::Value GetMac(const Napi::CallbackInfo& info) {
    if (!be_) return Closed(info.Env());
    uint8_t mac[6];
    SysError e = be_->GetMac(mac);
    if (e) return ErrorValue(info.Env(), e);
    return Napi::Buffer<uint8_t>::Copy(info.Env(), mac, 6);
  }

  Napi::Value SetMac(const Napi::CallbackInfo& info) {
    if (!be_) return Closed(info.Env());
    if (!info[0].IsTypedArray() || info[0].As<Napi::Uint8Array>().ByteLength() != 6) {
      throw Napi::TypeError::New(info.Env(), "setMac expects a 6-byte Uint8Array");
    }
    SysError e = be_->SetMac(info[0].As<Napi::Uint8Array>().Data());
    return e ? Napi::Value(ErrorValue(info.Env(), e)) : info.Env().Undefined();
  }

  Napi::Value GetMtu(const Napi::CallbackInfo& info) {
    if (!be_) return Closed(info.Env());
    int mtu = 0;
    SysError e = be_->GetMtu(&mtu);
    return e ? Napi::Value(ErrorValue(info.Env(), e)) : Napi::Number::New(info.Env(), mtu);
  }

  Napi::Value SetMtu(const Napi::CallbackInfo& info) {
    if (!be_) return Closed(info.Env());
    if (!info[0].IsNumber()) throw Napi::TypeError::New(info.Env(), "setMtu expects a number");
    SysError e = be_->SetMtu(info[0].As<Napi::Number>().Int32Value());
    return e ? Napi::Value(ErrorValue(info.Env(), e)) : info.Env().Undefined();
  }

  // setIpv4(addr: number, mask: number), both host-order uint32. Windows only (backend.h).
  Napi::Value SetIpv4(const Napi::CallbackInfo& info) {
    if (!be_) return Closed(info.Env());
    if (!info[0].IsNumber() || !info[1].IsNumber()) throw Napi::TypeError::New(info.Env(), "setIpv4(addr, mask)");
    uint32_t a = info[0].As<Napi::Number>().Uint32Value(), m = info[1].As<Napi::Number>().Uint32Value();
    SysError e = be_->SetIpv4(htonl(a), htonl(m));
    return e ? Napi::Value(ErrorValue(info.Env(), e)) : info.Env().Undefined();
  }

  // start(slab: Buffer, offsets: Uint32Array, lengths: Uint32Array, cb: (n, err?) => void)
  Napi::Value Start(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!be_) return Closed(env);
    if (started_) throw Napi::Error::New(env, "already started");
    if (info.Length() != 4 || !info[0].IsBuffer() || !info[1].IsTypedArray() ||
        !info[2].IsTypedArray() || !info[3].IsFunction()) {
      throw Napi::TypeError::New(env, "start(slab, offsets, lengths, cb)");
    }
    auto slab = info[0].As<Napi::Buffer<uint8_t>>();
    auto offs = info[1].As<Napi::TypedArray>();
    auto lens = info[2].As<Napi::TypedArray>();
    if (offs.TypedArrayType() != napi_uint32_array || lens.TypedArrayType() != napi_uint32_array ||
        slab.Length() < kMaxFrame || slab.Length() > UINT32_MAX) {
      throw Napi::TypeError::New(env, "slab must hold one maximal frame; offsets/lengths Uint32Array");
    }
    // The references keep these alive (and their memory in place) until Shutdown().
    slabRef_ = Napi::Persistent(slab);
    offRef_ = Napi::Persistent(offs.As<Napi::Uint32Array>());
    lenRef_ = Napi::Persistent(lens.As<Napi::Uint32Array>());
    cb_ = Napi::Persistent(info[3].As<Napi::Function>());
    slab_ = slab.Data();
    slabLen_ = slab.Length();
    off_ = offRef_.Value().Data();
    len_ = lenRef_.Value().Data();
    batchMax_ = static_cast<uint32_t>(std::min<size_t>({offs.ElementLength(), lens.ElementLength(), kMaxBatch}));
    if (batchMax_ == 0) throw Napi::TypeError::New(env, "offsets/lengths must not be empty");
    ctx_ = std::make_unique<Napi::AsyncContext>(env, "KithTapRead");
    uv_loop_t* loop = nullptr;
    napi_get_uv_event_loop(env, &loop);
    SysError e = be_->Start(loop, &TapHandle::OnReady, this);
    if (e) return ErrorValue(env, e);
    started_ = true;
    return env.Undefined();
  }

  static void OnReady(void* arg) { static_cast<TapHandle*>(arg)->Drain(); }

  // A split super-frame may hold more frames than one batch, and the device will not signal the
  // rest: batches go on until none is pending (each is one handler call).
  void Drain() {
    while (DrainBatch() && be_ != nullptr && started_ && be_->Pending()) {
    }
  }

  // One batch and one handler call; false if there was nothing to hand over.
  bool DrainBatch() {
    if (!be_ || !started_) return false;
    uint32_t n = 0;
    size_t used = 0;
    SysError err;
    // Bounded by the batch size and by the slab: stop while a maximal frame still fits, and
    // let the (level-triggered) readiness fire again for the rest.
    while (n < batchMax_ && slabLen_ - used >= kMaxFrame) {
      long r = be_->Read(slab_ + used, kMaxFrame, &err);
      if (r == kNoFrame || r == kFailed) break;
      off_[n] = static_cast<uint32_t>(used);
      len_[n] = static_cast<uint32_t>(r);
      used += static_cast<size_t>(r);
      n++;
    }
    if (n == 0 && !err) return false;  // spurious wake-up
    stats_.wakeups++;
    stats_.framesRead += n;
    stats_.bytesRead += static_cast<double>(used);
    if (err) stats_.readErrors++;
    if (express_ != nullptr) {
      n = LeaveToExpress(n);
      if (n == 0 && !err) return true;  // the lane took them all: nothing for JavaScript
    }

    Napi::Env env(env_);
    Napi::HandleScope scope(env);
    Napi::Value errv = err ? Napi::Value(ErrorValue(env, err)) : env.Undefined();
    Napi::Value recv = Value();
    try {
      if (err) {
        // A read error means the device is gone (deleted, fd revoked): stop, so a dead fd that
        // keeps polling readable cannot spin the loop. The callback still gets this batch and the
        // error, through the reference and context taken over from the handle.
        Napi::FunctionReference cb = std::move(cb_);
        std::unique_ptr<Napi::AsyncContext> ctx = std::move(ctx_);
        Shutdown();
        cb.MakeCallback(recv, {Napi::Number::New(env, n), errv}, *ctx);
      } else {
        // The handler may call close(); nothing below touches `this` after the call.
        cb_.MakeCallback(recv, {Napi::Number::New(env, n), errv}, *ctx_);
      }
    } catch (const Napi::Error& e) {
      // A throwing handler is an uncaught exception, exactly as for an EventEmitter listener.
      napi_fatal_exception(env_, e.Value());
    }
    return true;
  }

  // Offers the batch's frames to the express lane, which sends what it takes before JavaScript
  // sees the rest; returns how many are left, moved to the front of offsets/lengths.
  uint32_t LeaveToExpress(uint32_t n) {
    uint32_t kept = 0;
    for (uint32_t i = 0; i < n; i++) {
      if (express_->TakeOut(slab_ + off_[i], len_[i])) continue;
      off_[kept] = off_[i];
      len_[kept] = len_[i];
      kept++;
    }
    express_->FlushOut();
    return kept;
  }

 public:
  ExpressLane* Express() const override { return express_; }
  void AttachExpress(ExpressLane* lane) override { express_ = lane; }
  WriteTally WriteFromExpress(const uint8_t* const* frames, const size_t* lens, uint32_t count) override {
    if (be_ == nullptr) return WriteTally{0, 0, count, 0};
    return WriteFrames(frames, lens, count);
  }

 private:
  // Frames to the backend together (which may coalesce them), counted.
  WriteTally WriteFrames(const uint8_t* const* frames, const size_t* lens, uint32_t count) {
    SysError e;
    WriteTally t = be_->WriteFrames(frames, lens, count, &e);
    stats_.framesWritten += t.written;
    stats_.bytesWritten += t.bytes;
    stats_.writeDrops += t.dropped;
    stats_.writeErrors += t.failed;
    return t;
  }

  bool WriteOne(const uint8_t* p, size_t len) {
    SysError e;
    if (be_->Write(p, len, &e)) {
      stats_.framesWritten++;
      stats_.bytesWritten += static_cast<double>(len);
      return true;
    }
    if (e) stats_.writeErrors++;
    else stats_.writeDrops++;
    return false;
  }

  static void CheckFrame(Napi::Env env, size_t len) {
    if (len < 14 || len > kMaxFrame) throw Napi::RangeError::New(env, "frame length out of range");
  }

  Napi::Value Write(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!info[0].IsTypedArray()) throw Napi::TypeError::New(env, "write expects a Uint8Array");
    auto buf = info[0].As<Napi::Uint8Array>();
    CheckFrame(env, buf.ByteLength());
    if (!be_) {
      stats_.writeErrors++;
      return Napi::Boolean::New(env, false);
    }
    return Napi::Boolean::New(env, WriteOne(buf.Data(), buf.ByteLength()));
  }

  // writeBatch(buf, offsets, lengths, count) -> frames written; the rest count as drops/errors.
  Napi::Value WriteBatch(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() != 4 || !info[0].IsTypedArray() || !info[1].IsTypedArray() ||
        !info[2].IsTypedArray() || !info[3].IsNumber()) {
      throw Napi::TypeError::New(env, "writeBatch(buf, offsets, lengths, count)");
    }
    auto buf = info[0].As<Napi::Uint8Array>();
    auto offs = info[1].As<Napi::Uint32Array>();
    auto lens = info[2].As<Napi::Uint32Array>();
    int64_t count = info[3].As<Napi::Number>().Int64Value();
    const uint32_t* od = offs.Data();
    const uint32_t* ld = lens.Data();
    if (count < 0 || static_cast<size_t>(count) > offs.ElementLength() ||
        static_cast<size_t>(count) > lens.ElementLength()) {
      throw Napi::RangeError::New(env, "count out of range");
    }
    // Validate everything before writing anything, so a bad batch writes nothing.
    for (int64_t i = 0; i < count; i++) {
      CheckFrame(env, ld[i]);
      if (static_cast<uint64_t>(od[i]) + ld[i] > buf.ByteLength()) {
        throw Napi::RangeError::New(env, "frame outside buffer");
      }
    }
    if (!be_) {
      stats_.writeErrors += static_cast<double>(count);
      return Napi::Number::New(env, 0);
    }
    // Frames go to the backend together (which may coalesce them), in slices of kMaxBatch.
    const uint8_t* frames[kMaxBatch];
    size_t sizes[kMaxBatch];
    uint32_t written = 0;
    for (int64_t done = 0; done < count;) {
      uint32_t n = static_cast<uint32_t>(std::min<int64_t>(kMaxBatch, count - done));
      for (uint32_t i = 0; i < n; i++) {
        frames[i] = buf.Data() + od[done + i];
        sizes[i] = ld[done + i];
      }
      written += WriteFrames(frames, sizes, n).written;
      done += n;
    }
    return Napi::Number::New(env, written);
  }

  Napi::Value GetStats(const Napi::CallbackInfo& info) {
    Napi::Object o = Napi::Object::New(info.Env());
    o.Set("framesRead", stats_.framesRead);
    o.Set("bytesRead", stats_.bytesRead);
    o.Set("wakeups", stats_.wakeups);
    o.Set("readErrors", stats_.readErrors);
    o.Set("framesWritten", stats_.framesWritten);
    o.Set("bytesWritten", stats_.bytesWritten);
    o.Set("writeDrops", stats_.writeDrops);
    o.Set("writeErrors", stats_.writeErrors);
    OffloadStats off = be_ ? be_->Offload() : OffloadStats{};
    o.Set("offloadFlags", off.flags);
    o.Set("superFramesRead", off.superFramesRead);
    o.Set("segmentsRead", off.segmentsRead);
    o.Set("superFramesWritten", off.superFramesWritten);
    o.Set("segmentsCoalesced", off.segmentsCoalesced);
    o.Set("badFrames", off.badFrames);
    return o;
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    Shutdown();
    return info.Env().Undefined();
  }

  static void OnCleanup(void* arg) {
    auto* self = static_cast<TapHandle*>(arg);
    self->hooked_ = false;  // Node is running (and dropping) its hooks right now
    self->Shutdown();
  }

  // Idempotent: stops reads, closes the device, lets go of the JS buffers and callback.
  void Shutdown() {
    if (express_ != nullptr) express_->PortClosed();
    if (be_ != nullptr) {
      if (name_.empty()) name_ = be_->Name();
      be_->Close();
      delete be_;
      be_ = nullptr;
    }
    started_ = false;
    if (hooked_) {
      napi_remove_env_cleanup_hook(env_, &TapHandle::OnCleanup, this);
      hooked_ = false;
    }
    slab_ = nullptr;
    off_ = len_ = nullptr;
    slabRef_.Reset();
    offRef_.Reset();
    lenRef_.Reset();
    cb_.Reset();
    ctx_.reset();
  }

  Backend* be_ = nullptr;
  ExpressLane* express_ = nullptr;
  napi_env env_ = nullptr;
  bool hooked_ = false;
  bool started_ = false;
  std::string name_;
  Napi::Reference<Napi::Buffer<uint8_t>> slabRef_;
  Napi::Reference<Napi::Uint32Array> offRef_, lenRef_;
  Napi::FunctionReference cb_;
  std::unique_ptr<Napi::AsyncContext> ctx_;
  uint8_t* slab_ = nullptr;
  size_t slabLen_ = 0;
  uint32_t* off_ = nullptr;
  uint32_t* len_ = nullptr;
  uint32_t batchMax_ = 0;
  Stats stats_;
};

// open({ name, create }) -> TapHandle | { code, errno, syscall, message }
Napi::Value Open(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject()) throw Napi::TypeError::New(env, "open expects an options object");
  Napi::Object o = info[0].As<Napi::Object>();
  OpenOptions opts;
  Napi::Value name = o.Get("name");
  if (name.IsString()) opts.name = name.As<Napi::String>().Utf8Value();
  opts.create = o.Get("create").ToBoolean().Value();
  opts.offload = o.Get("offload").ToBoolean().Value();
  SysError err;
  Backend* be = OpenBackend(opts, &err);
  if (be == nullptr) return ErrorValue(env, err);
  auto ext = Napi::External<Backend>::New(env, be);
  return env.GetInstanceData<AddonData>()->ctor.New({ext});
}

// agentOpen(socketPath, name, offload) -> TapHandle | { code, errno, syscall, message } | { refused: reason }
// Asks kith-tap's agent for the device and adopts the descriptor it sends (agent_client.h).
Napi::Value AgentOpenFn(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 3 || !info[0].IsString() || !info[1].IsString() || !info[2].IsBoolean()) {
    throw Napi::TypeError::New(env, "agentOpen(socketPath, name, offload)");
  }
#ifdef _WIN32
  return ErrorValue(env, SysError{50 /* ERROR_NOT_SUPPORTED */, "agentOpen"});
#else
  std::string path = info[0].As<Napi::String>().Utf8Value(), name = info[1].As<Napi::String>().Utf8Value();
  AgentReply reply;
  SysError err = AgentOpen(path, name, &reply);
  if (err) return ErrorValue(env, err);
  if (!reply.refused.empty()) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("refused", reply.refused);
    return o;
  }
  Backend* be = AdoptBackend(reply.fd, reply.ifname, &err);  // closes the fd on failure
  if (be == nullptr) return ErrorValue(env, err);
  // Only where the agent opened the device with IFF_VNET_HDR; otherwise it stays off.
  if (info[2].As<Napi::Boolean>().Value()) be->SetOffload(true);
  auto ext = Napi::External<Backend>::New(env, be);
  return env.GetInstanceData<AddonData>()->ctor.New({ext});
#endif
}

}  // namespace

ExpressTapPort* TapPortOf(Napi::Env env, Napi::Value value) {
  if (!value.IsObject() || !value.As<Napi::Object>().InstanceOf(env.GetInstanceData<AddonData>()->ctor.Value())) return nullptr;
  return TapHandle::Unwrap(value.As<Napi::Object>());
}

namespace {

Napi::Object InitAddon(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  data->ctor = Napi::Persistent(TapHandle::Define(env));
  env.SetInstanceData(data);
  InitCrypto(env, exports);
#ifdef __linux__
  InitUdp(env, exports, data);
  InitOffload(env, exports);
  InitExpress(env, exports);
  InitRegisterAnswers(env, exports);
#endif
  exports.Set("open", Napi::Function::New(env, Open));
  exports.Set("agentOpen", Napi::Function::New(env, AgentOpenFn));
  InitPeerCred(env, exports);
#if defined(_WIN32)
  exports.Set("platform", "win32");
#elif defined(__APPLE__)
  exports.Set("platform", "darwin");
#elif defined(__FreeBSD__)
  exports.Set("platform", "freebsd");
#else
  exports.Set("platform", "linux");
#endif
  exports.Set("maxFrame", Napi::Number::New(env, static_cast<double>(kMaxFrame)));
  return exports;
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) { return InitAddon(env, exports); }
}  // namespace kith

// NODE_API_MODULE pastes its argument into an identifier, so it needs an unqualified name.
static Napi::Object InitKithTap(Napi::Env env, Napi::Object exports) { return kith::Init(env, exports); }
NODE_API_MODULE(kith_tap, InitKithTap)
