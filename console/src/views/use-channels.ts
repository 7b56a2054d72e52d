import { useCallback, useEffect, useReducer, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { AlertGate, channelsReducer, type ChannelAlert, type ChannelsState } from '../channel-state.js';
import { useSocketEvent, type AgentSocket } from '../socket.js';
import type { ChannelStatusView } from '../types.js';

export interface Channels {
  /** null until loaded (and for agents who are not admins). */
  list: ChannelsState;
  /** The channels this gateway runs; null until loaded (and for agents who are not admins). */
  configured: string[] | null;
  /** The last load failed (the list, if any, is older). */
  error: unknown;
  refresh(): void;
}

/**
 * Admins only: each channel's connection from GET /api/channels, loaded again
 * after a reconnect (`epoch`), kept live by the `channel_status` events.
 * `onAlert` is told once when a channel gets logged out or starts waiting for
 * a scan.
 */
export function useChannels(socket: AgentSocket | null, isAdmin: boolean, epoch: number, onAlert: (alert: ChannelAlert, status: ChannelStatusView) => void): Channels {
  const [list, dispatch] = useReducer(channelsReducer, null);
  const [error, setError] = useState<unknown>(null);
  const [configured, setConfigured] = useState<string[] | null>(null);
  const gate = useRef(new AlertGate());
  const loads = useRef(0);

  const refresh = useCallback(() => {
    if (!isAdmin) return;
    const load = ++loads.current;
    api.channels().then(
      (r) => {
        if (load !== loads.current) return;
        for (const c of r.channels) gate.current.seen(c);
        setError(null);
        setConfigured(r.configured);
        dispatch({ type: 'loaded', channels: r.channels });
      },
      (err: unknown) => {
        if (load === loads.current) setError(err);
      },
    );
  }, [isAdmin]);

  useEffect(() => {
    if (isAdmin) refresh();
    else {
      loads.current++;
      setConfigured(null);
      dispatch({ type: 'clear' });
    }
  }, [isAdmin, epoch]);

  useSocketEvent(socket, 'channel_status', (status) => {
    if (!isAdmin) return;
    // Every instance says `standby` for itself when it starts, while another one runs
    // the client: the list (read from the one running it) says how the channel really is.
    if (status.state === 'standby') {
      refresh();
      return;
    }
    dispatch({ type: 'status', status });
    const alert = gate.current.next(status);
    if (alert) onAlert(alert, status);
  });

  return { list, configured, error, refresh };
}
