import type { Customer } from '../requests/request.types.js';

export interface CustomerCacheOptions {
  /** Most customers kept; the least recently seen go first. Default 10 000. */
  maxEntries?: number;
  /** How long an entry is trusted, in ms. Default 60 000. */
  ttlMs?: number;
  now?: () => number;
}

/**
 * Customers by channel identity, so that a message from a customer seen lately
 * costs no database round trip before it is recorded.
 *
 * Only the id must be right for recording; it never changes. The rest may be
 * stale for at most `ttlMs` when another instance changed it: `reachable` is
 * restored by recordInbound itself, a new display name is noticed by the
 * gateway (which then upserts), and the locale is only a fallback for a
 * conversation that has no state yet (the state carries the locale).
 */
export class CustomerCache {
  private readonly entries = new Map<string, { customer: Customer; expiresAt: number }>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(opts: CustomerCacheOptions = {}) {
    this.maxEntries = opts.maxEntries ?? 10_000;
    this.ttlMs = opts.ttlMs ?? 60_000;
    this.now = opts.now ?? Date.now;
  }

  get(channel: string, externalId: string): Customer | null {
    const key = keyOf(channel, externalId);
    const entry = this.entries.get(key);
    if (!entry) return null;
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) return null;
    this.entries.set(key, entry); // most recently used last
    return entry.customer;
  }

  set(customer: Customer): void {
    const key = keyOf(customer.channel, customer.externalId);
    this.entries.delete(key);
    this.entries.set(key, { customer, expiresAt: this.now() + this.ttlMs });
    if (this.entries.size <= this.maxEntries) return;
    const oldest = this.entries.keys().next();
    if (!oldest.done) this.entries.delete(oldest.value);
  }

  forget(customer: Pick<Customer, 'channel' | 'externalId'>): void {
    this.entries.delete(keyOf(customer.channel, customer.externalId));
  }
}

// A channel name cannot contain a NUL, so the key is unambiguous.
function keyOf(channel: string, externalId: string): string {
  return `${channel}\u0000${externalId}`;
}
