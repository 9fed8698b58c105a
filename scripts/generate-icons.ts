// Draws every icon the desktop app and its installers use, from a few shapes described here:
// the tray's seven states (colour PNGs for Linux and Windows at 16/24/32/48 px with @2x, and macOS
// black-and-alpha template images), the app icon at every size a target asks for, and icon.ico for
// Windows. Deterministic (same input, same bytes), so the outputs are committed and regenerated
// with `npm run icons` when a shape or colour changes. icon.icns is made by electron-builder from
// app/1024x1024.png when building on macOS.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { TRAY_ICON_STATES, type TrayIconState } from '../electron/tray-state.js';

type Rgb = readonly [number, number, number];
/** Signed distance from a point (unit square coordinates) to a shape: negative inside. */
type Shape = (x: number, y: number) => number;
interface Layer {
  readonly shape: Shape;
  /** undefined = erase (cut the layers below, to separate a badge from the glyph). */
  readonly colour: Rgb | undefined;
}

const disc = (cx: number, cy: number, r: number): Shape => (x, y) => Math.hypot(x - cx, y - cy) - r;
const ring = (cx: number, cy: number, r: number, width: number): Shape => (x, y) => Math.abs(Math.hypot(x - cx, y - cy) - r) - width / 2;
const segment = (x1: number, y1: number, x2: number, y2: number, width: number): Shape => (x, y) => {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const t = Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - (x1 + t * dx), y - (y1 + t * dy)) - width / 2;
};
const roundedSquare = (inset: number, radius: number): Shape => (x, y) => {
  const half = 0.5 - inset - radius;
  const qx = Math.abs(x - 0.5) - half;
  const qy = Math.abs(y - 0.5) - half;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
};
/** A ring broken into `count` arcs (the "connecting" state's spinner-like look). */
const dashedRing = (cx: number, cy: number, r: number, width: number, count: number): Shape => {
  const solid = ring(cx, cy, r, width);
  return (x, y) => {
    const angle = Math.atan2(y - cy, x - cx) + Math.PI / 4;
    const step = (2 * Math.PI) / count;
    const offset = Math.abs((((angle % step) + step) % step) - step / 2);
    // Inside an arc while within 30 % of a step of its middle; beyond that, the gap.
    return Math.max(solid(x, y), (offset - step * 0.3) * r);
  };
};
const union = (...shapes: Shape[]): Shape => (x, y) => Math.min(...shapes.map((shape) => shape(x, y)));

const COLOURS = {
  grey: [0x8b, 0x94, 0x9e],
  amber: [0xd2, 0x99, 0x22],
  green: [0x2d, 0xa4, 0x4e],
  orange: [0xdb, 0x6d, 0x28],
  red: [0xe5, 0x48, 0x4d],
  teal: [0x0f, 0x76, 0x6e],
  white: [0xff, 0xff, 0xff],
  black: [0x00, 0x00, 0x00],
} as const satisfies Record<string, Rgb>;

// The tray glyph: a ring (the network) around a node (this computer), with a badge for the state.
const RING = ring(0.5, 0.5, 0.36, 0.13);
const NODE = disc(0.5, 0.5, 0.15);
const BADGE = disc(0.8, 0.8, 0.19);
const BADGE_GAP = disc(0.8, 0.8, 0.27);
const CROSS = union(segment(0.72, 0.72, 0.88, 0.88, 0.07), segment(0.88, 0.72, 0.72, 0.88, 0.07));

/** Colour layers; `template` draws the same shapes in black for the macOS menu bar. */
function trayLayers(state: TrayIconState, template: boolean): Layer[] {
  const paint = (colour: Rgb): Rgb => (template ? COLOURS.black : colour);
  switch (state) {
    case 'disconnected':
      return [{ shape: RING, colour: paint(COLOURS.grey) }];
    case 'connecting':
      return [
        { shape: dashedRing(0.5, 0.5, 0.36, 0.13, 4), colour: paint(COLOURS.amber) },
        { shape: disc(0.5, 0.5, 0.1), colour: paint(COLOURS.amber) },
      ];
    case 'connected':
      return [
        { shape: RING, colour: paint(COLOURS.green) },
        { shape: NODE, colour: paint(COLOURS.green) },
      ];
    case 'connected-relayed':
      return [
        { shape: RING, colour: paint(COLOURS.green) },
        { shape: NODE, colour: paint(COLOURS.green) },
        { shape: BADGE_GAP, colour: undefined },
        { shape: BADGE, colour: paint(COLOURS.amber) },
      ];
    case 'no-supernode':
      return [
        { shape: RING, colour: paint(COLOURS.grey) },
        { shape: NODE, colour: paint(COLOURS.grey) },
        { shape: BADGE_GAP, colour: undefined },
        { shape: ring(0.8, 0.8, 0.14, 0.08), colour: paint(COLOURS.orange) },
      ];
    case 'error':
      return [
        { shape: RING, colour: paint(COLOURS.red) },
        { shape: BADGE_GAP, colour: undefined },
        { shape: BADGE, colour: paint(COLOURS.red) },
        // The badge's cross is cut out, so it reads at 16 px in colour and as a template alike.
        { shape: CROSS, colour: undefined },
      ];
    case 'sharing':
      // Connected, with a filled red dot: the screen is being shared (help session), like a recording light.
      return [
        { shape: RING, colour: paint(COLOURS.green) },
        { shape: NODE, colour: paint(COLOURS.green) },
        { shape: BADGE_GAP, colour: undefined },
        { shape: BADGE, colour: paint(COLOURS.red) },
        { shape: disc(0.8, 0.8, 0.07), colour: undefined },
      ];
  }
}

// The app icon: a rounded teal tile with the mesh (a node joined to three others on a ring).
function appLayers(): Layer[] {
  const satellites = [-90, 30, 150].map((degrees) => {
    const radians = (degrees * Math.PI) / 180;
    return [0.5 + 0.27 * Math.cos(radians), 0.5 + 0.27 * Math.sin(radians)] as const;
  });
  return [
    { shape: roundedSquare(0.04, 0.2), colour: COLOURS.teal },
    { shape: ring(0.5, 0.5, 0.27, 0.035), colour: COLOURS.white },
    ...satellites.map(([x, y]): Layer => ({ shape: segment(0.5, 0.5, x, y, 0.035), colour: COLOURS.white })),
    ...satellites.map(([x, y]): Layer => ({ shape: disc(x, y, 0.075), colour: COLOURS.white })),
    { shape: disc(0.5, 0.5, 0.1), colour: COLOURS.white },
  ];
}

/** Anti-aliased by 4×4 supersampling; straight (not premultiplied) RGBA as PNG stores it. */
export function render(layers: readonly Layer[], size: number): PNG {
  const png = new PNG({ width: size, height: size });
  const samples = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) / size;
          const y = (py + (sy + 0.5) / samples) / size;
          let cr = 0;
          let cg = 0;
          let cb = 0;
          let ca = 0;
          for (const layer of layers) {
            if (layer.shape(x, y) > 0) continue;
            if (layer.colour === undefined) {
              cr = cg = cb = ca = 0;
            } else {
              [cr, cg, cb] = layer.colour;
              ca = 1;
            }
          }
          r += cr * ca;
          g += cg * ca;
          b += cb * ca;
          a += ca;
        }
      }
      const offset = (py * size + px) * 4;
      png.data[offset] = a === 0 ? 0 : Math.round(r / a);
      png.data[offset + 1] = a === 0 ? 0 : Math.round(g / a);
      png.data[offset + 2] = a === 0 ? 0 : Math.round(b / a);
      png.data[offset + 3] = Math.round((a / (samples * samples)) * 255);
    }
  }
  return png;
}

function encode(png: PNG): Buffer {
  return PNG.sync.write(png, { colorType: 6, deflateLevel: 9 });
}

/** An .ico holding PNG images (Windows Vista and later, NSIS and electron-builder read these). */
export function encodeIco(images: readonly { readonly size: number; readonly png: Buffer }[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(images.length, 4);
  const entries: Buffer[] = [];
  let offset = 6 + 16 * images.length;
  for (const { size, png } of images) {
    const entry = Buffer.alloc(16);
    entry.writeUInt8(size >= 256 ? 0 : size, 0); // 0 means 256
    entry.writeUInt8(size >= 256 ? 0 : size, 1);
    entry.writeUInt8(0, 2); // no palette
    entry.writeUInt8(0, 3);
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    entries.push(entry);
    offset += png.length;
  }
  return Buffer.concat([header, ...entries, ...images.map((image) => image.png)]);
}

export const TRAY_SIZES = [16, 24, 32, 48] as const;
export const TEMPLATE_SIZE = 16;
export const APP_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024] as const;
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256] as const;

/** Every output file, relative to the icons directory, with its bytes. */
export function generateIcons(): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const state of TRAY_ICON_STATES) {
    for (const size of TRAY_SIZES) {
      files.set(`tray/${state}-${size}.png`, encode(render(trayLayers(state, false), size)));
      files.set(`tray/${state}-${size}@2x.png`, encode(render(trayLayers(state, false), size * 2)));
    }
    files.set(`tray/${state}Template.png`, encode(render(trayLayers(state, true), TEMPLATE_SIZE)));
    files.set(`tray/${state}Template@2x.png`, encode(render(trayLayers(state, true), TEMPLATE_SIZE * 2)));
  }
  const app = new Map<number, Buffer>();
  for (const size of APP_SIZES) {
    const png = encode(render(appLayers(), size));
    app.set(size, png);
    files.set(`app/${size}x${size}.png`, png);
  }
  files.set('icon.ico', encodeIco(ICO_SIZES.map((size) => ({ size, png: app.get(size) ?? encode(render(appLayers(), size)) }))));
  return files;
}

function main(): void {
  const outDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'build', 'icons');
  const files = generateIcons();
  for (const [name, bytes] of files) {
    const file = path.join(outDir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, bytes);
  }
  console.log(`generate-icons: wrote ${files.size} files under ${path.relative(process.cwd(), outDir) || outDir}`);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
