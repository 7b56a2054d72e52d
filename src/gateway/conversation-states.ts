import { initialState, isIntakeStep } from '../conversation/index.js';
import type { ConversationState, Locale } from '../conversation/conversation.types.js';
import type { Customer } from '../requests/request.types.js';
import type { RequestStore } from '../requests/request-store.port.js';
import type { StateStore } from './state-store.port.js';

export interface LoadedState {
  state: ConversationState;
  version: number;
  /** Where it came from: the hot store, the database snapshot, or a fresh start. */
  source: 'hot' | 'database' | 'initial';
}

/**
 * Reads and writes conversation states. The database snapshot (written in the
 * step's transaction) is the durable copy; the state store holds a hot copy.
 * The hot copy is taken out (read and dropped at once) before each commit and
 * written after it, so a crash between the two leaves no stale copy: the next
 * read falls back to the database, which is always right.
 */
export class ConversationStates {
  constructor(
    private readonly hot: StateStore,
    private readonly store: RequestStore,
    private readonly ttlMs: number,
  ) {}

  /**
   * Loads the state for a step, taking the hot copy out of the state store: the
   * step's commit may fail or the process die before `saveHot`, and the next
   * step must then read the database, which is always right.
   */
  async take(customer: Customer, now: number): Promise<LoadedState> {
    const hot = await this.hot.take(customer.id);
    if (hot && isConversationState(hot.state)) return { state: hot.state, version: hot.version, source: 'hot' };
    // Usually a conversation's first step: both reads at once, as it then has no snapshot.
    const [snapshot, active] = await Promise.all([this.store.loadConversation(customer.id), this.store.findActiveRequest(customer.id)]);
    if (snapshot && isConversationState(snapshot.state)) {
      return { state: snapshot.state, version: snapshot.version, source: 'database' };
    }
    const fresh = initialState(customer.locale as Locale, now, active ? { number: active.number, status: active.status } : null);
    return { state: fresh, version: snapshot?.version ?? 0, source: 'initial' };
  }

  /** An intake left untouched for longer than the TTL is abandoned. */
  isExpired(state: ConversationState, now: number): boolean {
    return isIntakeStep(state.step) && now - state.updatedAt > this.ttlMs;
  }

  saveHot(customerId: string, state: ConversationState, version: number): Promise<void> {
    return this.hot.set(customerId, { state, version }, this.ttlMs);
  }
}

/** Guards against snapshots written by an incompatible version. */
function isConversationState(value: unknown): value is ConversationState {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<ConversationState>;
  return (
    (v.locale === 'ru' || v.locale === 'en') &&
    typeof v.step === 'object' &&
    v.step !== null &&
    typeof v.draft === 'object' &&
    typeof v.updatedAt === 'number'
  );
}
