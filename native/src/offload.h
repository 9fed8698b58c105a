// Segmentation offload for a TAP opened with IFF_VNET_HDR (Linux): every frame crosses the device
// behind a virtio-net header (include/uapi/linux/virtio_net.h; docs.kernel.org/networking/
// segmentation-offloads.html). Pure functions over bytes, no system calls, so the tests can feed
// them frames captured from the kernel.
//
// Reading: the kernel hands over either an ordinary frame, perhaps with a partial checksum to
// complete (NEEDS_CSUM), or a TCP/UDP super-frame of up to 64 KiB with one set of headers, which
// Splitter cuts into the MTU-sized frames the stack would have sent: IP lengths, ids and header
// checksums, TCP sequence numbers and flags, UDP lengths, and full transport checksums. What the
// rest of Kith and every peer (n3n included) sees are ordinary Ethernet frames.
//
// Writing: Coalescer groups consecutive in-order segments of one TCP flow from a batch into one
// super-frame with a GSO header, so the kernel takes ~45 segments in one write. n2n's ciphers carry
// no MAC, so the result must not be taken as checksum-verified: the header says neither NEEDS_CSUM
// (CHECKSUM_PARTIAL, which the receive path treats as already verified) nor DATA_VALID. Instead the
// super-frame's TCP checksum is derived from the segments' own checksum fields (one's complement
// sums add up, RFC 1624), without reading the payload: it verifies exactly when every segment's
// did, and the kernel checks it over the whole super-frame as for any frame from the device.
#pragma once

#include <cstddef>
#include <cstdint>

namespace kith {
namespace offload {

// struct virtio_net_hdr_mrg_rxbuf: the 10-byte header plus num_buffers, set with TUNSETVNETHDRSZ.
constexpr size_t kVnetHdrLen = 12;

constexpr uint8_t kNeedsCsum = 1;  // VIRTIO_NET_HDR_F_NEEDS_CSUM
constexpr uint8_t kGsoNone = 0;
constexpr uint8_t kGsoTcp4 = 1;
constexpr uint8_t kGsoTcp6 = 4;
constexpr uint8_t kGsoUdpL4 = 5;  // USO, Linux 6.2
constexpr uint8_t kGsoEcn = 0x80;

// The header's 16-bit fields are little-endian (virtio 1.0; a TAP on a little-endian host).
struct VnetHdr {
  uint8_t flags = 0;
  uint8_t gsoType = kGsoNone;
  uint16_t hdrLen = 0;
  uint16_t gsoSize = 0;
  uint16_t csumStart = 0;
  uint16_t csumOffset = 0;
};
VnetHdr ReadVnetHdr(const uint8_t* p);
void WriteVnetHdr(uint8_t* p, const VnetHdr& h);

enum class FrameError {
  kNone = 0,
  kShort,           // shorter than its headers say
  kBadChecksumSpan, // NEEDS_CSUM outside the frame
  kBadGsoType,      // not TCPv4/TCPv6/UDP, or not matching the IP version
  kBadHeaders,      // Ethernet/IP/transport headers inconsistent with the GSO header
};
const char* FrameErrorName(FrameError e);

// Cuts one frame read from the device (without its virtio-net header) into ordinary frames. The
// frame stays in the caller's buffer until Next() returns 0; its bytes may be changed.
class Splitter {
 public:
  // Takes frame[0, len) and its header. A non-GSO frame comes back from Next() once, its partial
  // checksum completed when the header asks for it.
  FrameError Begin(uint8_t* frame, size_t len, const VnetHdr& hdr);
  // Writes the next frame to out (cap >= the largest frame Begin accepted, i.e. len) and returns
  // its length; 0 when there are no more.
  size_t Next(uint8_t* out, size_t cap);
  bool Pending() const { return frame_ != nullptr; }
  // Segments a super-frame yields: for the tests and statistics.
  uint32_t Segments() const;
  bool IsSuper() const { return super_; }

 private:
  uint8_t* frame_ = nullptr;
  size_t len_ = 0;
  bool super_ = false;
  bool ipv4_ = false;
  bool tcp_ = false;
  size_t l3_ = 0;       // IP header
  size_t l4_ = 0;       // transport header (csum_start)
  size_t payload_ = 0;  // first payload byte
  size_t next_ = 0;     // first payload byte of the next segment
  uint16_t gsoSize_ = 0;
  uint16_t firstId_ = 0;
  uint32_t firstSeq_ = 0;
  uint32_t index_ = 0;
  uint32_t pseudoAddrs_ = 0;  // pseudo-header sum of the two addresses and the protocol
};

// Where a frame's layers start, for frames that may be coalesced (coalescer) and for tests.
struct TcpFrame {
  bool ipv4 = false;
  size_t l3 = 0, l4 = 0, payload = 0, len = 0;
};

// Plans the writes of one batch of ordinary Ethernet frames. Each output item is either one
// frame unchanged (a zero header in front), or a super-frame: a header, rewritten copies of the
// first segment's Ethernet/IP/TCP headers, then every segment's payload in order. Frames of a flow
// are never reordered: a frame that cannot join its flow's latest item starts a new one.
class Coalescer {
 public:
  static constexpr uint32_t kMaxSegments = 64;
  static constexpr size_t kMaxHeaders = kVnetHdrLen + 14 + 40 + 60;  // vnet + Ethernet + IPv6 + TCP

  struct Chunk {
    const uint8_t* data;
    size_t len;
  };
  struct Item {
    uint32_t first = 0;     // index of the first frame in the batch
    uint32_t segments = 0;  // frames in this item
    size_t headerLen = 0;   // bytes in headers[] (vnet header included)
    uint8_t headers[kMaxHeaders];
  };

  // frames[i] = data[i][0, lens[i]); count <= capacity given at construction.
  explicit Coalescer(uint32_t capacity);
  ~Coalescer();
  Coalescer(const Coalescer&) = delete;
  Coalescer& operator=(const Coalescer&) = delete;

  // Groups the batch; then items() / chunks() describe what to write, in order.
  void Plan(const uint8_t* const* data, const size_t* lens, uint32_t count);
  uint32_t ItemCount() const { return itemCount_; }
  const Item& ItemAt(uint32_t i) const { return items_[i]; }
  // The pieces of item i after its headers: the whole frame for a single one, else each
  // segment's payload. Returns how many were written to out (at most kMaxSegments).
  uint32_t Chunks(uint32_t i, Chunk* out) const;
  // Total bytes of item i including its virtio-net header.
  size_t ItemBytes(uint32_t i) const;
  // Bytes of the frames item i was made of.
  size_t SourceBytes(uint32_t i) const;
  // Indices in the batch of the frames of item i, in order; returns how many.
  uint32_t Members(uint32_t i, uint32_t* out) const;

 private:
  struct Open;  // bookkeeping of an item that may still grow
  bool TryAppend(Open& o, const uint8_t* f, const TcpFrame& t);
  void Finish(uint32_t item);

  uint32_t capacity_;
  Item* items_;
  Open* open_;
  uint32_t* nextMember_;  // per frame: the next frame of its item, or UINT32_MAX
  const uint8_t* const* data_ = nullptr;
  const size_t* lens_ = nullptr;
  uint32_t itemCount_ = 0;
};

// Parses an untagged Ethernet frame carrying TCP over IPv4 (no options, not a fragment) or IPv6
// (no extension headers) whose IP length matches the frame. False for anything else.
bool ParseTcpFrame(const uint8_t* f, size_t len, TcpFrame* out);

}  // namespace offload
}  // namespace kith
