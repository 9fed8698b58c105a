// The tray icon: the image, tooltip and menu come from tray-state.ts's pure functions of the
// snapshot; this file only turns them into Electron objects and routes clicks to actions.
import path from 'node:path';
import { Menu, type MenuItemConstructorOptions, nativeImage, Tray } from 'electron';
import type { DesktopSnapshot } from './desktop-snapshot.js';
import { type TrayAction, type TrayIconState, type TrayMenuItem, trayIconFile, trayIconState, trayMenu, trayTooltip } from './tray-state.js';

export interface KithTray {
  update(snapshot: DesktopSnapshot): void;
  /** For the end-to-end test hook: what the tray shows now. */
  shown(): { readonly icon: TrayIconState; readonly tooltip: string; readonly menu: readonly TrayMenuItem[] };
  destroy(): void;
}

function toElectron(item: TrayMenuItem, run: (action: TrayAction) => void): MenuItemConstructorOptions {
  switch (item.type) {
    case 'separator':
      return { type: 'separator' };
    case 'submenu':
      return { type: 'submenu', label: item.label, enabled: item.enabled, submenu: item.items.map((child) => toElectron(child, run)) };
    case 'normal': {
      const { action } = item;
      return { type: 'normal', label: item.label, enabled: item.enabled, ...(action === undefined ? {} : { click: () => run(action) }) };
    }
    case 'checkbox':
    case 'radio':
      return { type: item.type, label: item.label, checked: item.checked, enabled: item.enabled, click: () => run(item.action) };
  }
}

export function createTray(options: { readonly iconsDir: string; readonly platform: NodeJS.Platform; readonly run: (action: TrayAction) => void; readonly onClick: () => void }): KithTray {
  const image = (state: TrayIconState): Electron.NativeImage => {
    const icon = nativeImage.createFromPath(path.join(options.iconsDir, trayIconFile(state, options.platform)));
    if (options.platform === 'darwin') icon.setTemplateImage(true);
    return icon;
  };
  let icon: TrayIconState = 'connecting';
  let tooltip = '';
  let menu: readonly TrayMenuItem[] = [];
  let menuOpen = false;
  let pendingMenu: readonly TrayMenuItem[] | undefined;
  const setMenu = (items: readonly TrayMenuItem[]): void => {
    const built = Menu.buildFromTemplate(items.map((item) => toElectron(item, options.run)));
    built.on('menu-will-show', () => (menuOpen = true));
    built.on('menu-will-close', () => {
      menuOpen = false;
      if (pendingMenu !== undefined) setMenu(pendingMenu);
      pendingMenu = undefined;
    });
    tray.setContextMenu(built);
  };
  const tray = new Tray(image(icon));
  // Windows and most Linux trays open the window on a click; the menu has "Open" for the rest
  // (AppIndicator trays show only the menu).
  tray.on('click', options.onClick);

  return {
    update(snapshot) {
      const nextIcon = trayIconState(snapshot);
      if (nextIcon !== icon) tray.setImage(image(nextIcon));
      icon = nextIcon;
      const nextTooltip = trayTooltip(snapshot);
      if (nextTooltip !== tooltip) tray.setToolTip(nextTooltip);
      tooltip = nextTooltip;
      const nextMenu = trayMenu(snapshot);
      // Replacing an open menu closes it under the pointer: wait until it closes, and skip
      // identical rebuilds from the periodic refresh.
      if (JSON.stringify(nextMenu) !== JSON.stringify(menu)) {
        if (menuOpen) pendingMenu = nextMenu;
        else setMenu(nextMenu);
      }
      menu = nextMenu;
    },
    shown: () => ({ icon, tooltip, menu }),
    destroy: () => tray.destroy(),
  };
}
