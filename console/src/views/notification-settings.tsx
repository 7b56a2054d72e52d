import { useState } from 'preact/hooks';
import { askNotificationPermission, loadAlertPrefs, notificationPermission, storeAlertPrefs, type AlertPrefs, type Permission } from '../alert-prefs.js';
import { useT } from '../i18n/i18n.js';
import { chime } from '../sound.js';

/**
 * This browser's notifications and sound. The browser's permission is asked
 * for only from the button here; once given, a switch turns the notifications
 * off and on again (a page cannot take a permission back).
 */
export function NotificationSettings() {
  const t = useT();
  const [prefs, setPrefs] = useState<AlertPrefs>(loadAlertPrefs);
  const [permission, setPermission] = useState<Permission>(notificationPermission);
  const update = (change: Partial<AlertPrefs>) => {
    const next = { ...prefs, ...change };
    storeAlertPrefs(next);
    setPrefs(next);
  };
  const ask = async () => setPermission(await askNotificationPermission());

  return (
    <section class="account-section" aria-labelledby="notifications-title" data-testid="notification-settings">
      <h2 id="notifications-title">{t.notifications}</h2>
      <p class="muted">{t.notificationsLead}</p>
      <div data-testid="notify-permission" data-permission={permission}>
        {permission === 'unsupported' && <p>{t.notifyUnsupported}</p>}
        {permission === 'denied' && <p class="form-error">{t.notifyDenied}</p>}
        {permission === 'default' && (
          <button type="button" class="button primary" onClick={() => void ask()} data-testid="notify-ask">
            {t.notifyAsk}
          </button>
        )}
        {permission === 'granted' && (
          <label class="toggle">
            <input type="checkbox" checked={prefs.notify} onChange={(e) => update({ notify: e.currentTarget.checked })} data-testid="notify-show" />
            {t.notifyShow}
          </label>
        )}
      </div>
      <label class="toggle">
        <input
          type="checkbox"
          checked={prefs.sound}
          onChange={(e) => {
            update({ sound: e.currentTarget.checked });
            // What it sounds like, and the click lets the browser play it later.
            if (e.currentTarget.checked) chime();
          }}
          data-testid="notify-sound"
        />
        {t.notifySound}
      </label>
    </section>
  );
}
