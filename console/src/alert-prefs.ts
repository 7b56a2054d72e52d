/**
 * How this browser tells the agent about new requests and messages: browser
 * notifications (the Notification API, asked for from a button, never on
 * load) and a sound. Kept per browser in localStorage, not with the account:
 * an agent may want sound at the desk and silence on the laptop.
 */
export interface AlertPrefs {
  /** Show browser notifications (when the browser allows them). */
  notify: boolean;
  sound: boolean;
}

const STORAGE_KEY = 'relaydesk.console.alerts';
const DEFAULTS: AlertPrefs = { notify: true, sound: false };

export function loadAlertPrefs(): AlertPrefs {
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as Partial<AlertPrefs>;
    return { notify: stored.notify !== false, sound: stored.sound === true };
  } catch {
    // Storage blocked or the value damaged: the defaults.
    return DEFAULTS;
  }
}

export function storeAlertPrefs(prefs: AlertPrefs): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(prefs));
  } catch (err) {
    console.error('keeping the notification settings failed', err);
  }
}

export type Permission = NotificationPermission | 'unsupported';

export function notificationPermission(): Permission {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** Asks the browser; only ever called from a button the agent pressed. */
export async function askNotificationPermission(): Promise<Permission> {
  if (typeof Notification === 'undefined') return 'unsupported';
  try {
    return await Notification.requestPermission();
  } catch (err) {
    console.error('asking for notifications failed', err);
    return Notification.permission;
  }
}
