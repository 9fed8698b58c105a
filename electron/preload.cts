// The window's only door to the main process. A sandboxed preload is loaded as CommonJS and may
// require only 'electron' and a few built-ins, hence this file is `.cts` (tsc emits preload.cjs)
// and uses the schema's channel names as type-checked literals instead of importing them.
// It exposes exactly `KithBridge` (ipc-schema.ts) and nothing of ipcRenderer itself.
import electron = require('electron');
import type { IpcRendererEvent } from 'electron';
import type { EventChannel, EventChannels, InvokeArgs, InvokeChannel, InvokeResult, KithBridge } from './ipc-schema.js';

const { contextBridge, ipcRenderer } = electron;

function invoke<K extends InvokeChannel>(channel: K, ...args: InvokeArgs<K>): Promise<InvokeResult<K>> {
  return ipcRenderer.invoke(channel, ...args) as Promise<InvokeResult<K>>;
}

function on<K extends EventChannel>(channel: K, listener: (message: EventChannels[K]) => void): void {
  ipcRenderer.on(channel, (_event: IpcRendererEvent, message: EventChannels[K]) => listener(message));
}

// One main-side subscription per topic, however many listeners the page adds.
const listeners = new Map<string, Set<(payload: unknown) => void>>();

on('kith:event', ({ topic, payload }) => {
  for (const listener of listeners.get(topic) ?? []) {
    try {
      listener(payload);
    } catch (error) {
      console.error(`kith: a '${topic}' listener threw`, error);
    }
  }
});

/** Listeners of a main → window channel other than engine events. */
function listenersOf<K extends EventChannel>(channel: K): (listener: (message: EventChannels[K]) => void) => () => void {
  const set = new Set<(message: EventChannels[K]) => void>();
  on(channel, (message) => {
    for (const listener of set) listener(message);
  });
  return (listener) => {
    set.add(listener);
    return () => void set.delete(listener);
  };
}
const onPointer = listenersOf('help:pointer');
const onAsk = listenersOf('help:ask');

const bridge: KithBridge = {
  call: (method, params) => invoke('kith:call', method, params),
  subscribe(topic, listener) {
    let set = listeners.get(topic);
    if (set === undefined) {
      set = new Set();
      listeners.set(topic, set);
      void invoke('kith:subscribe', topic);
    }
    set.add(listener);
    return () => {
      const current = listeners.get(topic);
      if (current === undefined || !current.delete(listener) || current.size > 0) return;
      listeners.delete(topic);
      void invoke('kith:unsubscribe', topic);
    };
  },
  app: {
    copyText: (text) => invoke('app:copy-text', text),
    openExternal: (url) => invoke('app:open-external', url),
    startAtLogin: () => invoke('app:start-at-login'),
    setStartAtLogin: (on) => invoke('app:set-start-at-login', on),
  },
  help: {
    pointer: (mark) => invoke('help:pointer', mark === null ? null : { x: mark.x, y: mark.y }),
    onPointer: (listener) => onPointer(({ mark }) => listener(mark)),
    onAskForHelp: (listener) => onAsk(() => listener()),
  },
};

contextBridge.exposeInMainWorld('kith', bridge);
