/**
 * The console's mass incident parts without a browser: the incident list as
 * live events change it, when the view asks again for delivery progress, how
 * a request's history entries read, the list's selection, the new incident's
 * body, the routes, and the strings in both languages.
 */
import { describe, expect, it } from 'vitest';
import { en } from '../../console/src/i18n/en.js';
import { ru } from '../../console/src/i18n/ru.js';
import {
  EMPTY_INCIDENT,
  INITIAL_INCIDENTS,
  deliveryTotal,
  fanOutInProgress,
  historyKind,
  incidentListReducer,
  isOpenIncident,
  newIncidentBody,
  selectedShown,
  splitNumbers,
  toIncidentView,
  toggled,
  type HistoryKind,
  type IncidentListState,
} from '../../console/src/incident-state.js';
import { parseRoute, routePath } from '../../console/src/router.js';
import type { StatusChangeView } from '../../src/console/console.api.js';
import type { IncidentDetailView, IncidentUpdateView, IncidentView } from '../../src/console/incidents.schemas.js';

const at = (min: number) => new Date(Date.UTC(2026, 11, 3, 12, min)).toISOString();

function incident(number: string, min: number, over: Partial<IncidentView> = {}): IncidentView {
  return {
    number,
    title: `Outage ${number}`,
    titles: { ru: `Сбой ${number}`, en: `Outage ${number}` },
    description: '',
    status: 'new',
    createdAt: at(min),
    updatedAt: at(min),
    closedAt: null,
    linkedCount: 0,
    openLinkedCount: 0,
    latestUpdate: null,
    ...over,
  };
}

function update(id: string, over: Partial<IncidentUpdateView> = {}): IncidentUpdateView {
  return { id, text: `update ${id}`, internal: false, agent: null, recipients: 2, queued: true, createdAt: at(5), deliveries: { delivered: 2, pending: 0, failed: 0 }, ...over };
}

function detail(over: Partial<IncidentDetailView> = {}): IncidentDetailView {
  return {
    ...incident('SR-10', 0),
    requests: [],
    updates: [],
    deliveries: { delivered: 0, pending: 0, failed: 0, byChannel: {} },
    statusChanges: [],
    ...over,
  };
}

function change(event: StatusChangeView['event'], comment: string | null = null): StatusChangeView {
  return { id: '1', from: 'new', to: 'new', comment, actor: { kind: 'agent', agent: { id: 'a', name: 'Ann' } }, event, incidentNumber: 'SR-10', createdAt: at(1) };
}

const loaded = (list: IncidentView[]): IncidentListState => incidentListReducer(INITIAL_INCIDENTS, { type: 'loaded', incidents: list });
const numbers = (s: IncidentListState) => s.incidents.map((i) => i.number);

describe('the incident list', () => {
  it('lists a declared incident first and replaces a changed one in place', () => {
    const s = loaded([incident('SR-9', 9), incident('SR-7', 7)]);
    const declared = incidentListReducer(s, { type: 'updated', incident: incident('SR-12', 12), tab: 'open' });
    expect(numbers(declared)).toEqual(['SR-12', 'SR-9', 'SR-7']);
    const linked = incidentListReducer(declared, { type: 'updated', incident: incident('SR-9', 9, { linkedCount: 3, openLinkedCount: 3 }), tab: 'open' });
    expect(numbers(linked)).toEqual(['SR-12', 'SR-9', 'SR-7']);
    expect(linked.incidents[1]!.linkedCount).toBe(3);
  });

  it('drops a solved or closed incident from the Open tab, and keeps it under All', () => {
    const s = loaded([incident('SR-9', 9), incident('SR-7', 7)]);
    const solved = incident('SR-9', 9, { status: 'solution_provided' });
    expect(numbers(incidentListReducer(s, { type: 'updated', incident: solved, tab: 'open' }))).toEqual(['SR-7']);
    expect(numbers(incidentListReducer(s, { type: 'updated', incident: solved, tab: 'all' }))).toEqual(['SR-9', 'SR-7']);
    // An older incident reopened shows again, in its place by age.
    const reopened = incident('SR-5', 5, { status: 'in_progress' });
    expect(numbers(incidentListReducer(s, { type: 'updated', incident: reopened, tab: 'open' }))).toEqual(['SR-9', 'SR-7', 'SR-5']);
  });

  it('orders incidents declared in the same millisecond by their number', () => {
    const s = loaded([]);
    const both = [incident('SR-99', 1), incident('SR-100', 1)].reduce((acc, i) => incidentListReducer(acc, { type: 'updated', incident: i, tab: 'all' }), s);
    expect(numbers(both)).toEqual(['SR-100', 'SR-99']);
  });

  it('counts as open what the server’s status=open counts', () => {
    expect((['new', 'in_progress', 'awaiting_customer', 'solution_provided', 'closed'] as const).filter(isOpenIncident)).toEqual(['new', 'in_progress', 'awaiting_customer']);
  });

  it('keeps a load’s failure until the next load', () => {
    const failed = incidentListReducer(INITIAL_INCIDENTS, { type: 'failed', error: 'down' });
    expect(failed).toMatchObject({ loading: false, error: 'down' });
    expect(incidentListReducer(failed, { type: 'loading' })).toMatchObject({ loading: true, error: null });
  });
});

describe('the incident view', () => {
  it('asks again while copies are pending or an update is not queued for everyone yet, and not otherwise', () => {
    expect(fanOutInProgress(detail())).toBe(false);
    expect(fanOutInProgress(detail({ deliveries: { delivered: 1, pending: 2, failed: 0, byChannel: {} } }))).toBe(true);
    expect(fanOutInProgress(detail({ updates: [update('1', { queued: false })] }))).toBe(true);
    // A note is never queued for anyone.
    expect(fanOutInProgress(detail({ updates: [update('1', { internal: true, queued: true, recipients: 0 })] }))).toBe(false);
    expect(fanOutInProgress(detail({ updates: [update('1')], deliveries: { delivered: 2, pending: 0, failed: 1, byChannel: {} } }))).toBe(false);
    expect(deliveryTotal({ delivered: 2, pending: 1, failed: 1 })).toBe(4);
  });

  it('gives the list the incident without its detail', () => {
    const d = detail({ requests: [{ number: 'SR-1', subject: 's', channel: 'webchat', status: 'new', customer: { id: 'c', displayName: null, locale: 'en', reachable: true } }] });
    expect(toIncidentView(d)).toEqual(incident('SR-10', 0));
  });

  it('sends a new incident trimmed, without empty titles per language', () => {
    expect(newIncidentBody({ title: '  Mail is down ', ru: ' ', en: ' Mail is down ', description: ' since 9:00 ' })).toEqual({
      title: 'Mail is down',
      description: 'since 9:00',
      titles: { en: 'Mail is down' },
    });
    expect(newIncidentBody(EMPTY_INCIDENT)).toEqual({ title: '', description: '', titles: {} });
  });
});

describe('a request’s history', () => {
  it('tells each incident event apart, and a customer’s “not solved” from an agent’s unlink', () => {
    expect(historyKind(change('status'))).toBe('status');
    expect(historyKind(change('incident_linked'))).toBe('linked');
    expect(historyKind(change('incident_unlinked'))).toBe('unlinked');
    expect(historyKind(change('incident_unlinked', 'not_solved'))).toBe('not_solved');
    expect(historyKind(change('incident_update'))).toBe('update');
    expect(historyKind(change('incident_cascade'))).toBe('cascade');
  });

  it('has words for every kind in both languages, the “not solved” one saying what the agent must know', () => {
    const kinds: Exclude<HistoryKind, 'status'>[] = ['linked', 'unlinked', 'not_solved', 'update', 'cascade'];
    for (const t of [en, ru]) for (const k of kinds) expect(t.historyEvent[k][0].length, k).toBeGreaterThan(5);
    expect(en.historyEvent.not_solved.join(' SR-10')).toBe('Left mass incident SR-10: the customer said its solution did not help. This request needs its own work.');
    expect(ru.historyEvent.not_solved.join(' SR-10')).toMatch(/^Вышло из массового инцидента SR-10: клиент ответил, что решение не помогло/);
  });
});

describe('the list’s selection', () => {
  it('toggles a number without changing the set it was given', () => {
    const none = new Set<string>();
    const one = toggled(none, 'SR-1');
    expect([...one]).toEqual(['SR-1']);
    expect(none.size).toBe(0);
    expect([...toggled(one, 'SR-1')]).toEqual([]);
  });

  it('acts only on the selected rows still listed, in the list’s order', () => {
    const rows = [{ number: 'SR-3' }, { number: 'SR-2' }, { number: 'SR-1' }];
    expect(selectedShown(new Set(['SR-1', 'SR-3', 'SR-9']), rows)).toEqual(['SR-3', 'SR-1']);
  });

  it('reads numbers typed with spaces, commas or lines, once each', () => {
    expect(splitNumbers(' sr-1, SR-2;\nSR-1  sr-3 ')).toEqual(['SR-1', 'SR-2', 'SR-3']);
    expect(splitNumbers(' , ')).toEqual([]);
  });
});

describe('routes and words', () => {
  it('has the incident list and each incident at an address of their own', () => {
    expect(parseRoute('/console/incidents')).toEqual({ name: 'incidents' });
    expect(parseRoute('/console/incidents/SR-10')).toEqual({ name: 'incident', number: 'SR-10' });
    expect(parseRoute('/console/incidents/SR-10/')).toEqual({ name: 'incident', number: 'SR-10' });
    expect(routePath({ name: 'incident', number: 'SR-10' })).toBe('/console/incidents/SR-10');
    expect(routePath({ name: 'incidents' })).toBe('/console/incidents');
  });

  it('counts in Russian with the right plural forms', () => {
    expect(ru.linkedCount(1, 1)).toBe('1 привязанное обращение, открыто 1');
    expect(ru.linkedCount(3, 2)).toBe('3 привязанных обращения, открыто 2');
    expect(ru.linkedCount(11, 0)).toBe('11 привязанных обращений, открыто 0');
    expect(ru.sendUpdate(21)).toBe('Отправить 21 клиенту');
    expect(ru.linkedTo(2, 'SR-10')).toBe('2 обращения привязаны к SR-10.');
    expect(en.sendUpdate(1)).toBe('Send to 1 customer');
    expect(en.linkedTo(3, 'SR-10')).toBe('3 requests linked to SR-10.');
  });
});
