// Segmentation and coalescing behind the virtio-net header: see offload.h.
#include "offload.h"

#include <algorithm>
#include <cstring>
#include <new>

#include "checksum.h"

namespace kith {
namespace offload {

using csum::Add;
using csum::Load16;
using csum::Load32;
using csum::Store16;
using csum::Store32;
using csum::Sum;

namespace {

constexpr uint16_t kEthIpv4 = 0x0800;
constexpr uint16_t kEthIpv6 = 0x86dd;
constexpr uint16_t kEthVlan = 0x8100;
constexpr uint16_t kEthQinQ = 0x88a8;
constexpr uint8_t kProtoTcp = 6;
constexpr uint8_t kProtoUdp = 17;
constexpr uint8_t kTcpFin = 0x01;
constexpr uint8_t kTcpPsh = 0x08;
constexpr uint8_t kTcpAck = 0x10;
constexpr uint8_t kTcpCwr = 0x80;
constexpr uint32_t kNoFrame = UINT32_MAX;
// Items a frame looks back over for its flow; beyond that it starts a new item (never reorders).
constexpr uint32_t kLookBack = 64;

// The IP header's offset after the Ethernet header and up to two VLAN tags; 0 if too short.
size_t NetworkOffset(const uint8_t* f, size_t len, uint16_t* ethertype) {
  size_t at = 12;
  for (int tags = 0;; tags++) {
    if (at + 2 > len) return 0;
    uint16_t type = Load16(f + at);
    if ((type == kEthVlan || type == kEthQinQ) && tags < 2) {
      at += 4;
      continue;
    }
    *ethertype = type;
    return at + 2;
  }
}

// What a field over a checksummed span must hold; UDP reserves 0 for "no checksum", and 0xffff is
// the same value in one's complement, so 0 never leaves here.
uint32_t FieldValue(uint32_t sum) {
  uint32_t v = csum::Finish(sum);
  return v == 0 ? 0xffff : v;
}

// TCP options that may travel in a coalesced super-frame: padding and timestamps only.
bool OnlyTimestamps(const uint8_t* opt, size_t n) {
  for (size_t i = 0; i < n;) {
    if (opt[i] == 0 || opt[i] == 1) {  // EOL, NOP
      i++;
      continue;
    }
    if (opt[i] != 8 || i + 10 > n || opt[i + 1] != 10) return false;
    i += 10;
  }
  return true;
}

}  // namespace

VnetHdr ReadVnetHdr(const uint8_t* p) {
  VnetHdr h;
  h.flags = p[0];
  h.gsoType = p[1];
  h.hdrLen = static_cast<uint16_t>(p[2] | p[3] << 8);
  h.gsoSize = static_cast<uint16_t>(p[4] | p[5] << 8);
  h.csumStart = static_cast<uint16_t>(p[6] | p[7] << 8);
  h.csumOffset = static_cast<uint16_t>(p[8] | p[9] << 8);
  return h;
}

void WriteVnetHdr(uint8_t* p, const VnetHdr& h) {
  const uint16_t words[4] = {h.hdrLen, h.gsoSize, h.csumStart, h.csumOffset};
  p[0] = h.flags;
  p[1] = h.gsoType;
  for (int i = 0; i < 4; i++) {
    p[2 + 2 * i] = static_cast<uint8_t>(words[i]);
    p[3 + 2 * i] = static_cast<uint8_t>(words[i] >> 8);
  }
  p[10] = p[11] = 0;  // num_buffers: unused on writes
}

const char* FrameErrorName(FrameError e) {
  switch (e) {
    case FrameError::kNone: return "none";
    case FrameError::kShort: return "short";
    case FrameError::kBadChecksumSpan: return "bad-checksum-span";
    case FrameError::kBadGsoType: return "bad-gso-type";
    case FrameError::kBadHeaders: return "bad-headers";
  }
  return "unknown";
}

// ---- Splitter ------------------------------------------------------------------------------

FrameError Splitter::Begin(uint8_t* frame, size_t len, const VnetHdr& hdr) {
  frame_ = nullptr;
  if (len < 14) return FrameError::kShort;
  if (hdr.gsoType == kGsoNone) {
    if ((hdr.flags & kNeedsCsum) != 0) {
      size_t start = hdr.csumStart, at = start + hdr.csumOffset;
      if (start >= len || at + 2 > len) return FrameError::kBadChecksumSpan;
      // The field holds the pseudo-header sum the kernel left there; the sum covers it.
      Store16(frame + at, FieldValue(Sum(frame + start, len - start)));
    }
    frame_ = frame;
    len_ = len;
    super_ = false;
    return FrameError::kNone;
  }
  uint8_t type = hdr.gsoType & ~kGsoEcn;
  if (type != kGsoTcp4 && type != kGsoTcp6 && type != kGsoUdpL4) return FrameError::kBadGsoType;
  if ((hdr.flags & kNeedsCsum) == 0 || hdr.gsoSize == 0) return FrameError::kBadHeaders;
  uint16_t ethertype = 0;
  size_t l3 = NetworkOffset(frame, len, &ethertype);
  if (l3 == 0) return FrameError::kShort;
  bool ipv4 = ethertype == kEthIpv4;
  if (!ipv4 && ethertype != kEthIpv6) return FrameError::kBadGsoType;
  if ((type == kGsoTcp4 && !ipv4) || (type == kGsoTcp6 && ipv4)) return FrameError::kBadGsoType;
  bool tcp = type != kGsoUdpL4;
  uint8_t proto = tcp ? kProtoTcp : kProtoUdp;
  size_t l4 = hdr.csumStart;
  if (ipv4) {
    if (l3 + 20 > len) return FrameError::kShort;
    size_t ihl = static_cast<size_t>(frame[l3] & 0x0f) * 4;
    if (frame[l3] >> 4 != 4 || ihl < 20 || l4 != l3 + ihl || frame[l3 + 9] != proto) return FrameError::kBadHeaders;
  } else {
    if (l3 + 40 > len) return FrameError::kShort;
    // Extension headers (l4 beyond the fixed header) are copied into every segment as they are.
    if (frame[l3] >> 4 != 6 || l4 < l3 + 40 || (l4 == l3 + 40 && frame[l3 + 6] != proto)) return FrameError::kBadHeaders;
  }
  size_t l4Len;
  if (tcp) {
    if (l4 + 20 > len) return FrameError::kShort;
    l4Len = static_cast<size_t>(frame[l4 + 12] >> 4) * 4;
    if (l4Len < 20 || hdr.csumOffset != 16) return FrameError::kBadHeaders;
  } else {
    l4Len = 8;
    if (hdr.csumOffset != 6) return FrameError::kBadHeaders;
  }
  if (l4 + l4Len >= len) return FrameError::kShort;  // headers, and at least one payload byte
  frame_ = frame;
  len_ = len;
  super_ = true;
  ipv4_ = ipv4;
  tcp_ = tcp;
  l3_ = l3;
  l4_ = l4;
  payload_ = next_ = l4 + l4Len;
  gsoSize_ = hdr.gsoSize;
  firstId_ = ipv4 ? Load16(frame + l3 + 4) : 0;
  firstSeq_ = tcp ? Load32(frame + l4 + 4) : 0;
  index_ = 0;
  size_t addr = ipv4 ? l3 + 12 : l3 + 8, addrLen = ipv4 ? 4 : 16;
  pseudoAddrs_ = csum::Pseudo(frame + addr, frame + addr + addrLen, addrLen, proto, 0);
  return FrameError::kNone;
}

uint32_t Splitter::Segments() const {
  if (frame_ == nullptr) return 0;
  if (!super_) return 1;
  return static_cast<uint32_t>((len_ - payload_ + gsoSize_ - 1) / gsoSize_);
}

size_t Splitter::Next(uint8_t* out, size_t cap) {
  if (frame_ == nullptr) return 0;
  if (!super_) {
    size_t n = std::min(len_, cap);
    std::memmove(out, frame_, n);
    frame_ = nullptr;
    return n;
  }
  size_t seg = std::min<size_t>(gsoSize_, len_ - next_);
  size_t outLen = payload_ + seg;
  if (outLen > cap) {  // cannot happen with cap >= the frame; refuse rather than overrun
    frame_ = nullptr;
    return 0;
  }
  bool last = next_ + seg >= len_;
  std::memcpy(out, frame_, payload_);
  std::memcpy(out + payload_, frame_ + next_, seg);
  if (ipv4_) {
    size_t ihl = l4_ - l3_;
    Store16(out + l3_ + 2, static_cast<uint32_t>(outLen - l3_));
    Store16(out + l3_ + 4, static_cast<uint16_t>(firstId_ + index_));
    Store16(out + l3_ + 10, 0);
    Store16(out + l3_ + 10, csum::Finish(Sum(out + l3_, ihl)));
  } else {
    Store16(out + l3_ + 4, static_cast<uint32_t>(outLen - l3_ - 40));
  }
  uint32_t l4Len = static_cast<uint32_t>(outLen - l4_);
  size_t field;
  if (tcp_) {
    Store32(out + l4_ + 4, firstSeq_ + static_cast<uint32_t>(next_ - payload_));
    uint8_t flags = out[l4_ + 13];
    if (!last) flags &= static_cast<uint8_t>(~(kTcpFin | kTcpPsh));  // only the last segment ends a push
    if (index_ > 0) flags &= static_cast<uint8_t>(~kTcpCwr);         // the window was reduced once
    out[l4_ + 13] = flags;
    field = l4_ + 16;
  } else {
    Store16(out + l4_ + 4, l4Len);
    field = l4_ + 6;
  }
  Store16(out + field, 0);
  uint32_t s = Add(Add(pseudoAddrs_, Add(l4Len >> 16, l4Len & 0xffff)), Sum(out + l4_, l4Len));
  Store16(out + field, FieldValue(s));
  next_ += seg;
  index_++;
  if (last) frame_ = nullptr;
  return outLen;
}

// ---- Coalescer -----------------------------------------------------------------------------

bool ParseTcpFrame(const uint8_t* f, size_t len, TcpFrame* out) {
  if (len < 14 + 20 + 20) return false;
  TcpFrame t;
  t.len = len;
  t.l3 = 14;
  uint16_t type = Load16(f + 12);
  if (type == kEthIpv4) {
    // Exactly a 20-byte header (no options), not a fragment, the frame is the packet (no padding).
    if (f[14] != 0x45 || Load16(f + 16) != len - 14 || (Load16(f + 20) & 0x3fff) != 0 || f[23] != kProtoTcp) return false;
    t.ipv4 = true;
    t.l4 = 34;
  } else if (type == kEthIpv6) {
    if (len < 14 + 40 + 20 || f[14] >> 4 != 6 || f[20] != kProtoTcp || Load16(f + 18) != len - 54) return false;
    t.l4 = 54;
  } else {
    return false;  // VLAN-tagged and everything else are written as they are
  }
  size_t thl = static_cast<size_t>(f[t.l4 + 12] >> 4) * 4;
  if (thl < 20 || t.l4 + thl > len) return false;
  t.payload = t.l4 + thl;
  *out = t;
  return true;
}

struct Coalescer::Open {
  uint32_t hash = 0;
  bool tcp = false;       // a TCP frame: later frames of its flow must come after it
  bool closed = true;     // nothing may join (not a data segment, PSH seen, a short segment)
  TcpFrame t;             // layout of the first segment
  uint32_t last = 0;      // last frame in the item
  uint32_t nextSeq = 0;
  uint16_t nextId = 0;
  uint32_t gsoSize = 0;   // payload bytes of the first segment
  uint32_t payloadBytes = 0;
  uint32_t payloadSum = 0;  // one's complement sum of the payloads, as laid out in the super-frame
  bool psh = false;
};

Coalescer::Coalescer(uint32_t capacity)
    : capacity_(capacity), items_(new Item[capacity]), open_(new Open[capacity]), nextMember_(new uint32_t[capacity]) {}

Coalescer::~Coalescer() {
  delete[] items_;
  delete[] open_;
  delete[] nextMember_;
}

namespace {

size_t AddressOffset(const TcpFrame& t) { return t.ipv4 ? t.l3 + 12 : t.l3 + 8; }
size_t AddressLen(const TcpFrame& t) { return t.ipv4 ? 4 : 16; }

uint32_t FlowHash(const uint8_t* f, const TcpFrame& t) {
  // FNV-1a over the addresses and ports: only to skip most non-matching items quickly.
  uint32_t h = 2166136261u;
  const size_t at = AddressOffset(t), n = 2 * AddressLen(t);
  for (size_t i = 0; i < n; i++) h = (h ^ f[at + i]) * 16777619u;
  for (size_t i = 0; i < 4; i++) h = (h ^ f[t.l4 + i]) * 16777619u;
  return h;
}

bool SameFlow(const uint8_t* a, const TcpFrame& ta, const uint8_t* b, const TcpFrame& tb) {
  if (ta.ipv4 != tb.ipv4) return false;
  const size_t at = AddressOffset(ta), n = 2 * AddressLen(ta);
  return std::memcmp(a, b, 14) == 0 && std::memcmp(a + at, b + at, n) == 0 && std::memcmp(a + ta.l4, b + tb.l4, 4) == 0;
}

// The one's complement sum of a segment's payload, from its checksum field: the sum over the
// pseudo-header, the TCP header (checksum included) and the payload is 0 for a segment whose
// checksum verifies, so the payload's sum is minus the rest. A segment whose checksum does not
// verify gives a value that makes the super-frame's checksum fail in turn.
uint32_t PayloadSum(const uint8_t* f, const TcpFrame& t) {
  const size_t at = AddressOffset(t), n = AddressLen(t);
  uint32_t tcpLen = static_cast<uint32_t>(t.len - t.l4);
  uint32_t rest = Add(csum::Pseudo(f + at, f + at + n, n, kProtoTcp, tcpLen), Sum(f + t.l4, t.payload - t.l4));
  return csum::Finish(rest);
}

}  // namespace

bool Coalescer::TryAppend(Open& o, const uint8_t* f, const TcpFrame& t) {
  if (o.closed || o.t.ipv4 != t.ipv4 || o.t.payload - o.t.l4 != t.payload - t.l4) return false;
  const uint8_t* first = data_[items_[&o - open_].first];
  const size_t l3 = t.l3, l4 = t.l4;
  if (t.ipv4) {
    // TOS (ECN marks included), TTL, DF/reserved bits; ids must count up as one sender's would.
    if (f[l3 + 1] != first[l3 + 1] || f[l3 + 8] != first[l3 + 8] || (f[l3 + 6] & 0xe0) != (first[l3 + 6] & 0xe0) ||
        Load16(f + l3 + 4) != o.nextId) {
      return false;
    }
  } else if (std::memcmp(f + l3, first + l3, 4) != 0 || f[l3 + 7] != first[l3 + 7]) {  // class, flow label, hops
    return false;
  }
  uint8_t flags = f[l4 + 13];
  size_t thl = t.payload - l4;
  // Same acknowledgement, header length, window and options (timestamps included) as the first.
  if ((flags != kTcpAck && flags != (kTcpAck | kTcpPsh)) || Load32(f + l4 + 4) != o.nextSeq ||
      std::memcmp(f + l4 + 8, first + l4 + 8, 5) != 0 || std::memcmp(f + l4 + 14, first + l4 + 14, 2) != 0 ||
      std::memcmp(f + l4 + 20, first + l4 + 20, thl - 20) != 0) {
    return false;
  }
  uint32_t plen = static_cast<uint32_t>(t.len - t.payload);
  uint32_t ipLen = static_cast<uint32_t>(t.payload - l3) + o.payloadBytes + plen;
  if (plen == 0 || plen > o.gsoSize || items_[&o - open_].segments >= kMaxSegments || ipLen > 65535) return false;
  uint32_t p = PayloadSum(f, t);
  o.payloadSum = Add(o.payloadSum, (o.payloadBytes & 1) != 0 ? csum::Swap(p) : p);
  o.payloadBytes += plen;
  o.nextSeq += plen;
  o.nextId = static_cast<uint16_t>(o.nextId + 1);
  o.psh = (flags & kTcpPsh) != 0;
  o.closed = o.psh || plen < o.gsoSize;
  return true;
}

void Coalescer::Plan(const uint8_t* const* data, const size_t* lens, uint32_t count) {
  data_ = data;
  lens_ = lens;
  itemCount_ = 0;
  count = std::min(count, capacity_);
  for (uint32_t i = 0; i < count; i++) {
    const uint8_t* f = data[i];
    nextMember_[i] = kNoFrame;
    TcpFrame t;
    bool tcp = ParseTcpFrame(f, lens[i], &t);
    uint32_t hash = tcp ? FlowHash(f, t) : 0;
    if (tcp) {
      uint32_t stop = itemCount_ > kLookBack ? itemCount_ - kLookBack : 0;
      bool joined = false;
      for (uint32_t k = itemCount_; k-- > stop;) {
        Open& o = open_[k];
        if (!o.tcp || o.hash != hash || !SameFlow(data[items_[k].first], o.t, f, t)) continue;
        // The flow's latest item: join it or come after it, never before.
        if (TryAppend(o, f, t)) {
          nextMember_[o.last] = i;
          o.last = i;
          items_[k].segments++;
          joined = true;
        }
        break;
      }
      if (joined) continue;
    }
    uint32_t k = itemCount_++;
    items_[k].first = i;
    items_[k].segments = 1;
    Open& o = open_[k];
    o = Open{};
    o.hash = hash;
    o.tcp = tcp;
    o.last = i;
    if (tcp) {
      uint8_t flags = f[t.l4 + 13];
      uint32_t plen = static_cast<uint32_t>(t.len - t.payload);
      o.t = t;
      o.closed = flags != kTcpAck || plen == 0 || !OnlyTimestamps(f + t.l4 + 20, t.payload - t.l4 - 20);
      o.nextSeq = Load32(f + t.l4 + 4) + plen;
      o.nextId = static_cast<uint16_t>((t.ipv4 ? Load16(f + t.l3 + 4) : 0) + 1);
      o.gsoSize = o.payloadBytes = plen;
      o.payloadSum = PayloadSum(f, t);
    }
  }
  for (uint32_t k = 0; k < itemCount_; k++) Finish(k);
}

void Coalescer::Finish(uint32_t k) {
  Item& item = items_[k];
  const Open& o = open_[k];
  uint8_t* h = item.headers;
  if (item.segments == 1) {
    WriteVnetHdr(h, VnetHdr{});
    item.headerLen = kVnetHdrLen;
    return;
  }
  const TcpFrame& t = o.t;
  const uint8_t* first = data_[item.first];
  uint8_t* e = h + kVnetHdrLen;  // the rewritten Ethernet/IP/TCP headers
  std::memcpy(e, first, t.payload);
  uint32_t ipLen = static_cast<uint32_t>(t.payload - t.l3) + o.payloadBytes;
  if (t.ipv4) {
    // RFC 1624: update the header checksum for the new length; a wrong one stays wrong.
    uint32_t old = Load16(e + t.l3 + 2), check = Load16(e + t.l3 + 10);
    Store16(e + t.l3 + 2, ipLen);
    Store16(e + t.l3 + 10, csum::Finish(Add(Add(~check & 0xffff, ~old & 0xffff), ipLen)));
  } else {
    Store16(e + t.l3 + 4, ipLen - 40);
  }
  if (o.psh) e[t.l4 + 13] |= kTcpPsh;
  const size_t at = AddressOffset(t), n = AddressLen(t);
  uint32_t tcpLen = static_cast<uint32_t>(t.payload - t.l4) + o.payloadBytes;
  Store16(e + t.l4 + 16, 0);
  uint32_t s = Add(Add(csum::Pseudo(e + at, e + at + n, n, kProtoTcp, tcpLen), Sum(e + t.l4, t.payload - t.l4)), o.payloadSum);
  Store16(e + t.l4 + 16, csum::Finish(s));
  VnetHdr v;
  v.gsoType = t.ipv4 ? kGsoTcp4 : kGsoTcp6;
  v.hdrLen = static_cast<uint16_t>(t.payload);
  v.gsoSize = static_cast<uint16_t>(o.gsoSize);
  WriteVnetHdr(h, v);
  item.headerLen = kVnetHdrLen + t.payload;
}

uint32_t Coalescer::Members(uint32_t k, uint32_t* out) const {
  uint32_t n = 0;
  for (uint32_t m = items_[k].first; m != kNoFrame && n < kMaxSegments; m = nextMember_[m]) out[n++] = m;
  return n;
}

uint32_t Coalescer::Chunks(uint32_t k, Chunk* out) const {
  const Item& item = items_[k];
  if (item.segments == 1) {
    out[0] = Chunk{data_[item.first], lens_[item.first]};
    return 1;
  }
  const size_t payload = open_[k].t.payload;
  uint32_t members[kMaxSegments];
  uint32_t n = Members(k, members);
  for (uint32_t j = 0; j < n; j++) out[j] = Chunk{data_[members[j]] + payload, lens_[members[j]] - payload};
  return n;
}

size_t Coalescer::SourceBytes(uint32_t k) const {
  const Item& item = items_[k];
  if (item.segments == 1) return lens_[item.first];
  return item.segments * open_[k].t.payload + open_[k].payloadBytes;
}

size_t Coalescer::ItemBytes(uint32_t k) const {
  const Item& item = items_[k];
  if (item.segments == 1) return kVnetHdrLen + lens_[item.first];
  return item.headerLen + open_[k].payloadBytes;
}

}  // namespace offload
}  // namespace kith
