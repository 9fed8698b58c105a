// Builds the window's UI into dist/renderer, served by Electron from disk and by the engine's
// management server as its web UI (MANAGEMENT.md §2.7). Relative URLs (base './') work under both.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { PAGE_CONTENT_SECURITY_POLICY } from '../electron/security-policy.js';

const root = fileURLToPath(new URL('.', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

/** The page's Content-Security-Policy, first in <head>, from the one definition the window uses too. */
const contentSecurityPolicy: Plugin = {
  name: 'kith-content-security-policy',
  transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: PAGE_CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' }],
};

export default defineConfig({
  root,
  base: './',
  plugins: [contentSecurityPolicy, react()],
  define: { __APP_VERSION__: JSON.stringify(pkg.version) },
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    // Keep every asset a file: a data: URL script or font would need a looser CSP.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2022',
  },
});
