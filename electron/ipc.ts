// Main's side of the typed IPC schema: one ipcMain.handle per invoke channel, each refusing calls
// from any frame but the app's own page and any arguments of the wrong shape before a handler runs.
// Event topics a window subscribes to are forwarded to it on 'kith:event' until it unsubscribes or
// its WebContents goes away.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { type EventChannel, type EventChannels, INVOKE_ARG_CHECKS, INVOKE_CHANNELS, type InvokeArgs, type InvokeChannel, type InvokeResult } from './ipc-schema.js';

/** What a handler learns about the caller: the WebContents that sent the call. */
export type IpcSender = Pick<WebContents, 'id' | 'send' | 'isDestroyed' | 'once'>;

/** Main's implementation of every invoke channel; `sender` is already validated. */
export type IpcHandlers = { readonly [K in InvokeChannel]: (sender: IpcSender, ...args: InvokeArgs<K>) => Promise<InvokeResult<K>> | InvokeResult<K> };

export function sendEvent<K extends EventChannel>(target: Pick<WebContents, 'send' | 'isDestroyed'>, channel: K, message: EventChannels[K]): void {
  if (!target.isDestroyed()) target.send(channel, message);
}

export interface RegisterIpcOptions {
  readonly ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  readonly handlers: IpcHandlers;
  /** True only for the app's own index page (security-policy.ts isAppPage). */
  readonly isTrustedUrl: (url: string) => boolean;
}

export class IpcRefused extends Error {}

/** Registers every channel; returns the function that removes them again. */
export function registerIpc({ ipcMain, handlers, isTrustedUrl }: RegisterIpcOptions): () => void {
  for (const channel of INVOKE_CHANNELS) {
    ipcMain.handle(channel, (event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>, ...args: unknown[]) => {
      // senderFrame is null once the frame navigated away or was destroyed; refuse those too.
      const url = event.senderFrame?.url;
      if (url === undefined || !isTrustedUrl(url)) throw new IpcRefused(`${channel}: refused a call from outside the app`);
      const check = INVOKE_ARG_CHECKS[channel] as (args: readonly unknown[]) => boolean;
      if (!check(args)) throw new IpcRefused(`${channel}: malformed arguments`);
      const handler = handlers[channel] as (sender: IpcSender, ...args: unknown[]) => unknown;
      return handler(event.sender, ...args);
    });
  }
  return () => {
    for (const channel of INVOKE_CHANNELS) ipcMain.removeHandler(channel);
  };
}

/** Engine topic subscriptions per window: one engine subscription per (window, topic). */
export class TopicForwarder {
  readonly #subscribe: (topic: string, listener: (payload: unknown) => void) => () => void;
  readonly #byWindow = new Map<number, Map<string, () => void>>();

  constructor(subscribe: (topic: string, listener: (payload: unknown) => void) => () => void) {
    this.#subscribe = subscribe;
  }

  add(sender: IpcSender, topic: string): boolean {
    let topics = this.#byWindow.get(sender.id);
    if (topics === undefined) {
      topics = new Map();
      this.#byWindow.set(sender.id, topics);
      sender.once('destroyed', () => this.removeAll(sender.id));
    }
    if (topics.has(topic)) return true;
    try {
      topics.set(topic, this.#subscribe(topic, (payload) => sendEvent(sender, 'kith:event', { topic, payload })));
      return true;
    } catch {
      return false;
    }
  }

  remove(sender: Pick<IpcSender, 'id'>, topic: string): void {
    const topics = this.#byWindow.get(sender.id);
    topics?.get(topic)?.();
    topics?.delete(topic);
  }

  removeAll(windowId: number): void {
    for (const unsubscribe of this.#byWindow.get(windowId)?.values() ?? []) unsubscribe();
    this.#byWindow.delete(windowId);
  }

  count(): number {
    let total = 0;
    for (const topics of this.#byWindow.values()) total += topics.size;
    return total;
  }
}
