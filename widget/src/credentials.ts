import type { Identity } from './protocol';
import type { Slot } from './storage';

/** Identity given through `RelayDesk.identify`, with that visitor's token. */
export interface IdentityRecord {
  identity: Identity;
  token: string | null;
}

/**
 * Who the widget presents itself as. An anonymous visitor's token lives in
 * localStorage; an identified user's token lives beside the identity in
 * sessionStorage, so that after the tab is gone the next anonymous visitor on a
 * shared computer does not resume that user's conversation.
 */
export class Credentials {
  constructor(
    private readonly anonymous: Slot<string>,
    private readonly identified: Slot<IdentityRecord>,
  ) {}

  token(): string | null {
    const id = this.identified.get();
    return id ? id.token : this.anonymous.get();
  }

  identity(): Identity | null {
    return this.identified.get()?.identity ?? null;
  }

  /** A returning visitor: one the server already knows. */
  known(): boolean {
    return !!(this.anonymous.get() || this.identified.get());
  }

  saveToken(token: string | null): void {
    const id = this.identified.get();
    if (id) this.identified.set({ ...id, token });
    else this.anonymous.set(token);
  }

  /** Presents this identity from now on; false when it is the one already presented. */
  identify(identity: Identity | null): boolean {
    const current = this.identity();
    if (JSON.stringify(current) === JSON.stringify(identity)) return false;
    this.identified.set(identity ? { identity, token: null } : null);
    return true;
  }

  forgetAll(): void {
    this.identified.set(null);
    this.anonymous.set(null);
  }
}
