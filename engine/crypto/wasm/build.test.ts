// The committed kernels.wasm must be exactly what scripts/build-wasm.sh produces from kernels.c,
// so the binary never drifts from the reviewed C source. Needs clang and wasm-ld (Debian 12: clang,
// lld; scripts/setup.sh installs them). Byte equality only holds for the compiler the binary was
// built with, so with another clang, or none, the test reports itself skipped and says why.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../../scripts/build-wasm.sh', import.meta.url));
const committed = new URL('./kernels.wasm', import.meta.url);

/** The compiler kernels.wasm was built with (Debian 12's clang). */
const PINNED_CLANG = 'clang version 14.0.6';

function whyNotReproducible(): string | undefined {
  for (const tool of ['clang', 'wasm-ld']) {
    const probe = spawnSync(tool, ['--version'], { encoding: 'utf8' });
    if (probe.error !== undefined || probe.status !== 0) return `${tool} not installed: ${probe.error?.message ?? probe.stderr}`;
    if (tool === 'clang' && !probe.stdout.includes(PINNED_CLANG)) {
      return `kernels.wasm was built with ${PINNED_CLANG}; this machine has ${probe.stdout.split('\n')[0] ?? 'another clang'}`;
    }
  }
  return undefined;
}

test('scripts/build-wasm.sh reproduces the committed kernels.wasm byte for byte', (t) => {
  const reason = whyNotReproducible();
  if (reason !== undefined) {
    t.skip(reason);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'kith-wasm-'));
  try {
    const out = join(dir, 'kernels.wasm');
    const build = spawnSync('bash', [script, out], { encoding: 'utf8' });
    assert.equal(build.status, 0, `build-wasm.sh failed:\n${build.stderr}`);
    assert.ok(readFileSync(out).equals(readFileSync(committed)), 'kernels.wasm is stale: run scripts/build-wasm.sh');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
