import { useT } from '../i18n/i18n.js';
import type { RequestStatus } from '../types.js';
import { Icon } from './icons.js';

export function StatusBadge({ status }: { status: RequestStatus }) {
  const t = useT();
  return (
    <span class={`badge status-${status}`} data-testid="status-badge" data-status={status}>
      {t.status[status]}
    </span>
  );
}

export function ChannelLabel({ channel }: { channel: string }) {
  const t = useT();
  return (
    <span class={`channel channel-${channel}`} data-testid="channel" data-channel={channel}>
      <Icon name={channel} />
      {t.channel[channel] ?? channel}
    </span>
  );
}
