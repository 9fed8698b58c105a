#!/usr/bin/env bash
# Compiles Kith's crypto kernels (engine/crypto/wasm/kernels.c) to WebAssembly. The .wasm is
# committed, so only people changing the C need clang and wasm-ld (Debian: clang, lld);
# engine/crypto/wasm/build.test.ts checks that this command reproduces the committed bytes.
# Usage: scripts/build-wasm.sh [output.wasm]   (default: engine/crypto/wasm/kernels.wasm)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-engine/crypto/wasm/kernels.wasm}"

# -nostdlib / -ffreestanding: no libc, every buffer is static. -msimd128: Node >= 16.4 runs SIMD.
# --strip-all drops the name and producers sections so the bytes depend only on the source and
# the compiler. No --max-memory: kernels.ts grows memory for key slots.
clang --target=wasm32 -std=c11 -O3 -msimd128 -ffreestanding -nostdlib -fno-ident \
  -Wall -Wextra -Werror \
  -Wl,--no-entry -Wl,--strip-all -Wl,--export=__heap_base \
  -Wl,--stack-first -Wl,-z,stack-size=16384 \
  -o "$out" engine/crypto/wasm/kernels.c
chmod 644 "$out" # wasm-ld marks its output executable; it is data
