// The help session's picture over the VPN (issue 13): frame rate, bitrate and glass-to-glass
// delay, through the real windows and engines. Two desktops in browser mode on one encrypted
// network in namespaces (e2e/ui/help-world.ts); the helper asks from the Peers screen, the helped
// side clicks Allow, and its "screen" is a canvas that writes the wall-clock time into every frame
// as a row of black and white blocks. The helper's video element reads each frame it shows
// (requestVideoFrameCallback), decodes the time and subtracts it from the moment the frame is
// shown: both Chromiums run on this machine and share its clock. Bitrate and decoded frames come
// from the helper's getStats() over the same seconds.
//
//   npm run bench:help                 20 s of picture
//   KITH_BENCH_SECONDS=60 npm run bench:help
//
// Needs root (namespaces) and Debian's chromium; removes every namespace and process it made.
import { waitFor } from '../e2e/netns/kith.js';
import { uiSkipReason, type UiWorld } from '../e2e/ui/harness.js';
import { helpWorld, INSTRUMENT_MEDIA, prompt, requestToSee, viewer } from '../e2e/ui/help-world.js';

const SECONDS = Number(process.env['KITH_BENCH_SECONDS'] ?? 20);
/** The canvas "screen": 1280×720 like the fake capture device, redrawn 30 times a second. */
const WIDTH = 1280;
const HEIGHT = 720;
const FPS = 30;
/** The time code: 24 blocks of 40 px (ms since the epoch modulo 2^24, about 4.6 hours). */
const BITS = 24;
const BLOCK = 40;

/** The helped window's getDisplayMedia answers with the time-coded canvas (page-side code as text). */
const TIME_CODED_SCREEN = `
(() => {
  const devices = navigator.mediaDevices;
  devices.getDisplayMedia = async () => {
    const canvas = document.createElement('canvas');
    canvas.width = ${WIDTH};
    canvas.height = ${HEIGHT};
    const g = canvas.getContext('2d');
    let frame = 0;
    const draw = () => {
      frame++;
      // Something that moves, so the encoder has a screen's worth of change to send.
      g.fillStyle = '#f4f6fa';
      g.fillRect(0, 0, ${WIDTH}, ${HEIGHT});
      g.fillStyle = '#2458c6';
      g.fillRect((frame * 7) % ${WIDTH}, 200, 160, 120);
      g.fillStyle = '#333';
      g.font = '28px sans-serif';
      g.fillText('Frame ' + frame, 40, 400);
      const code = Date.now() % ${2 ** BITS};
      for (let bit = 0; bit < ${BITS}; bit++) {
        g.fillStyle = (code >> bit) & 1 ? '#ffffff' : '#000000';
        g.fillRect(bit * ${BLOCK}, 0, ${BLOCK}, ${BLOCK});
      }
    };
    draw();
    setInterval(draw, ${Math.round(1000 / FPS)});
    return canvas.captureStream(${FPS});
  };
})();`;

interface Measured {
  readonly frames: number;
  readonly decodedFrames: number;
  readonly bytes: number;
  readonly seconds: number;
  readonly delaysMs: readonly number[];
  readonly width: number;
  readonly height: number;
}

/** Runs in the helper's window: reads the time code of every shown frame for `seconds`. */
function measureScript(seconds: number): string {
  return `(async () => {
  const video = document.querySelector('video[aria-label="mum\\'s screen"]');
  const pc = window.kithHelpSeen.connections.at(-1);
  const inbound = async () => {
    let found = { bytesReceived: 0, framesDecoded: 0 };
    (await pc.getStats()).forEach((entry) => { if (entry.type === 'inbound-rtp' && entry.kind === 'video') found = entry; });
    return found;
  };
  const canvas = document.createElement('canvas');
  const g = canvas.getContext('2d', { willReadFrequently: true });
  const delays = [];
  let frames = 0;
  const start = await inbound();
  const began = performance.now();
  await new Promise((done) => {
    const onFrame = (_now, metadata) => {
      frames++;
      const w = video.videoWidth, h = video.videoHeight;
      if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; }
      g.drawImage(video, 0, 0, w, h);
      const scale = w / ${WIDTH};
      let code = 0;
      for (let bit = 0; bit < ${BITS}; bit++) {
        const [r, gr, b] = g.getImageData(Math.floor((bit + 0.5) * ${BLOCK} * scale), Math.floor(${BLOCK / 2} * scale), 1, 1).data;
        if (r + gr + b > 384) code |= 1 << bit;
      }
      const shown = (performance.timeOrigin + metadata.expectedDisplayTime) % ${2 ** BITS};
      const delay = (shown - code + ${2 ** BITS}) % ${2 ** BITS};
      // A frame whose code did not survive the encoder reads as nonsense: keep plausible delays only.
      if (delay < 10000) delays.push(delay);
      if (performance.now() - began < ${seconds * 1000}) video.requestVideoFrameCallback(onFrame);
      else done();
    };
    video.requestVideoFrameCallback(onFrame);
  });
  const end = await inbound();
  return { frames, decodedFrames: end.framesDecoded - start.framesDecoded, bytes: end.bytesReceived - start.bytesReceived, seconds: (performance.now() - began) / 1000, delaysMs: delays, width: video.videoWidth, height: video.videoHeight };
})()`;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function main(): Promise<void> {
  const skip = uiSkipReason();
  if (skip !== undefined) {
    process.stdout.write(`bench:help skipped: ${skip}\n`);
    return;
  }
  let world: UiWorld | undefined;
  const cutoff = setTimeout(() => {
    process.stderr.write('bench:help: took too long, stopping\n');
    void world?.destroy().finally(() => process.exit(1));
  }, (SECONDS + 240) * 1000);
  try {
    const made = await helpWorld(['helper', 'mum'], { initScript: `${TIME_CODED_SCREEN}\n${INSTRUMENT_MEDIA}` });
    world = made.world;
    const [helper, mum] = made.desktops;
    if (helper === undefined || mum === undefined) throw new Error('two desktops expected');
    await requestToSee(helper, mum);
    await prompt(mum.page).getByRole('button', { name: 'Allow', exact: true }).click();
    const video = viewer(helper.page, 'mum').locator('video');
    await video.waitFor({ timeout: 30_000 });
    await waitFor('the picture', async () => ((await helper.page.evaluate<number>(`document.querySelector('video[aria-label="mum\\'s screen"]')?.videoWidth ?? 0`)) > 0 ? true : undefined), 30_000);
    // A few seconds for the encoder's rate control to settle before measuring.
    await helper.page.waitForTimeout(3_000);
    const measured = await helper.page.evaluate<Measured>(measureScript(SECONDS));
    const delays = [...measured.delaysMs].sort((a, b) => a - b);
    const lines = [
      `Help session picture over the VPN (browser mode, Debian chromium, both windows on this machine), ${measured.seconds.toFixed(1)} s`,
      `  source            canvas ${WIDTH}×${HEIGHT} at ${FPS} frames/s (time-coded); received ${measured.width}×${measured.height}`,
      `  frame rate        ${(measured.frames / measured.seconds).toFixed(1)} frames/s shown, ${(measured.decodedFrames / measured.seconds).toFixed(1)} decoded`,
      `  bitrate           ${((measured.bytes * 8) / measured.seconds / 1e6).toFixed(2)} Mbit/s (RTP payload and headers, getStats)`,
      `  glass-to-glass    median ${percentile(delays, 50).toFixed(0)} ms, p95 ${percentile(delays, 95).toFixed(0)} ms, max ${(delays.at(-1) ?? Number.NaN).toFixed(0)} ms (${delays.length} frames read of ${measured.frames})`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    clearTimeout(cutoff);
    await world?.destroy();
  }
}

await main();
