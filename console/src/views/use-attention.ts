import { useEffect, useRef } from 'preact/hooks';
import { loadAlertPrefs, notificationPermission } from '../alert-prefs.js';
import { AttentionTracker, type Attention } from '../attention.js';
import { useI18n, type Strings } from '../i18n/i18n.js';
import { navigate, routePath } from '../router.js';
import { useSocketEvent, type AgentSocket } from '../socket.js';
import { chime, unlockSound } from '../sound.js';
import type { AgentView, Locale } from '../types.js';

function show(t: Strings, locale: Locale, a: Attention): void {
  const who = a.customer ?? t.anonymous;
  const title = a.kind === 'request' ? t.alertNewRequest(a.number) : t.alertCustomerMessage(a.number);
  const body = a.kind === 'request' ? `${a.subject}\n${who}` : `${who}: ${a.text ?? t.image}`;
  try {
    // One notification per request: a newer one replaces it.
    const n = new Notification(title, { body, tag: `relaydesk:${a.number}`, lang: locale });
    n.onclick = () => {
      window.focus();
      navigate(routePath({ name: 'request', number: a.number }));
      n.close();
    };
  } catch (err) {
    // Chrome on Android only shows notifications through a service worker.
    console.error('showing a notification failed', err);
  }
}

/**
 * Tells the agent of a new request and of a customer's message in a request
 * assigned to them (see AttentionTracker) with a browser notification, when
 * allowed, and a sound, when chosen; clicking the notification opens the
 * request.
 */
export function useAttention(socket: AgentSocket | null, me: AgentView, openNumber: string | null): void {
  const { t, locale } = useI18n();
  const tracker = useRef(new AttentionTracker());
  const context = () => ({ myId: me.id, openNumber, visible: document.visibilityState === 'visible' });
  const alert = (a: Attention | null) => {
    if (!a) return;
    const prefs = loadAlertPrefs();
    if (prefs.notify && notificationPermission() === 'granted') show(t, locale, a);
    if (prefs.sound) chime();
  };
  useSocketEvent(socket, 'request_created', ({ request }) => alert(tracker.current.created(request, context())));
  useSocketEvent(socket, 'message', ({ requestNumber, message }) => tracker.current.message(requestNumber, message));
  useSocketEvent(socket, 'request_updated', ({ request }) => alert(tracker.current.updated(request, context())));

  // The browser lets the sound play once the agent clicked or typed on the page.
  useEffect(() => {
    const unlock = () => {
      if (loadAlertPrefs().sound) unlockSound();
    };
    document.addEventListener('pointerdown', unlock, { once: true });
    document.addEventListener('keydown', unlock, { once: true });
    return () => {
      document.removeEventListener('pointerdown', unlock);
      document.removeEventListener('keydown', unlock);
    };
  }, []);
}
