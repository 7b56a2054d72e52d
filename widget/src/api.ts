import type { Chat, MessageListener } from './chat';
import type { Identity } from './protocol';

/** `window.RelayDesk` once the widget has loaded. */
export interface RelayDeskApi {
  readonly version: string;
  open(): void;
  close(): void;
  identify(identity: Identity): void;
  logout(): void;
  /** Calls fn with each new message (not the history shown on load); returns a function that stops it. */
  on(event: 'message', fn: MessageListener): () => void;
}

/** What a page may have set before the script loaded: `window.RelayDesk = window.RelayDesk || { q: [] }`. */
export interface RelayDeskStub {
  q?: ArrayLike<unknown>[];
  version?: string;
}

type Method = 'open' | 'close' | 'identify' | 'logout';

/**
 * The public API. Calls made before the chat exists (the page still loading)
 * wait in a queue, as do the calls a page queued in its stub.
 */
export function createApi(version: string, listeners: Set<MessageListener>): { api: RelayDeskApi; attach(chat: Chat): void; replay(q: RelayDeskStub['q']): void } {
  let chat: Chat | null = null;
  const waiting: [Method, unknown[]][] = [];
  const call = (method: Method, args: unknown[]) => {
    if (!chat) return void waiting.push([method, args]);
    (chat[method] as (...a: unknown[]) => void)(...args);
  };
  const api: RelayDeskApi = {
    version,
    open: () => call('open', []),
    close: () => call('close', []),
    identify: (identity) => call('identify', [identity]),
    logout: () => call('logout', []),
    on(event, fn) {
      if (event !== 'message' || typeof fn !== 'function') {
        console.error(`RelayDesk.on: unknown event "${String(event)}"`);
        return () => undefined;
      }
      listeners.add(fn);
      return () => void listeners.delete(fn);
    },
  };
  const replay = (q: RelayDeskStub['q']) => {
    for (const entry of Array.from(q ?? [])) {
      const [name, ...args] = Array.from(entry);
      const fn = (api as unknown as Record<string, unknown>)[String(name)];
      if (typeof fn === 'function' && name !== 'version') (fn as (...a: unknown[]) => void)(...args);
      else console.error(`RelayDesk: unknown queued call "${String(name)}"`);
    }
  };
  const attach = (c: Chat) => {
    chat = c;
    waiting.splice(0).forEach(([method, args]) => call(method, args));
  };
  return { api, attach, replay };
}
