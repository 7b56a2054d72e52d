import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { useT } from '../i18n/i18n.js';
import { LIMITS } from '../layout.js';
import type { AgentRole, AgentView } from '../types.js';
import { errorText, useNotify } from './notices.js';

const EMPTY = { email: '', name: '', password: '', role: 'agent' as AgentRole };

export function AddAgentForm({ onAdded }: { onAdded(a: AgentView): void }) {
  const t = useT();
  const notify = useNotify();
  const [form, setForm] = useState(EMPTY);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const field = (key: keyof typeof EMPTY) => ({
    id: `agent-${key}`,
    value: form[key],
    'data-testid': `agent-add-${key}`,
    onInput: (e: Event) => setForm({ ...form, [key]: (e.currentTarget as HTMLInputElement).value }),
  });

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const agent = await api.createAgent({ ...form, email: form.email.trim(), name: form.name.trim() });
      onAdded(agent);
      notify(t.agentAdded(agent.name));
      setForm(EMPTY);
    } catch (err) {
      setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="add-agent" onSubmit={submit} data-testid="agent-add-form">
      <h2>{t.addAgent}</h2>
      <div class="add-agent-fields">
        <div class="stack">
          <label for="agent-name">{t.name}</label>
          <input required maxLength={LIMITS.name} autoComplete="off" {...field('name')} />
        </div>
        <div class="stack">
          <label for="agent-email">{t.email}</label>
          <input type="email" required autoComplete="off" {...field('email')} />
        </div>
        <div class="stack">
          <label for="agent-password">{t.password}</label>
          <input type="password" required minLength={LIMITS.passwordMin} autoComplete="new-password" {...field('password')} />
        </div>
        <div class="stack">
          <label for="agent-role">{t.role}</label>
          <select {...field('role')} onChange={(e) => setForm({ ...form, role: e.currentTarget.value === 'admin' ? 'admin' : 'agent' })}>
            <option value="agent">{t.roles.agent}</option>
            <option value="admin">{t.roles.admin}</option>
          </select>
        </div>
        <button type="submit" class="button primary" disabled={busy} data-testid="agent-add-submit">
          {t.add}
        </button>
      </div>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
