import { useEffect, useState } from 'preact/hooks';
import { stateLabel, stateTone, svgDataUrl } from '../channel-state.js';
import { dateTime, relativeTime } from '../format.js';
import { useI18n, useT } from '../i18n/i18n.js';
import type { ChannelStatusView } from '../types.js';
import { Icon } from './icons.js';
import { errorText } from './notices.js';
import type { Channels } from './use-channels.js';

/** Re-renders every 15 s so that "changed 2 min. ago" stays true. */
function useNow(): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** Admins only: each channel's connection, live; WhatsApp's pairing QR code while it waits for a scan. */
export function ChannelsPage({ channels }: { channels: Channels }) {
  const { t } = useI18n();
  const now = useNow();
  const { list, configured, error } = channels;
  return (
    <main class="page channels-page" data-testid="channels-page">
      <div class="page-head">
        <h1>{t.channels}</h1>
        <button type="button" class="button" onClick={channels.refresh} data-testid="channels-refresh">
          {t.refresh}
        </button>
      </div>
      <p class="muted">{t.channelsLead}</p>
      {error !== null && (
        <p class="form-error" role="alert" data-testid="channels-error">
          {errorText(t, error)}
        </p>
      )}
      {list === null && error === null && <p class="muted">{t.loading}</p>}
      {list?.length === 0 && !configured && <p class="empty-note" data-testid="channels-empty">{t.noChannels}</p>}
      {list?.map((c) => <ChannelCard key={c.channel} c={c} now={now} />)}
      {list && configured && KNOWN.filter((name) => !list.some((c) => c.channel === name)).map((name) => <SetupCard key={name} name={name} on={configured.includes(name)} />)}
    </main>
  );
}

/** The channels RelayDesk has; those without a connection to report get a card saying whether this gateway runs them. */
const KNOWN = ['webchat', 'telegram', 'whatsapp'];

/** A channel with no connection state: on or not configured, and what that means (or how to turn it on). */
function SetupCard({ name, on }: { name: string; on: boolean }) {
  const t = useT();
  const tone = on ? 'ok' : 'idle';
  return (
    <section class={`channel-card tone-${tone}`} aria-labelledby={`channel-${name}`} data-testid="channel-setup" data-channel={name} data-configured={String(on)}>
      <div class="channel-card-head">
        <h2 id={`channel-${name}`} class={`channel-${name}`}>
          <Icon name={name} /> {t.channel[name] ?? name}
        </h2>
        <span class={`state-badge tone-${tone}`} data-testid="channel-setup-state">
          <span class="dot" aria-hidden="true" />
          {on ? t.channelOn : t.channelOff}
        </span>
      </div>
      <p data-testid="channel-setup-hint">{(on ? t.channelOnHint : t.channelOffHint)[name]}</p>
    </section>
  );
}

function ChannelCard({ c, now }: { c: ChannelStatusView; now: number }) {
  const { t, locale } = useI18n();
  const name = t.channel[c.channel] ?? c.channel;
  const tone = stateTone(c.state);
  const label = stateLabel(t.channelState, c.state);
  const hint = t.channelHint[c.state];
  const scanning = c.state === 'waiting_for_scan';
  const qr = scanning ? svgDataUrl(c.qrSvg) : null;
  // While a code is shown, the steps beside it say what the server's reason says, in the agent's language.
  const reason = scanning ? null : c.reason;
  return (
    <section class={`channel-card tone-${tone}`} aria-labelledby={`channel-${c.channel}`} data-testid="channel-card" data-channel={c.channel} data-state={c.state}>
      <div class="channel-card-head">
        <h2 id={`channel-${c.channel}`} class={`channel-${c.channel}`}>
          <Icon name={c.channel} /> {name}
        </h2>
        <span class={`state-badge tone-${tone}`} aria-live="polite" data-testid="channel-state" data-state={c.state}>
          <span class="dot" aria-hidden="true" />
          {label}
        </span>
      </div>
      {hint && <p>{hint}</p>}
      <dl class="facts">
        {c.since && (
          <div>
            <dt>{t.stateChanged}</dt>
            <dd>
              <time dateTime={c.since} title={dateTime(c.since, locale)} data-testid="channel-since">
                {relativeTime(c.since, now, locale)}
              </time>
            </dd>
          </div>
        )}
        {reason && (
          <div>
            <dt>{t.reason}</dt>
            <dd class="text" data-testid="channel-reason">
              {reason}
            </dd>
          </div>
        )}
      </dl>
      {scanning && (
        <div class="pairing" data-testid="channel-pairing">
          {qr ? (
            <img class="qr" src={qr} width={300} height={300} alt={t.qrAlt(name)} data-testid="channel-qr" />
          ) : (
            <p class="qr qr-pending muted">{t.scanPending}</p>
          )}
          <div class="pairing-steps">
            <h3>{t.scanTitle}</h3>
            <p data-testid="scan-steps">{t.scanSteps}</p>
            <p class="muted">{t.scanRenew}</p>
          </div>
        </div>
      )}
    </section>
  );
}
