// Throughput of the payload transforms, header encryption and LZO1X-1 on 1400-byte payloads, next
// to n3n's figures, and of the addon's batched transforms (native/crypto.ts: one call per batch of
// 64 packets) next to the TypeScript ones. Run: node --import tsx bench/transforms.ts
// (npm run bench:transforms).

import { lzo1xCompressBound, lzo1xCompressInto, lzo1xDecompressInto } from '../engine/compress/lzo1x.js';
import { decryptHeader, encryptHeader, staticHeaderKeys } from '../engine/crypto/header-encryption.js';
import type { CipherName, Transform } from '../engine/crypto/transform.js';
import { createTransform } from '../engine/crypto/transforms/index.js';
import { openNativeCipher } from '../native/crypto.js';

const PAYLOAD_BYTES = 1400;
const ROW_SECONDS = 1;
const WARM_UP_SECONDS = 0.2;
const MAX_ITERATIONS = 5_000_000;
const BATCH = 256;
const NATIVE_BATCH = 64; // packets per native call: a typical TAP or socket batch

// n3n 3.4.5 single-core MB/s from ../shared/vectors/crypto/n3n-benchmark.txt, section 1
// (tools/n3n-benchmark, 1290-byte packets of the 00..0f pattern, AES-128, portable C/SSE2 code).
// n3n counts the output size including the PACKET header, so the ratios are approximate.
const N3N_MBPS = {
  null: { encrypt: 26272.3, decrypt: 30891.0 },
  tf: { encrypt: 184.2, decrypt: 313.8 },
  aes128: { encrypt: 266.2, decrypt: 317.9 },
  cc20: { encrypt: 1002.1, decrypt: 994.1 },
  speck: { encrypt: 696.1, decrypt: 727.2 },
  lzo1x: { encrypt: 2881.8, decrypt: 7601.2 },
} as const;
type N3nRow = keyof typeof N3N_MBPS;

interface Row {
  name: string;
  operation: string;
  packetsPerSecond: number;
  reference: number | undefined;
}

/** Runs op in batches: a warm-up, then until ROW_SECONDS or MAX_ITERATIONS. */
function measure(op: () => void): number {
  const runFor = (seconds: number, cap: number): number => {
    const start = process.hrtime.bigint();
    const limit = BigInt(Math.round(seconds * 1e9));
    let iterations = 0;
    let elapsed = 0n;
    while (iterations < cap && elapsed < limit) {
      for (let i = 0; i < BATCH; i++) op();
      iterations += BATCH;
      elapsed = process.hrtime.bigint() - start;
    }
    return iterations / (Number(elapsed) / 1e9);
  };
  runFor(WARM_UP_SECONDS, MAX_ITERATIONS);
  return runFor(ROW_SECONDS, MAX_ITERATIONS);
}

const payload = Uint8Array.from({ length: PAYLOAD_BYTES }, (_, i) => i % 16);
const benchKey = new TextEncoder();

function transformRows(label: string, transform: Transform, reference: N3nRow | undefined): Row[] {
  const wire = new Uint8Array(PAYLOAD_BYTES + transform.overhead);
  const plain = new Uint8Array(PAYLOAD_BYTES);
  const wireLength = transform.encrypt(payload, wire, 0);
  const received = wire.subarray(0, wireLength);
  return [
    {
      name: label,
      operation: 'encrypt',
      packetsPerSecond: measure(() => transform.encrypt(payload, wire, 0)),
      reference: reference === undefined ? undefined : N3N_MBPS[reference].encrypt,
    },
    {
      name: label,
      operation: 'decrypt',
      packetsPerSecond: measure(() => transform.decrypt(received, plain, 0)),
      reference: reference === undefined ? undefined : N3N_MBPS[reference].decrypt,
    },
  ];
}

/** The addon's batched transform on NATIVE_BATCH packets per call, or nothing where it has none. */
function nativeRows(label: string, cipher: CipherName, key: Uint8Array, reference: N3nRow | undefined): Row[] {
  const native = openNativeCipher(createTransform(cipher, key).id, key);
  if (typeof native === 'string') {
    console.log(`${label}: no native transform here (${native})`);
    return [];
  }
  const spans = (size: number): Uint32Array => Uint32Array.from({ length: 2 * NATIVE_BATCH }, (_, i) => (i % 2 === 0 ? (i / 2) * size : size));
  const plainSpans = spans(PAYLOAD_BYTES);
  const wireSpans = spans(PAYLOAD_BYTES + native.overhead);
  const plains = new Uint8Array(NATIVE_BATCH * PAYLOAD_BYTES);
  for (let i = 0; i < NATIVE_BATCH; i++) plains.set(payload, i * PAYLOAD_BYTES);
  const wire = new Uint8Array(NATIVE_BATCH * (PAYLOAD_BYTES + native.overhead));
  const back = new Uint8Array(NATIVE_BATCH * PAYLOAD_BYTES);
  const results = new Int32Array(2 * NATIVE_BATCH);
  const encrypt = (): void => {
    results.set(wireSpans);
    native.encrypt(plains, plainSpans, wire, results, NATIVE_BATCH);
  };
  const decrypt = (): void => {
    results.set(plainSpans);
    native.decrypt(wire, wireSpans, back, results, NATIVE_BATCH);
  };
  encrypt();
  const name = `${label} native ×${NATIVE_BATCH}`;
  const ref = reference === undefined ? undefined : N3N_MBPS[reference];
  return [
    { name, operation: 'encrypt', packetsPerSecond: measure(encrypt) * NATIVE_BATCH, reference: ref?.encrypt },
    { name, operation: 'decrypt', packetsPerSecond: measure(decrypt) * NATIVE_BATCH, reference: ref?.decrypt },
  ];
}

function headerEncryptionRows(): Row[] {
  const PACKET_HEADER = 38; // PROTOCOL.md §4.3
  const communityField = new Uint8Array(20);
  communityField.set(benchKey.encode('benchnet'));
  const datagram = new Uint8Array(PACKET_HEADER + PAYLOAD_BYTES);
  datagram.set([3, 2, 0, 3]); // version 3, TTL 2, flags 0, type PACKET
  datagram.set(communityField, 4);
  datagram.set([1, 1], PACKET_HEADER - 2); // compression none, transform null
  datagram.set(payload, PACKET_HEADER);
  const keys = staticHeaderKeys(communityField);
  const stamp = { hi: 0x65432100, lo: 0 };
  const work = new Uint8Array(datagram.length);
  const restored = new Uint8Array(datagram.length);
  work.set(datagram);
  encryptHeader(work, work.length, PACKET_HEADER, stamp, keys);
  const encrypted = Uint8Array.from(work);
  return [
    {
      name: 'header encryption',
      operation: 'encrypt',
      packetsPerSecond: measure(() => {
        work.set(datagram);
        encryptHeader(work, work.length, PACKET_HEADER, stamp, keys);
      }),
      reference: undefined,
    },
    {
      name: 'header encryption',
      operation: 'decrypt',
      packetsPerSecond: measure(() => decryptHeader(encrypted, encrypted.length, communityField, keys, restored)),
      reference: undefined,
    },
  ];
}

function lzoRows(): Row[] {
  const compressed = new Uint8Array(lzo1xCompressBound(PAYLOAD_BYTES));
  const restored = new Uint8Array(PAYLOAD_BYTES);
  const length = lzo1xCompressInto(payload, compressed);
  if (typeof length !== 'number') throw new Error(`LZO compression failed: ${length}`);
  const stream = compressed.subarray(0, length);
  return [
    {
      name: 'LZO1X-1 (00..0f pattern)',
      operation: 'compress',
      packetsPerSecond: measure(() => lzo1xCompressInto(payload, compressed)),
      reference: N3N_MBPS.lzo1x.encrypt,
    },
    {
      name: 'LZO1X-1 (00..0f pattern)',
      operation: 'decompress',
      packetsPerSecond: measure(() => lzo1xDecompressInto(stream, restored)),
      reference: N3N_MBPS.lzo1x.decrypt,
    },
  ];
}

function format(rows: readonly Row[]): string {
  const header = ['what', 'operation', 'pkt/s', 'MB/s', 'n3n MB/s', 'ours/n3n'];
  const lines = rows.map((row) => {
    const mbps = (row.packetsPerSecond * PAYLOAD_BYTES) / 1e6;
    return [
      row.name,
      row.operation,
      Math.round(row.packetsPerSecond).toLocaleString('en-US'),
      mbps.toFixed(1),
      row.reference === undefined ? '–' : row.reference.toFixed(1),
      row.reference === undefined ? '–' : `${(mbps / row.reference).toFixed(2)}×`,
    ];
  });
  const widths = header.map((_, column) => Math.max(...[header, ...lines].map((line) => line[column]!.length)));
  const render = (line: readonly string[]): string =>
    line.map((cell, column) => (column < 2 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return [render(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(render)].join('\n');
}

// Key strings of 22 / 23 / 33 characters select AES-128 / -192 / -256 (CRYPTO.md §2.3).
const KEY_128 = benchKey.encode('SoMEVer!S$cUREPassWORD');
const KEY_192 = benchKey.encode('SoMEVer!S$cUREPassWORD!');
const KEY_256 = benchKey.encode('SoMEVer!S$cUREPassWORD!-33-chars!');

const rows: Row[] = [
  ...transformRows('null', createTransform('null', new Uint8Array(0)), 'null'),
  ...nativeRows('null', 'null', new Uint8Array(0), 'null'),
  ...transformRows('Twofish', createTransform('Twofish', KEY_128), 'tf'),
  ...nativeRows('Twofish', 'Twofish', KEY_128, 'tf'),
  ...transformRows('AES-128', createTransform('AES', KEY_128), 'aes128'),
  ...nativeRows('AES-128', 'AES', KEY_128, 'aes128'),
  ...transformRows('AES-192 (vs n3n AES-128)', createTransform('AES', KEY_192), 'aes128'),
  ...transformRows('AES-256 (vs n3n AES-128)', createTransform('AES', KEY_256), 'aes128'),
  ...nativeRows('AES-256 (vs n3n AES-128)', 'AES', KEY_256, 'aes128'),
  ...transformRows('ChaCha20', createTransform('ChaCha20', KEY_128), 'cc20'),
  ...nativeRows('ChaCha20', 'ChaCha20', KEY_128, 'cc20'),
  ...transformRows('Speck', createTransform('Speck', KEY_128), 'speck'),
  ...nativeRows('Speck', 'Speck', KEY_128, 'speck'),
  ...headerEncryptionRows(),
  ...lzoRows(),
];

console.log(`Node ${process.version}, ${PAYLOAD_BYTES}-byte payloads, ~${ROW_SECONDS} s per row, MB = 10^6 payload bytes`);
console.log(format(rows));
