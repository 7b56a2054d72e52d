import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useI18n } from '../i18n/i18n.js';
import { LIMITS } from '../layout.js';
import { dateTime } from '../format.js';
import type { AgentRole, AgentView } from '../types.js';
import { AddAgentForm } from './add-agent-form.js';
import { PromptDialog } from './dialog.js';
import { errorText, useNotify } from './notices.js';

/** Admins only: the desk's agents, their names and roles and whether they can sign in. */
export function AgentsPage({ me, onMe }: { me: AgentView; onMe(a: AgentView): void }) {
  const { t } = useI18n();
  const notify = useNotify();
  const [agents, setAgents] = useState<AgentView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [passwordFor, setPasswordFor] = useState<AgentView | null>(null);
  const [renaming, setRenaming] = useState<AgentView | null>(null);

  useEffect(() => {
    api.agents().then(
      (r) => setAgents(r.agents),
      (err) => setError(errorText(t, err)),
    );
  }, []);

  const replace = (a: AgentView) => {
    setAgents((list) => (list ?? []).map((x) => (x.id === a.id ? a : x)));
    if (a.id === me.id) onMe(a);
  };
  const patch = (a: AgentView, change: { role?: AgentRole; active?: boolean }) =>
    api.updateAgent(a.id, change).then(replace, (err) => notify(errorText(t, err), 'error'));

  return (
    <main class="page agents-page">
      <h1>{t.agents}</h1>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {agents === null && !error && <p class="muted">{t.loading}</p>}
      {agents && (
        <table class="agents" data-testid="agents-table">
          <thead>
            <tr>
              <th scope="col">{t.name}</th>
              <th scope="col">{t.email}</th>
              <th scope="col">{t.role}</th>
              <th scope="col">{t.state}</th>
              <th scope="col">
                <span class="visually-hidden">{t.actions}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {agents.map((a) => (
              <AgentRow
                key={a.id}
                a={a}
                self={a.id === me.id}
                onPatch={(c) => void patch(a, c)}
                onRename={() => setRenaming(a)}
                onPassword={() => setPasswordFor(a)}
              />
            ))}
          </tbody>
        </table>
      )}
      <AddAgentForm onAdded={(a) => setAgents((list) => [...(list ?? []), a])} />
      {renaming && (
        <PromptDialog
          title={t.renameTitle(renaming.name)}
          label={t.name}
          submitLabel={t.save}
          multiline={false}
          initial={renaming.name}
          maxLength={LIMITS.name}
          onSubmit={async (name) => replace(await api.updateAgent(renaming.id, { name }))}
          onClose={() => setRenaming(null)}
          testid="rename-dialog"
        />
      )}
      {passwordFor && (
        <PromptDialog
          title={t.setPassword}
          label={t.newPasswordFor(passwordFor.name)}
          submitLabel={t.save}
          multiline={false}
          inputType="password"
          minLength={LIMITS.passwordMin}
          onSubmit={async (password) => {
            await api.updateAgent(passwordFor.id, { password });
            notify(t.passwordSet);
          }}
          onClose={() => setPasswordFor(null)}
          testid="password-dialog"
        />
      )}
    </main>
  );
}

interface AgentRowProps {
  a: AgentView;
  /** The signed-in admin: they cannot demote or deactivate themselves from here (and lock the desk out). */
  self: boolean;
  onPatch(change: { role?: AgentRole; active?: boolean }): void;
  onRename(): void;
  onPassword(): void;
}

function AgentRow({ a, self, onPatch, onRename, onPassword }: AgentRowProps) {
  const { t, locale } = useI18n();
  return (
    <tr data-testid="agent-row" data-email={a.email} class={a.active ? '' : 'inactive'}>
      <td>
        {a.name} {self && <span class="muted">({t.you})</span>}
        <div class="muted small" title={dateTime(a.createdAt, locale)}>
          {dateTime(a.createdAt, locale)}
        </div>
      </td>
      <td>{a.email}</td>
      <td>
        <select
          aria-label={`${t.role}: ${a.name}`}
          value={a.role}
          disabled={self}
          onChange={(e) => onPatch({ role: e.currentTarget.value === 'admin' ? 'admin' : 'agent' })}
          data-testid="agent-role"
        >
          <option value="agent">{t.roles.agent}</option>
          <option value="admin">{t.roles.admin}</option>
        </select>
      </td>
      <td>
        <span class={`badge ${a.active ? 'status-solution_provided' : 'status-closed'}`}>{a.active ? t.active : t.inactive}</span>
      </td>
      <td class="row-buttons">
        <div>
          <button type="button" class="button" onClick={onRename} data-testid="agent-rename">
            {t.rename}
          </button>
          <button type="button" class="button" disabled={self} onClick={() => onPatch({ active: !a.active })} data-testid="agent-toggle-active">
            {a.active ? t.deactivate : t.activate}
          </button>
          <button type="button" class="button" onClick={onPassword} data-testid="agent-set-password">
            {t.setPassword}
          </button>
        </div>
      </td>
    </tr>
  );
}
