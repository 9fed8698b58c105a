// The TAP offload's segmentation and coalescing (offload.h) on plain bytes, so tests can check
// them on frames captured from the kernel and benchmarks can time them without a device.
#include <napi.h>

#include <cstring>
#include <memory>
#include <vector>

#include "backend.h"
#include "modules.h"
#include "offload.h"

namespace kith {
namespace {

template <typename T>
T Arg(const Napi::CallbackInfo& info, size_t i, napi_typedarray_type type, const char* usage) {
  if (!info[i].IsTypedArray() || info[i].As<Napi::TypedArray>().TypedArrayType() != type) {
    throw Napi::TypeError::New(info.Env(), usage);
  }
  return info[i].As<T>();
}

// vnetSplit(input, slab, offsets, lengths) -> frames written, or the name of what is wrong with
// input (virtio-net header + frame). The input is not changed.
Napi::Value VnetSplit(const Napi::CallbackInfo& info) {
  static const char* kUsage = "vnetSplit(input: Uint8Array, slab: Uint8Array, offsets: Uint32Array, lengths: Uint32Array)";
  Napi::Env env = info.Env();
  auto input = Arg<Napi::Uint8Array>(info, 0, napi_uint8_array, kUsage);
  auto slab = Arg<Napi::Uint8Array>(info, 1, napi_uint8_array, kUsage);
  auto offs = Arg<Napi::Uint32Array>(info, 2, napi_uint32_array, kUsage);
  auto lens = Arg<Napi::Uint32Array>(info, 3, napi_uint32_array, kUsage);
  size_t len = input.ByteLength();
  if (len < offload::kVnetHdrLen || len - offload::kVnetHdrLen > kMaxFrame) return Napi::String::New(env, "short");
  std::vector<uint8_t> frame(input.Data() + offload::kVnetHdrLen, input.Data() + len);
  offload::Splitter split;
  offload::FrameError e = split.Begin(frame.data(), frame.size(), offload::ReadVnetHdr(input.Data()));
  if (e != offload::FrameError::kNone) return Napi::String::New(env, offload::FrameErrorName(e));
  size_t used = 0;
  uint32_t n = 0;
  while (split.Pending()) {
    if (n >= offs.ElementLength() || n >= lens.ElementLength() || slab.ByteLength() - used < frame.size()) {
      throw Napi::RangeError::New(env, "vnetSplit: slab or offsets too small");
    }
    size_t got = split.Next(slab.Data() + used, slab.ByteLength() - used);
    if (got == 0) break;
    offs[n] = static_cast<uint32_t>(used);
    lens[n] = static_cast<uint32_t>(got);
    used += got;
    n++;
  }
  return Napi::Number::New(env, n);
}

// vnetCoalesce(buf, offsets, lengths, count, out, outOffsets, outLengths) -> items written to out,
// each a virtio-net header and a frame, exactly as a TAP write would carry them.
Napi::Value VnetCoalesce(const Napi::CallbackInfo& info) {
  static const char* kUsage =
      "vnetCoalesce(buf: Uint8Array, offsets: Uint32Array, lengths: Uint32Array, count, out: Uint8Array, outOffsets: Uint32Array, outLengths: Uint32Array)";
  Napi::Env env = info.Env();
  auto buf = Arg<Napi::Uint8Array>(info, 0, napi_uint8_array, kUsage);
  auto offs = Arg<Napi::Uint32Array>(info, 1, napi_uint32_array, kUsage);
  auto lens = Arg<Napi::Uint32Array>(info, 2, napi_uint32_array, kUsage);
  if (!info[3].IsNumber()) throw Napi::TypeError::New(env, kUsage);
  auto out = Arg<Napi::Uint8Array>(info, 4, napi_uint8_array, kUsage);
  auto outOffs = Arg<Napi::Uint32Array>(info, 5, napi_uint32_array, kUsage);
  auto outLens = Arg<Napi::Uint32Array>(info, 6, napi_uint32_array, kUsage);
  int64_t count = info[3].As<Napi::Number>().Int64Value();
  if (count < 0 || count > 1024 || static_cast<size_t>(count) > offs.ElementLength() || static_cast<size_t>(count) > lens.ElementLength()) {
    throw Napi::RangeError::New(env, "count out of range");
  }
  const uint32_t n = static_cast<uint32_t>(count);
  std::vector<const uint8_t*> frames(n);
  std::vector<size_t> sizes(n);
  for (uint32_t i = 0; i < n; i++) {
    if (static_cast<uint64_t>(offs[i]) + lens[i] > buf.ByteLength() || lens[i] < 14 || lens[i] > kMaxFrame) {
      throw Napi::RangeError::New(env, "frame outside buffer or of a bad length");
    }
    frames[i] = buf.Data() + offs[i];
    sizes[i] = lens[i];
  }
  offload::Coalescer c(n == 0 ? 1 : n);
  c.Plan(frames.data(), sizes.data(), n);
  offload::Coalescer::Chunk pieces[offload::Coalescer::kMaxSegments];
  size_t used = 0;
  for (uint32_t k = 0; k < c.ItemCount(); k++) {
    size_t bytes = c.ItemBytes(k);
    if (k >= outOffs.ElementLength() || k >= outLens.ElementLength() || out.ByteLength() - used < bytes) {
      throw Napi::RangeError::New(env, "vnetCoalesce: out or outOffsets too small");
    }
    const offload::Coalescer::Item& item = c.ItemAt(k);
    outOffs[k] = static_cast<uint32_t>(used);
    outLens[k] = static_cast<uint32_t>(bytes);
    std::memcpy(out.Data() + used, item.headers, item.headerLen);
    used += item.headerLen;
    uint32_t m = c.Chunks(k, pieces);
    for (uint32_t j = 0; j < m; j++) {
      std::memcpy(out.Data() + used, pieces[j].data, pieces[j].len);
      used += pieces[j].len;
    }
  }
  return Napi::Number::New(env, c.ItemCount());
}

}  // namespace

void InitOffload(Napi::Env env, Napi::Object exports) {
  exports.Set("vnetSplit", Napi::Function::New(env, VnetSplit));
  exports.Set("vnetCoalesce", Napi::Function::New(env, VnetCoalesce));
}

}  // namespace kith
