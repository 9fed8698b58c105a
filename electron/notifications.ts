// Desktop notifications for what notification-rules.ts decides deserves one. Clicking a
// notification opens the window.
import { Notification } from 'electron';
import type { Notice } from './notification-rules.js';

export interface Notifier {
  show(notice: Pick<Notice, 'title' | 'body'>): void;
}

export function createNotifier(options: { readonly icon?: string; readonly onClick: () => void }): Notifier {
  // Kept referenced until closed: a garbage-collected Notification loses its click handler.
  const live = new Set<Notification>();
  return {
    show({ title, body }) {
      if (!Notification.isSupported()) return;
      const notification = new Notification({ title, body, silent: true, ...(options.icon === undefined ? {} : { icon: options.icon }) });
      live.add(notification);
      notification.on('click', options.onClick);
      notification.on('close', () => live.delete(notification));
      notification.show();
      // Some notification servers never report 'close'; forget it after a while either way.
      setTimeout(() => live.delete(notification), 60_000).unref();
    },
  };
}
