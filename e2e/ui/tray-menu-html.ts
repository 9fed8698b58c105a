// Draws the tray's menu model (electron/tray-state.ts, the same pure functions the Electron shell
// turns into a native menu) as a plain HTML page, so a run without Electron can still show and
// screenshot what the tray offers for a real engine state. Submenus are drawn opened beside their
// parent item, as a person hovering over them would see them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrayIconState, TrayMenuItem } from '../../electron/tray-state.js';

const escapeHtml = (text: string): string => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

/** Electron menu labels double `&` (it marks access keys); the menu shows a single one. */
const shownLabel = (label: string): string => escapeHtml(label.replace(/&&/g, '&'));

function itemHtml(item: TrayMenuItem, openSubmenu: string | undefined): string {
  switch (item.type) {
    case 'separator':
      return '<li class="separator" role="separator"></li>';
    case 'normal':
      return `<li class="${item.enabled ? '' : 'disabled'}">${shownLabel(item.label)}</li>`;
    case 'checkbox':
    case 'radio':
      return `<li class="${item.enabled ? '' : 'disabled'}"><span class="mark">${item.checked ? (item.type === 'radio' ? '●' : '✓') : ''}</span>${shownLabel(item.label)}</li>`;
    case 'submenu':
      return `<li class="submenu${openSubmenu !== undefined && item.label.startsWith(openSubmenu) ? ' open' : ''}">${shownLabel(item.label)}<span class="arrow">▸</span><ul class="menu">${item.items.map((sub) => itemHtml(sub, undefined)).join('')}</ul></li>`;
  }
}

/** `openSubmenu`: the label start of the submenu to draw opened (e.g. "Peers"). */
export function trayMenuHtml(items: readonly TrayMenuItem[], state: TrayIconState, tooltip: string, iconsDir: string, openSubmenu?: string): string {
  const icon = readFileSync(join(iconsDir, 'tray', `${state}-24@2x.png`)).toString('base64');
  return `<!doctype html><html><head><meta charset="utf-8"><style>
  body { margin: 0; padding: 16px; font: 14px system-ui, sans-serif; background: #d9dde3; width: 640px; }
  .bar { display: flex; justify-content: flex-end; align-items: center; gap: 10px; background: #1f2329; color: #eee; padding: 4px 12px; border-radius: 6px 6px 0 0; }
  .bar img { width: 24px; height: 24px; }
  .tooltip { white-space: pre-line; font-size: 12px; background: #333; color: #fff; padding: 3px 8px; border-radius: 4px; }
  .menu { list-style: none; margin: 0; padding: 4px 0; background: #fbfbfb; border: 1px solid #b9bec6; border-radius: 6px; box-shadow: 0 4px 14px rgba(0,0,0,.2); min-width: 230px; }
  body > .menu { margin-left: auto; margin-right: 130px; width: 260px; position: relative; }
  .menu li { padding: 5px 14px 5px 28px; position: relative; white-space: nowrap; }
  .menu li.disabled { color: #777; }
  .menu li.separator { padding: 0; margin: 4px 0; border-top: 1px solid #ddd; }
  .mark { position: absolute; left: 10px; }
  .arrow { float: right; }
  .submenu > .menu { display: none; }
  .submenu.open > .menu { display: block; position: absolute; top: -5px; right: 100%; margin-right: 2px; }
  .submenu.open { background: #2f6fd6; color: #fff; }
  .submenu.open .menu li { color: #222; }
</style></head><body>
  <div class="bar"><span class="tooltip">${escapeHtml(tooltip)}</span><img alt="Kith tray icon (${escapeHtml(state)})" src="data:image/png;base64,${icon}"></div>
  <ul class="menu" aria-label="Kith tray menu">${items.map((item) => itemHtml(item, openSubmenu)).join('')}</ul>
</body></html>`;
}
