/**
 * Which live events the console tells the agent of with a notification and a
 * sound (console/src/attention.ts), without a browser.
 */
import { describe, expect, it } from 'vitest';
import { AttentionTracker, type AttentionContext } from '../../console/src/attention.js';
import { parseRoute, routePath } from '../../console/src/router.js';
import type { MessageView, RequestListItem } from '../../src/console/console.api.js';

const AT = '2025-01-01T12:00:00.000Z';
const ME = 'me';
const away: AttentionContext = { myId: ME, openNumber: null, visible: true };

function row(number: string, assigneeId: string | null): RequestListItem {
  return {
    id: number,
    number,
    type: 'incident',
    subject: `Subject of ${number}`,
    status: 'in_progress',
    channel: 'telegram',
    customer: { id: `c-${number}`, channel: 'telegram', displayName: 'Maria', email: null, phone: null, locale: 'ru', reachable: true },
    assignee: assigneeId ? { id: assigneeId, name: assigneeId } : null,
    createdAt: AT,
    lastActivityAt: AT,
    lastMessage: null,
    unread: 0,
    incident: null,
  };
}

function message(author: MessageView['author'], text: string, internal = false): MessageView {
  return {
    id: text,
    direction: author === 'customer' ? 'inbound' : 'outbound',
    author,
    agent: null,
    text,
    internal,
    deliveryState: 'received',
    deliveryError: null,
    chosen: null,
    choices: [],
    attachments: [],
    createdAt: AT,
  };
}

describe('what deserves the agent’s attention', () => {
  it('a new request, unless the agent made it themselves (a taken-over intake comes assigned to them)', () => {
    const t = new AttentionTracker();
    expect(t.created(row('SR-1', null), away)).toEqual({ kind: 'request', number: 'SR-1', subject: 'Subject of SR-1', customer: 'Maria' });
    expect(t.created(row('SR-2', 'bob'), away)).toMatchObject({ kind: 'request', number: 'SR-2' });
    expect(t.created(row('SR-3', ME), away)).toBeNull();
  });

  it('a customer message in a request assigned to the agent, decided by the row that follows it', () => {
    const t = new AttentionTracker();
    t.message('SR-1', message('customer', 'Any news?'));
    expect(t.updated(row('SR-1', ME), away)).toEqual({ kind: 'message', number: 'SR-1', customer: 'Maria', text: 'Any news?' });
    // Once: a later row without a new message (a status change) says nothing.
    expect(t.updated(row('SR-1', ME), away)).toBeNull();
  });

  it('not a message in someone else’s request, nor in an unassigned one', () => {
    const t = new AttentionTracker();
    t.message('SR-1', message('customer', 'For Bob'));
    expect(t.updated(row('SR-1', 'bob'), away)).toBeNull();
    t.message('SR-2', message('customer', 'For nobody'));
    expect(t.updated(row('SR-2', null), away)).toBeNull();
  });

  it('not the agents’ or the bot’s messages, nor internal notes', () => {
    const t = new AttentionTracker();
    for (const m of [message('agent', 'We are on it'), message('bot', 'Request created'), message('agent', 'note', true), message('system', 'closed')]) {
      t.message('SR-1', m);
      expect(t.updated(row('SR-1', ME), away), m.text ?? '').toBeNull();
    }
  });

  it('not while the request is open in a visible tab; yes when the tab is hidden or another request is open', () => {
    const t = new AttentionTracker();
    t.message('SR-1', message('customer', 'one'));
    expect(t.updated(row('SR-1', ME), { myId: ME, openNumber: 'SR-1', visible: true })).toBeNull();
    t.message('SR-1', message('customer', 'two'));
    expect(t.updated(row('SR-1', ME), { myId: ME, openNumber: 'SR-1', visible: false })).toMatchObject({ text: 'two' });
    t.message('SR-1', message('customer', 'three'));
    expect(t.updated(row('SR-1', ME), { myId: ME, openNumber: 'SR-2', visible: true })).toMatchObject({ text: 'three' });
  });

  it('forgets messages whose row never came, past a bound', () => {
    const t = new AttentionTracker();
    for (let i = 0; i < 500; i++) t.message(`SR-${i}`, message('customer', `m${i}`));
    expect(t.updated(row('SR-0', ME), away)).toBeNull();
    expect(t.updated(row('SR-499', ME), away)).toMatchObject({ text: 'm499' });
  });
});

describe('the pages of issue 11', () => {
  it('have routes of their own; anything else is the list', () => {
    for (const name of ['settings', 'account', 'drafts'] as const) {
      expect(parseRoute(`/console/${name}`)).toEqual({ name });
      expect(routePath({ name })).toBe(`/console/${name}`);
    }
    expect(parseRoute('/console/requests')).toEqual({ name: 'list' });
    expect(parseRoute('/console/nothing-here')).toEqual({ name: 'list' });
  });
});
