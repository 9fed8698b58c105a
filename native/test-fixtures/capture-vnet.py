#!/usr/bin/env python3
"""Captures frames as the Linux kernel hands them to a TAP opened with IFF_VNET_HDR and
segmentation offload, for native/offload.test.ts (native/test-fixtures/vnet-frames.json).

Two TAPs with offloads, each in a network namespace of its own (10.91.0.1 and .2, fd91::1 and
::2), joined by this script's own loop, which passes frames through unchanged. Real TCP over them
(iperf3 and a connection sending both ways; IPv4 and IPv6, timestamps, window scaling,
SACK, ECN), UDP sent with UDP_SEGMENT, and
VLAN-tagged super-frames sent through a packet socket with a virtio-net header (the kernel this
was made on has no 802.1Q module). For ECN and SACK the loop acts like a lossy, marking link: it
sets CE on some ECN-capable frames and drops a few. Each kind of frame read is kept, the smallest
few of each with the virtio-net header as read.

Needs root, iproute2 and iperf3. Everything happens in namespaces it creates and deletes.
    python3 native/test-fixtures/capture-vnet.py [out.json]
"""

import base64
import fcntl
import json
import os
import random
import select
import socket
import struct
import subprocess
import sys
import threading
import time

TUNSETIFF = 0x400454CA
TUNSETOFFLOAD = 0x400454D0
TUNSETVNETHDRSZ = 0x400454D8
IFF_TAP, IFF_NO_PI, IFF_VNET_HDR = 0x0002, 0x1000, 0x4000
TUN_F = {"csum": 0x01, "tso4": 0x02, "tso6": 0x04, "tso_ecn": 0x08, "uso4": 0x20, "uso6": 0x40}
VNET = 12
UDP_SEGMENT = 103
PACKET_VNET_HDR = 15
KEEP = 2  # frames per kind
GSO_MAX = 8000  # keeps super-frames (and the fixture) small


def sh(*args, check=True):
    return subprocess.run(list(args), check=check, capture_output=True, text=True, timeout=60).stdout


def open_tap(name):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH22x", name.encode(), IFF_TAP | IFF_NO_PI | IFF_VNET_HDR))
    fcntl.ioctl(fd, TUNSETVNETHDRSZ, struct.pack("i", VNET))
    fcntl.ioctl(fd, TUNSETOFFLOAD, sum(TUN_F.values()))
    return fd


def kind_of(buf):
    """A label for a frame read from the TAP (virtio-net header first), or None."""
    flags, gso = buf[0], buf[1]
    f = buf[VNET:]
    at, vlan = 12, False
    while struct.unpack_from("!H", f, at)[0] in (0x8100, 0x88A8):
        at, vlan = at + 4, True
    ethertype = struct.unpack_from("!H", f, at)[0]
    l3 = at + 2
    if ethertype == 0x0800:
        v, proto, l4 = "4", f[l3 + 9], l3 + (f[l3] & 15) * 4
    elif ethertype == 0x86DD:
        v, proto, l4 = "6", f[l3 + 6], l3 + 40
    else:
        return None
    base = gso & 0x7F
    if base == 0:
        return f"{'tcp' if proto == 6 else 'udp'}{v}-csum-partial" if flags & 1 and proto in (6, 17) and not vlan else None
    if base == 5:
        return f"udp{v}-uso"
    if proto != 6:
        return None
    tcp_flags, thl = f[l4 + 13], (f[l4 + 12] >> 4) * 4
    options = f[l4 + 20:l4 + thl]
    if vlan:
        return f"tcp{v}-vlan"
    i = 0
    while i < len(options):
        if options[i] in (0, 1):
            i += 1
            continue
        if options[i] == 5:
            return f"tcp{v}-sack"
        i += max(options[i + 1], 2) if i + 1 < len(options) else 1
    if gso & 0x80 and tcp_flags & 0x80:
        return f"tcp{v}-ecn-cwr"
    return f"tcp{v}"


class Link:
    """Passes frames between the two TAPs; optionally marks CE on or drops a share of them."""

    def __init__(self, a, b):
        self.fds = {a: b, b: a}
        self.kept = {}
        self.mark = 0.0
        self.drop = 0.0
        self.stop = False
        self.rng = random.Random(7)
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def keep(self, buf):
        kind = kind_of(buf)
        if kind is None:
            return
        frames = self.kept.setdefault(kind, [])
        if any(f == buf for f in frames):
            return
        segments = (len(buf) - VNET) // max(1, struct.unpack_from("<H", buf, 4)[0]) if buf[1] else 1
        # The smallest super-frames of at least 3 segments (or ordinary frames).
        if buf[1] and segments < 3:
            return
        frames.append(bytes(buf))
        frames.sort(key=len)
        del frames[KEEP:]

    def ce(self, buf):
        """Sets CE on an ECN-capable IPv4 frame (fixing the header checksum), as an AQM would."""
        l3 = VNET + 14
        if struct.unpack_from("!H", buf, VNET + 12)[0] != 0x0800 or buf[l3 + 1] & 3 == 0:
            return buf
        buf = bytearray(buf)
        buf[l3 + 1] |= 3
        buf[l3 + 10:l3 + 12] = b"\0\0"
        s = sum(struct.unpack_from("!10H", buf, l3))
        while s > 0xFFFF:
            s = (s & 0xFFFF) + (s >> 16)
        struct.pack_into("!H", buf, l3 + 10, ~s & 0xFFFF)
        return bytes(buf)

    def run(self):
        while not self.stop:
            ready, _, _ = select.select(list(self.fds), [], [], 0.1)
            for fd in ready:
                try:
                    buf = os.read(fd, VNET + 65600)
                except BlockingIOError:
                    continue
                self.keep(buf)
                if self.drop and self.rng.random() < self.drop:
                    continue
                if self.mark and self.rng.random() < self.mark:
                    buf = self.ce(buf)
                try:
                    os.write(self.fds[fd], buf)
                except OSError:
                    pass


# Both ends of one TCP connection send at once, so data segments carry SACK blocks for the
# other direction's holes (iperf3 --bidir uses two connections).
BOTH_WAYS = """
import socket, sys, threading
def pump(c):
    data = bytes(65536)
    for _ in range(64):
        c.sendall(data)
    c.shutdown(socket.SHUT_WR)
def drain(c):
    while c.recv(1 << 16):
        pass
if sys.argv[1] == 'serve':
    l = socket.create_server(('0.0.0.0', 5301))
    print('ready', flush=True)
    c, _ = l.accept()
else:
    c = socket.create_connection((sys.argv[2], 5301), timeout=20)
t = threading.Thread(target=pump, args=(c,))
t.start()
drain(c)
t.join()
"""


def both_ways(ns_b, dst):
    server = subprocess.Popen(["ip", "netns", "exec", ns_b, sys.executable, "-c", BOTH_WAYS, "serve"], stdout=subprocess.PIPE, text=True)
    try:
        server.stdout.readline()
        subprocess.run([sys.executable, "-c", BOTH_WAYS, "connect", dst], check=True, timeout=60)
    finally:
        server.wait(30)


def uso(family, dst):
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_UDP, UDP_SEGMENT, 1000)
    for _ in range(3):
        s.sendto(bytes(range(256)) * 14, (dst, 9))  # 3584 bytes: 3 datagrams of 1000 and one of 584
        time.sleep(0.05)
    s.close()


def vlan_copies(link, tap):
    """Sends the captured TCP super-frames again with an 802.1Q tag through a packet socket."""
    p = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    p.setsockopt(263, PACKET_VNET_HDR, 1)  # SOL_PACKET
    p.bind((tap, 0))
    for kind, vid in (("tcp4", 7), ("tcp6", 8)):
        for buf in link.kept.get(kind, []):
            flags, gso, hdr_len, gso_size, csum_start, csum_offset = struct.unpack_from("<BBHHHH", buf)
            hdr = struct.pack("<BBHHHH", flags, gso, hdr_len + 4, gso_size, csum_start + 4, csum_offset)
            f = buf[VNET:]
            tagged = f[:12] + struct.pack("!HH", 0x8100, vid) + f[12:]
            p.send(hdr + tagged)
            time.sleep(0.05)
    p.close()


def inner(ns_b, out):
    a, b = open_tap("kcapa"), open_tap("kcapb")
    sh("ip", "link", "set", "kcapb", "netns", ns_b)
    for ns, dev, v4, v6 in ((None, "kcapa", "10.91.0.1/24", "fd91::1/64"), (ns_b, "kcapb", "10.91.0.2/24", "fd91::2/64")):
        pre = ["ip", "netns", "exec", ns] if ns else []
        sh(*pre, "ip", "link", "set", dev, "gso_max_size", str(GSO_MAX))
        sh(*pre, "ip", "address", "add", v4, "dev", dev)
        sh(*pre, "ip", "address", "add", v6, "dev", dev, "nodad")
        sh(*pre, "ip", "link", "set", dev, "up")
        sh(*pre, "ip", "link", "set", "lo", "up")
        sh(*pre, "sysctl", "-qw", "net.ipv4.tcp_ecn=1")
    link = Link(a, b)
    server = subprocess.Popen(["ip", "netns", "exec", ns_b, "iperf3", "-s"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        iperf = ["iperf3", "-c"]
        sh(*iperf, "10.91.0.2", "-n", "2M")
        sh(*iperf, "fd91::2", "-n", "2M")
        link.mark = 0.05
        sh(*iperf, "10.91.0.2", "-n", "4M")
        link.mark, link.drop = 0.0, 0.02
        both_ways(ns_b, "10.91.0.2")
        link.drop = 0.0
        uso(socket.AF_INET, "10.91.0.2")
        uso(socket.AF_INET6, "fd91::2")
        small = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        small.sendto(b"kith" * 25, ("10.91.0.2", 9))
        vlan_copies(link, "kcapa")
        time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(5)
        link.stop = True
        link.thread.join(2)
    frames = [{"kind": k, "vnet": base64.b64encode(f).decode()} for k in sorted(link.kept) for f in link.kept[k]]
    doc = {
        "about": "Frames read from a Linux TAP with IFF_VNET_HDR and offloads (12-byte virtio-net header first), made by capture-vnet.py",
        "kernel": os.uname().release,
        "offloads": sorted(TUN_F),
        "frames": frames,
    }
    with open(out, "w") as fh:
        json.dump(doc, fh, indent=1)
        fh.write("\n")
    print(f"{len(frames)} frames: {', '.join(sorted(link.kept))} -> {out}")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "vnet-frames.json")
    if len(sys.argv) > 2 and sys.argv[2] == "--inner":
        return inner(sys.argv[3], out)
    if os.geteuid() != 0:
        sys.exit("capture-vnet.py needs root (network namespaces and TAPs)")
    run = os.urandom(4).hex()
    ns_a, ns_b = f"kith-cap-{run}-a", f"kith-cap-{run}-b"
    sh("ip", "netns", "add", ns_a)
    sh("ip", "netns", "add", ns_b)
    try:
        subprocess.run(["ip", "netns", "exec", ns_a, sys.executable, os.path.abspath(__file__), out, "--inner", ns_b], check=True, timeout=120)
    finally:
        sh("ip", "netns", "del", ns_a, check=False)
        sh("ip", "netns", "del", ns_b, check=False)


if __name__ == "__main__":
    main()
