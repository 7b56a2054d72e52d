/**
 * Small JSON views over localStorage / sessionStorage, one key per gateway base
 * so two desks embedded on one site keep apart. Storage can be missing or
 * throw (Safari private mode, blocked cookies): the widget then works for the
 * life of the page only.
 */
export interface Slot<T> {
  get(): T | null;
  set(value: T | null): void;
}

function storageOf(kind: 'localStorage' | 'sessionStorage'): Storage | null {
  try {
    return window[kind];
  } catch {
    return null;
  }
}

function slot<T>(kind: 'localStorage' | 'sessionStorage', key: string): Slot<T> {
  let memory: T | null = null;
  return {
    get() {
      try {
        const raw = storageOf(kind)?.getItem(key);
        return raw ? (JSON.parse(raw) as T) : memory;
      } catch {
        return memory;
      }
    },
    set(value) {
      memory = value;
      try {
        const s = storageOf(kind);
        if (value === null) s?.removeItem(key);
        else s?.setItem(key, JSON.stringify(value));
      } catch {
        // quota or privacy mode: the in-memory copy still serves this page
      }
    },
  };
}

/** Storage key of one kind of value for one gateway, e.g. `relaydesk:token:https://desk.example.com`. */
export function storageKey(kind: string, base: string): string {
  return `relaydesk:${kind}:${base}`;
}

/** Opens the slots the widget uses for one gateway base. */
export function openSlots<TOutbox, TIdentity>(base: string) {
  return {
    /** Anonymous visitor token (survives the browser restart). */
    token: slot<string>('localStorage', storageKey('token', base)),
    /** Messages not yet acknowledged, oldest first. */
    outbox: slot<TOutbox[]>('localStorage', storageKey('outbox', base)),
    /** Id of the newest message the visitor has seen with the panel open. */
    lastRead: slot<string>('localStorage', storageKey('read', base)),
    /** Identity given by the page, and the token of that identified visitor (this tab only). */
    identity: slot<TIdentity>('sessionStorage', storageKey('identity', base)),
    /** Whether the panel was open, so that a navigation keeps it open. */
    open: slot<boolean>('sessionStorage', storageKey('open', base)),
  };
}
