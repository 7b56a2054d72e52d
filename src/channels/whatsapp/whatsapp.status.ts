import type { Redis } from 'ioredis';

/**
 * Where the WhatsApp connection stands. `standby`: another instance runs the
 * client. `waiting_for_scan`: a QR code is shown (`qr`) for a phone to link.
 * `logged_out`: the phone unlinked this device; a new scan is needed.
 */
export type WhatsappState = 'off' | 'standby' | 'starting' | 'waiting_for_scan' | 'ready' | 'disconnected' | 'logged_out';

export interface WhatsappStatus {
  state: WhatsappState;
  /** The pairing code while waiting for a scan (render it as a QR code). */
  qr: string | null;
  /** Why the client is not ready, in words an admin can act on. */
  reason: string | null;
  since: string;
}

const KEY = 'relaydesk:whatsapp:status';

/**
 * The status as the instance running the client last wrote it: kept in Redis
 * (when instances share one) so every instance can show it.
 */
export class WhatsappStatusBoard {
  private local: WhatsappStatus;

  constructor(
    private readonly redis: Redis | null,
    private readonly onChange: (status: WhatsappStatus) => void,
  ) {
    this.local = { state: 'off', qr: null, reason: null, since: new Date().toISOString() };
  }

  set(state: WhatsappState, details: { qr?: string | null; reason?: string | null } = {}): WhatsappStatus {
    this.local = { state, qr: details.qr ?? null, reason: details.reason ?? null, since: new Date().toISOString() };
    // Standby is this instance's own business: the running client's state is the one to share and show.
    if (state === 'standby') return this.local;
    void this.redis?.set(KEY, JSON.stringify(this.local), 'PX', 24 * 3_600_000).catch(() => undefined);
    this.onChange(this.local);
    return this.local;
  }

  /** This instance's status, or, on an instance on standby, the leader's. */
  async read(): Promise<WhatsappStatus> {
    if (this.local.state !== 'standby' || !this.redis) return this.local;
    const stored = await this.redis.get(KEY).catch(() => null);
    return stored ? (JSON.parse(stored) as WhatsappStatus) : this.local;
  }
}
