// The window's security rules as pure functions of URLs, applied by window.ts and ipc.ts:
// the only page is the app's own index.html, it may load only the app's own files, and only
// that page may talk to the main process.
import { pathToFileURL } from 'node:url';
import path from 'node:path';

/** Directive by directive: nothing the UI does not use, no inline code, nothing from elsewhere. */
const STRICT_DIRECTIVES: readonly (readonly [string, string])[] = [
  ['default-src', "'none'"],
  ['script-src', "'self'"],
  ['style-src', "'self'"],
  ['img-src', "'self' data:"],
  ['font-src', "'self'"],
  ['connect-src', "'none'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
  ['frame-src', "'none'"],
  ['frame-ancestors', "'none'"],
  ['worker-src', "'none'"],
];

function policy(directives: readonly (readonly [string, string])[]): string {
  return directives.map(([name, value]) => `${name} ${value}`).join('; ');
}

/**
 * Content-Security-Policy for the window, sent as a response header for every file the window
 * loads. No network at all: the UI reaches the engine through the preload, never through fetch or
 * a WebSocket.
 */
export const CONTENT_SECURITY_POLICY = policy(STRICT_DIRECTIVES);

/**
 * The same policy in the page itself (renderer/vite.config.ts puts it in index.html's <meta>), for
 * loads the header may not reach (file://). One difference: the browser UI calls the engine on its
 * own origin, so connect-src is 'self'; and frame-ancestors, which a <meta> cannot set, comes as a
 * header from the engine (engine/mgmt/http-server.ts). In the window both policies apply, so a
 * load must pass each.
 */
export const PAGE_CONTENT_SECURITY_POLICY = policy(
  STRICT_DIRECTIVES.filter(([name]) => name !== 'frame-ancestors').map(([name, value]) => [name, name === 'connect-src' ? "'self'" : value] as const),
);

/** The renderer's file:// URL for an index.html path. */
export function indexUrl(indexPath: string): string {
  return pathToFileURL(indexPath).href;
}

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** True for the app's own index page (any #route or ?query on it). */
export function isAppPage(url: string, appIndexUrl: string): boolean {
  const parsed = parse(url);
  const index = parse(appIndexUrl);
  return parsed !== undefined && index !== undefined && parsed.protocol === 'file:' && parsed.host === index.host && parsed.pathname === index.pathname;
}

/** True for a file inside the renderer's directory (its scripts, styles, images). */
export function isAppFile(url: string, appIndexUrl: string): boolean {
  const parsed = parse(url);
  const index = parse(appIndexUrl);
  if (parsed === undefined || index === undefined || parsed.protocol !== 'file:' || parsed.host !== index.host) return false;
  const root = path.posix.dirname(index.pathname) + '/';
  // URL parsing has already resolved '..' segments, so a prefix test cannot be escaped.
  return parsed.pathname.startsWith(root);
}

/**
 * Whether the window's session may load `url`: the app's own files, DevTools' own pages, and the
 * in-memory schemes Chromium uses for the page's own data. Anything on the network is refused.
 */
export function isAllowedRequest(url: string, appIndexUrl: string): boolean {
  const parsed = parse(url);
  if (parsed === undefined) return false;
  switch (parsed.protocol) {
    case 'file:':
      return isAppFile(url, appIndexUrl);
    case 'devtools:':
    case 'data:':
    case 'blob:':
      return true;
    default:
      return false;
  }
}

/**
 * Whether the app's page may have a permission: none, except the microphone (issue 13: voice in a
 * help session, which the person turns on), asked by the app's own page and for audio alone.
 * Screen capture does not come through here: main answers it with the person's pick
 * (help-capture.ts).
 */
export function isAllowedPermission(permission: string, requestingUrl: string, mediaTypes: readonly string[] | undefined, appIndexUrl: string): boolean {
  return permission === 'media' && isAppPage(requestingUrl, appIndexUrl) && mediaTypes !== undefined && mediaTypes.length > 0 && mediaTypes.every((type) => type === 'audio');
}
