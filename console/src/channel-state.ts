import type { ChannelStatusView } from './types.js';

/**
 * How a channel's connection state reads (WhatsApp: off, standby, starting,
 * waiting_for_scan, ready, disconnected, logged_out): its colour, whether an
 * admin must act, and how the list follows `GET /api/channels` and the
 * `channel_status` events.
 */
export type Tone = 'ok' | 'busy' | 'warn' | 'bad' | 'idle';

const TONES: Record<string, Tone> = {
  ready: 'ok',
  starting: 'busy',
  waiting_for_scan: 'warn',
  disconnected: 'bad',
  logged_out: 'bad',
  standby: 'idle',
  off: 'idle',
};

/** The colour of a state: green ready, blue on its way, amber waiting for someone, red broken, grey idle (and unknown). */
export function stateTone(state: string): Tone {
  return TONES[state] ?? 'idle';
}

/** States an admin has to do something about (scan a code) or should know of (the link is down). */
const ATTENTION = new Set(['waiting_for_scan', 'disconnected', 'logged_out']);

export function needsAttention(state: string): boolean {
  return ATTENTION.has(state);
}

/** The channels needing attention, the worst (red) first. */
export function attentionList(channels: readonly ChannelStatusView[]): ChannelStatusView[] {
  const rank = (c: ChannelStatusView) => (stateTone(c.state) === 'bad' ? 0 : 1);
  return channels.filter((c) => needsAttention(c.state)).sort((a, b) => rank(a) - rank(b));
}

/** The label of a state in the dictionary's `channelState`, else the state's own name (a state added on the server later). */
export function stateLabel(labels: Record<string, string>, state: string): string {
  return Object.prototype.hasOwnProperty.call(labels, state) ? labels[state]! : state.replace(/_/g, ' ');
}

export type ChannelsAction =
  | { type: 'loaded'; channels: ChannelStatusView[] }
  | { type: 'status'; status: ChannelStatusView }
  /** The signed-in agent is not (or no longer) an admin. */
  | { type: 'clear' };

/** null until loaded. */
export type ChannelsState = ChannelStatusView[] | null;

/**
 * `a` happened before `b`: the server may announce a quick change (ready) ahead
 * of a slower one made before it (a QR code being drawn), and a list loaded
 * before an event may arrive after it. Without a date, the newer arrival wins.
 */
function older(a: Pick<ChannelStatusView, 'since'>, b: Pick<ChannelStatusView, 'since'>): boolean {
  if (!a.since || !b.since) return false;
  return Date.parse(a.since) < Date.parse(b.since);
}

function upsert(list: ChannelStatusView[], next: ChannelStatusView): ChannelStatusView[] {
  const i = list.findIndex((c) => c.channel === next.channel);
  if (i < 0) return [...list, next];
  if (older(next, list[i]!)) return list;
  return list.map((c, j) => (j === i ? next : c));
}

export function channelsReducer(state: ChannelsState, action: ChannelsAction): ChannelsState {
  switch (action.type) {
    case 'clear':
      return null;
    case 'loaded':
      // Keep what an event told meanwhile if it is newer than the list.
      return action.channels.map((c) => {
        const known = state?.find((k) => k.channel === c.channel);
        return known && older(c, known) ? known : c;
      });
    case 'status':
      // Before the list arrives, an event still counts: the list merges with it.
      return upsert(state ?? [], action.status);
  }
}

export type ChannelAlert = 'logged_out' | 'waiting_for_scan';

type Change = Pick<ChannelStatusView, 'channel' | 'state' | 'since'>;

/**
 * One toast per time a channel needs a scan: when it is logged out, or starts
 * waiting for a scan, and not again for each new code nor for the code that
 * follows a logout, until it is ready (or off) again. A change older than one
 * already seen (announced late) says nothing.
 */
export class AlertGate {
  private readonly alerted = new Set<string>();
  private readonly latest = new Map<string, Change>();

  /** What to tell about this change, once. */
  next(status: Change): ChannelAlert | null {
    if (!this.record(status)) return null;
    const { channel, state } = status;
    if (state !== 'logged_out' && state !== 'waiting_for_scan') return null;
    if (this.alerted.has(channel)) return null;
    this.alerted.add(channel);
    return state;
  }

  /** A state found on loading the list: the top bar shows it, no toast (nor later for the same need). */
  seen(status: Change): void {
    if (!this.record(status)) return;
    if (status.state === 'logged_out' || status.state === 'waiting_for_scan') this.alerted.add(status.channel);
  }

  /** false for a change older than the last one seen. */
  private record(status: Change): boolean {
    const last = this.latest.get(status.channel);
    if (last && older(status, last)) return false;
    this.latest.set(status.channel, status);
    if (status.state === 'ready' || status.state === 'off') this.alerted.delete(status.channel);
    return true;
  }
}

const SVG = /^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*<svg[\s>]/;

/**
 * The pairing QR code (an SVG document) as a data: URL for an <img>: drawn as
 * an image, never put into the page, so nothing in it can run. null for
 * anything that is not SVG.
 */
export function svgDataUrl(svg: string | null): string | null {
  if (!svg || !SVG.test(svg)) return null;
  const bytes = new TextEncoder().encode(svg);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}
