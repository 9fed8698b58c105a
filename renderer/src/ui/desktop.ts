// Clipboard and links: through the preload in Electron, through the browser's own APIs otherwise.
import { findBridge } from '../client/bridge.js';

export async function copyText(text: string): Promise<void> {
  const bridge = findBridge();
  if (bridge !== undefined) return bridge.app.copyText(text);
  await navigator.clipboard.writeText(text);
}

export async function openExternal(url: string): Promise<void> {
  const bridge = findBridge();
  if (bridge !== undefined) return bridge.app.openExternal(url);
  window.location.assign(url);
}

export function platformName(): string {
  const nav = navigator as Navigator & { userAgentData?: { platform?: string } };
  return nav.userAgentData?.platform ?? navigator.platform;
}
