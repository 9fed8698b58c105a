import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONTENT_SECURITY_POLICY, indexUrl, isAllowedRequest, isAppFile, isAppPage } from './security-policy.js';
import { windowOptions } from './window-options.js';

describe('windowOptions', () => {
  it('isolates the page: context isolation, OS sandbox, no Node.js anywhere', () => {
    const options = windowOptions({ preload: '/opt/Kith/resources/app.asar/dist/electron/preload.cjs', devTools: false });
    const web = options.webPreferences;
    assert.ok(web);
    assert.equal(web.contextIsolation, true);
    assert.equal(web.sandbox, true);
    assert.equal(web.nodeIntegration, false);
    assert.equal(web.nodeIntegrationInWorker, false);
    assert.equal(web.nodeIntegrationInSubFrames, false);
    assert.equal(web.webSecurity, true);
    assert.equal(web.allowRunningInsecureContent, false);
    assert.equal(web.webviewTag, false);
    assert.equal(web.experimentalFeatures, false);
    assert.equal(web.navigateOnDragDrop, false);
    assert.equal(web.preload, '/opt/Kith/resources/app.asar/dist/electron/preload.cjs');
    assert.match(web.preload, /\.cjs$/, 'a sandboxed preload must be CommonJS');
    assert.equal(web.devTools, false);
    assert.equal(windowOptions({ preload: '/p.cjs', devTools: true }).webPreferences?.devTools, true);
  });

  it('is titled Kith and waits for the first frame before showing', () => {
    const options = windowOptions({ preload: '/p.cjs', icon: '/i.png', devTools: false });
    assert.equal(options.title, 'Kith');
    assert.equal(options.show, false);
    assert.equal(options.icon, '/i.png');
    assert.equal('icon' in windowOptions({ preload: '/p.cjs', devTools: false }), false);
  });
});

describe('security policy', () => {
  const index = indexUrl('/opt/Kith/resources/app.asar/dist/renderer/index.html');

  it('forbids everything not named, and all network access', () => {
    assert.match(CONTENT_SECURITY_POLICY, /default-src 'none'/);
    assert.match(CONTENT_SECURITY_POLICY, /connect-src 'none'/);
    assert.match(CONTENT_SECURITY_POLICY, /script-src 'self'(;|$)/);
    assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-(inline|eval)/);
  });

  it('trusts only the app index page, with any route', () => {
    assert.ok(isAppPage(index, index));
    assert.ok(isAppPage(`${index}#/peers`, index));
    assert.ok(!isAppPage('file:///opt/Kith/resources/app.asar/dist/renderer/other.html', index));
    assert.ok(!isAppPage('file:///etc/passwd', index));
    assert.ok(!isAppPage('https://example.com/', index));
    assert.ok(!isAppPage('not a url', index));
  });

  it('lets the window load its own files and nothing from the network', () => {
    assert.ok(isAllowedRequest('file:///opt/Kith/resources/app.asar/dist/renderer/assets/index-abc.js', index));
    assert.ok(isAppFile('file:///opt/Kith/resources/app.asar/dist/renderer/assets/x.css', index));
    assert.ok(!isAllowedRequest('file:///opt/Kith/resources/app.asar/dist/renderer/../../package.json', index));
    assert.ok(!isAllowedRequest('file:///home/user/.ssh/id_ed25519', index));
    assert.ok(!isAllowedRequest('http://127.0.0.1:5644/', index));
    assert.ok(!isAllowedRequest('https://example.com/x.js', index));
    assert.ok(!isAllowedRequest('ws://127.0.0.1:1/', index));
    assert.ok(isAllowedRequest('devtools://devtools/bundled/inspector.html', index));
    assert.ok(isAllowedRequest('data:image/png;base64,AAAA', index));
  });
});
