// Where the renderer's Vite build (dist/renderer) is, seen from this module: from the source tree
// (run through tsx) or from the compiled dist/engine/mgmt. An edge serves it when present.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function builtWebUiDir(): string | undefined {
  const dir = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../../dist/renderer' : '../../renderer', import.meta.url));
  return existsSync(`${dir}/index.html`) ? dir : undefined;
}
