// The built page carries the Content-Security-Policy itself (a <meta> renderer/vite.config.ts puts
// first in <head>), so it applies even where the window's response-header policy does not reach
// (file:// loads), and it is the window's policy but for connect-src.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { CONTENT_SECURITY_POLICY, PAGE_CONTENT_SECURITY_POLICY } from './security-policy.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const directives = (policy: string): Map<string, string> =>
  new Map(policy.split(';').map((part) => part.trim().split(/\s+/)).map(([name = '', ...values]) => [name, values.join(' ')]));

describe('the page’s own Content-Security-Policy', () => {
  let outDir: string;
  let html: string;
  before(async () => {
    outDir = await mkdtemp(path.join(tmpdir(), 'kith-renderer-'));
    await build({ configFile: path.join(ROOT, 'renderer', 'vite.config.ts'), logLevel: 'silent', build: { outDir, emptyOutDir: true, sourcemap: false } });
    html = await readFile(path.join(outDir, 'index.html'), 'utf8');
  });
  after(() => rm(outDir, { recursive: true, force: true }));

  it('is in the built index.html before any script', () => {
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
    assert.ok(meta?.index !== undefined, html);
    const content = (meta[1] ?? '').replaceAll('&#39;', "'");
    assert.equal(content, PAGE_CONTENT_SECURITY_POLICY);
    assert.ok(meta.index < html.indexOf('<script'), 'the policy precedes the scripts');
  });

  it("is the window's policy except for connect-src 'self' (the browser UI's calls) and frame-ancestors (a header's)", () => {
    const page = directives(PAGE_CONTENT_SECURITY_POLICY);
    const window = directives(CONTENT_SECURITY_POLICY);
    assert.equal(page.get('connect-src'), "'self'");
    assert.equal(page.has('frame-ancestors'), false);
    for (const [name, value] of window) if (name !== 'connect-src' && name !== 'frame-ancestors') assert.equal(page.get(name), value, name);
    assert.equal(page.get('default-src'), "'none'");
    assert.doesNotMatch(PAGE_CONTENT_SECURITY_POLICY, /unsafe-(inline|eval)/);
  });
});
