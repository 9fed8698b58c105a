import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONTENT_SECURITY_POLICY, indexUrl, isAllowedPermission, isAllowedRequest, isAppFile, isAppPage } from './security-policy.js';
import { bannerWindowOptions, captureChoices, overlayDisplay, overlayWindowOptions, windowOptions } from './window-options.js';

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

describe('the help session windows', () => {
  const workArea = { x: 0, y: 25, width: 1920, height: 1055 };

  it('keep the page rules of the main window', () => {
    for (const options of [bannerWindowOptions({ preload: '/p.cjs', devTools: false, workArea }), overlayWindowOptions({ preload: '/p.cjs', devTools: false, bounds: workArea })]) {
      const web = options.webPreferences;
      assert.ok(web);
      assert.equal(web.contextIsolation, true);
      assert.equal(web.sandbox, true);
      assert.equal(web.nodeIntegration, false);
      assert.equal(web.preload, '/p.cjs');
      assert.equal(options.alwaysOnTop, true);
      assert.equal(options.frame, false);
      assert.equal(options.closable, false, 'only Stop sharing ends the banner');
    }
  });

  it('puts the banner at the top centre of the work area', () => {
    const banner = bannerWindowOptions({ preload: '/p.cjs', devTools: false, workArea });
    assert.equal(banner.x, (1920 - 460) / 2);
    assert.equal(banner.y, 33);
    assert.equal(banner.minimizable, false);
  });

  it('makes the overlay transparent, unfocusable and as large as the display', () => {
    const overlay = overlayWindowOptions({ preload: '/p.cjs', devTools: false, bounds: { x: 1920, y: 0, width: 2560, height: 1440 } });
    assert.equal(overlay.transparent, true);
    assert.equal(overlay.focusable, false);
    assert.deepEqual([overlay.x, overlay.y, overlay.width, overlay.height], [1920, 0, 2560, 1440]);
  });

  it('covers the picked screen, else the primary display', () => {
    const one = { id: 1 } as Electron.Display;
    const two = { id: 2 } as Electron.Display;
    assert.equal(overlayDisplay([one, two], one, { display_id: '2' }), two);
    assert.equal(overlayDisplay([one, two], one, { display_id: '' }), one);
    assert.equal(overlayDisplay([one, two], one, undefined), one);
  });

  it('offers the whole screen first, then windows by name', () => {
    assert.deepEqual(
      captureChoices([
        { id: 'window:7:0', name: 'Mail & calendar' },
        { id: 'screen:0:0', name: 'Entire screen' },
        { id: 'window:9:0', name: '  ' },
      ]),
      [
        { id: 'screen:0:0', label: 'Whole screen' },
        { id: 'window:7:0', label: 'Window: Mail && calendar' },
      ],
    );
    assert.deepEqual(
      captureChoices([
        { id: 'screen:0:0', name: 'Screen 1' },
        { id: 'screen:1:0', name: 'Screen 2' },
      ]).map((choice) => choice.label),
      ['Screen 1', 'Screen 2'],
    );
  });
});

describe('isAllowedPermission', () => {
  const APP = 'file:///opt/Kith/dist/renderer/index.html';
  it('allows the app page the microphone alone, and nothing else', () => {
    assert.equal(isAllowedPermission('media', `${APP}#x`, ['audio'], APP), true);
    assert.equal(isAllowedPermission('media', APP, ['audio', 'video'], APP), false);
    assert.equal(isAllowedPermission('media', APP, ['video'], APP), false);
    assert.equal(isAllowedPermission('media', APP, [], APP), false);
    assert.equal(isAllowedPermission('media', APP, undefined, APP), false);
    assert.equal(isAllowedPermission('media', 'https://evil.example/', ['audio'], APP), false);
    assert.equal(isAllowedPermission('notifications', APP, undefined, APP), false);
    assert.equal(isAllowedPermission('display-capture', APP, undefined, APP), false);
  });
});
