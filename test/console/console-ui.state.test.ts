/**
 * The console's pure parts, without a browser: how the request list and the
 * open request follow live events, the status graph behind the action
 * buttons, typing signals, keyboard moves, images for replies, the body of a
 * reply, channel states (labels, colours, alerts, the QR code as an image),
 * and the two dictionaries.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, messageBody } from '../../console/src/api.js';
import { AlertGate, attentionList, channelsReducer, needsAttention, stateLabel, stateTone, svgDataUrl } from '../../console/src/channel-state.js';
import { en } from '../../console/src/i18n/en.js';
import { ru } from '../../console/src/i18n/ru.js';
import { relativeTime } from '../../console/src/format.js';
import { isSendableImage, MAX_IMAGES, sortFiles, uploadErrorText } from '../../console/src/images.js';
import { moveFocus } from '../../console/src/keys.js';
import { INITIAL_LIST, listReducer, matchesFilters, rowFilter, toQuery, DEFAULT_FILTERS, type ListState, type RowFilter } from '../../console/src/list-state.js';
import { INITIAL_REQUEST, requestReducer, timeline, type RequestAction, type RequestState } from '../../console/src/request-state.js';
import { canMove, STATUS_MOVES } from '../../console/src/status-graph.js';
import { TypingSignal } from '../../console/src/typing.js';
import { parseRoute, routePath } from '../../console/src/router.js';
import type { ChannelStatusView, MessageView, RequestListItem, RequestView, StatusChangeView } from '../../src/console/console.api.js';

const at = (min: number) => new Date(Date.UTC(2025, 0, 1, 12, min)).toISOString();

function row(number: string, min: number, over: Partial<RequestListItem> = {}): RequestListItem {
  return {
    id: number,
    number,
    type: 'incident',
    subject: `Subject of ${number}`,
    status: 'new',
    channel: 'webchat',
    customer: { id: `c-${number}`, channel: 'webchat', displayName: 'Maria', email: null, phone: null, locale: 'en', reachable: true },
    assignee: null,
    createdAt: at(0),
    lastActivityAt: at(min),
    lastMessage: null,
    unread: 0,
    incident: null,
    ...over,
  };
}

function message(id: string, min: number, over: Partial<MessageView> = {}): MessageView {
  return {
    id,
    direction: 'inbound',
    author: 'customer',
    agent: null,
    text: `message ${id}`,
    internal: false,
    deliveryState: 'received',
    deliveryError: null,
    chosen: null,
    choices: [],
    attachments: [],
    createdAt: at(min),
    ...over,
  };
}

function change(id: string, min: number, from: StatusChangeView['from'], to: StatusChangeView['to']): StatusChangeView {
  return { id, from, to, comment: null, actor: { kind: 'agent', agent: { id: 'a1', name: 'Anna' } }, event: 'status', incidentNumber: null, createdAt: at(min) };
}

/** Every row matches (the "All" tab, no other filter). */
const ALL: RowFilter = { lists: () => true, keeps: () => true };
const NONE: RowFilter = { lists: () => false, keeps: () => false };

const listed = (rows: RequestListItem[], openNumber: string | null = null): ListState =>
  listReducer({ ...INITIAL_LIST, openNumber }, { type: 'loaded', page: { requests: rows, nextCursor: 'c1' }, append: false });

describe('the request list', () => {
  it('loads pages, appending without duplicates', () => {
    let s = listed([row('SR-3', 3), row('SR-2', 2)]);
    expect(s).toMatchObject({ loading: false, nextCursor: 'c1' });
    s = listReducer(s, { type: 'loaded', page: { requests: [row('SR-2', 2), row('SR-1', 1)], nextCursor: null }, append: true });
    expect(s.rows.map((r) => r.number)).toEqual(['SR-3', 'SR-2', 'SR-1']);
    expect(s.nextCursor).toBeNull();
  });

  it('puts a created request on top when it matches the filters, and ignores it otherwise', () => {
    const s = listed([row('SR-1', 1)]);
    expect(listReducer(s, { type: 'created', request: row('SR-2', 5, { unread: 3 }), filter: ALL }).rows.map((r) => [r.number, r.unread])).toEqual([
      ['SR-2', 3],
      ['SR-1', 0],
    ]);
    expect(listReducer(s, { type: 'created', request: row('SR-2', 5), filter: NONE })).toBe(s);
  });

  it('counts customer messages as unread, except on the open request, and moves the row up', () => {
    let s = listed([row('SR-2', 2), row('SR-1', 1)], 'SR-2');
    s = listReducer(s, { type: 'message', requestNumber: 'SR-1', message: message('m1', 10) });
    s = listReducer(s, { type: 'message', requestNumber: 'SR-1', message: message('m2', 11, { author: 'bot', direction: 'outbound' }) });
    s = listReducer(s, { type: 'message', requestNumber: 'SR-2', message: message('m3', 12) });
    expect(s.rows.map((r) => [r.number, r.unread])).toEqual([
      ['SR-2', 0],
      ['SR-1', 1],
    ]);
    expect(s.rows[1]!.lastMessage).toEqual({ author: 'bot', text: 'message m2', createdAt: at(11) });
  });

  it('keeps the preview off internal notes', () => {
    let s = listed([row('SR-1', 1, { lastMessage: { author: 'customer', text: 'help', createdAt: at(1) } })]);
    s = listReducer(s, { type: 'message', requestNumber: 'SR-1', message: message('n1', 5, { author: 'agent', internal: true, deliveryState: 'internal' }) });
    expect(s.rows[0]!.lastMessage?.text).toBe('help');
    expect(s.rows[0]!.lastActivityAt).toBe(at(5));
  });

  it('keeps its own unread count when request_updated brings 0, and clears it on opening', () => {
    let s = listed([row('SR-1', 1, { unread: 2 })]);
    s = listReducer(s, { type: 'updated', request: row('SR-1', 4, { status: 'in_progress', unread: 0 }), filter: ALL });
    expect(s.rows[0]).toMatchObject({ status: 'in_progress', unread: 2, lastActivityAt: at(4) });
    s = listReducer(s, { type: 'opened', requestNumber: 'SR-1' });
    expect(s.rows[0]!.unread).toBe(0);
    expect(s.openNumber).toBe('SR-1');
  });

  it('drops a listed row that stops matching, and does not list an updated one that does not match', () => {
    const open = rowFilter(DEFAULT_FILTERS, 'me');
    let s = listed([row('SR-2', 2), row('SR-1', 1)]);
    s = listReducer(s, { type: 'updated', request: row('SR-1', 3, { status: 'closed' }), filter: open });
    expect(s.rows.map((r) => r.number)).toEqual(['SR-2']);
    expect(listReducer(s, { type: 'updated', request: row('SR-9', 9, { status: 'closed' }), filter: open }).rows).toHaveLength(1);
    expect(listReducer(s, { type: 'updated', request: row('SR-9', 9), filter: open }).rows[0]!.number).toBe('SR-9');
  });

  it('keeps a row found by the search when an update does not show why it matched (the server also searches descriptions)', () => {
    const search = rowFilter({ ...DEFAULT_FILTERS, q: 'toner' }, 'me');
    let s = listed([row('SR-1', 1)]);
    s = listReducer(s, { type: 'updated', request: row('SR-1', 2, { status: 'in_progress' }), filter: search });
    expect(s.rows.map((r) => [r.number, r.status])).toEqual([['SR-1', 'in_progress']]);
    expect(listReducer(s, { type: 'status', requestNumber: 'SR-1', status: 'closed', filter: search }).rows).toEqual([]);
  });

  it('applies status changes and assignments to rows, dropping those that leave the filter', () => {
    let s = listed([row('SR-1', 1), row('SR-2', 2)]);
    s = listReducer(s, { type: 'status', requestNumber: 'SR-1', status: 'awaiting_customer', filter: ALL });
    s = listReducer(s, { type: 'assigned', requestNumber: 'SR-1', assignee: { id: 'a1', name: 'Anna' }, filter: ALL });
    expect(s.rows.find((r) => r.number === 'SR-1')).toMatchObject({ status: 'awaiting_customer', assignee: { id: 'a1', name: 'Anna' } });
    const annas = rowFilter({ ...DEFAULT_FILTERS, tab: 'all', assignee: 'me' }, 'a1');
    s = listReducer(s, { type: 'assigned', requestNumber: 'SR-1', assignee: null, filter: annas });
    expect(s.rows.map((r) => r.number)).toEqual(['SR-2']);
    s = listReducer(s, { type: 'status', requestNumber: 'SR-2', status: 'closed', filter: rowFilter(DEFAULT_FILTERS, 'a1') });
    expect(s.rows).toEqual([]);
  });

  it('turns filters into the query and matches announced requests against them', () => {
    expect(toQuery(DEFAULT_FILTERS, null)).toEqual({ status: 'new,in_progress', limit: 30 });
    expect(toQuery({ tab: 'all', type: 'consultation', channel: 'telegram', assignee: 'none', q: '  VAT ' }, 'next')).toEqual({
      type: 'consultation',
      channel: 'telegram',
      assignee: 'none',
      q: 'VAT',
      cursor: 'next',
      limit: 30,
    });
    const mine = row('SR-7', 1, { assignee: { id: 'me', name: 'Me' }, status: 'in_progress' });
    expect(matchesFilters(mine, { ...DEFAULT_FILTERS, assignee: 'me' }, 'me')).toBe(true);
    expect(matchesFilters(mine, { ...DEFAULT_FILTERS, assignee: 'none' }, 'me')).toBe(false);
    expect(matchesFilters(mine, { ...DEFAULT_FILTERS, tab: 'closed' }, 'me')).toBe(false);
    expect(matchesFilters(mine, { ...DEFAULT_FILTERS, q: 'sr-7' }, 'me')).toBe(true);
    expect(matchesFilters(mine, { ...DEFAULT_FILTERS, q: 'maria' }, 'me')).toBe(true);
    expect(matchesFilters(mine, { ...DEFAULT_FILTERS, q: 'nothing' }, 'me')).toBe(false);
  });

  it('filters by any agent, by id', () => {
    expect(toQuery({ ...DEFAULT_FILTERS, assignee: 'agent-7' }, null)).toEqual({ status: 'new,in_progress', assignee: 'agent-7', limit: 30 });
    const bobs = row('SR-8', 1, { assignee: { id: 'bob', name: 'Bob' } });
    const byBob = { ...DEFAULT_FILTERS, assignee: 'bob' };
    expect(matchesFilters(bobs, byBob, 'me')).toBe(true);
    expect(matchesFilters(bobs, { ...byBob, assignee: 'ann' }, 'me')).toBe(false);
    expect(matchesFilters(row('SR-9', 1), byBob, 'me')).toBe(false);
    expect(matchesFilters(row('SR-9', 1), { ...DEFAULT_FILTERS, assignee: 'none' }, 'me')).toBe(true);
    expect(matchesFilters(bobs, { ...DEFAULT_FILTERS, assignee: 'me' }, 'bob')).toBe(true);
  });
});

describe('the open request', () => {
  const base: RequestView = {
    ...row('SR-1', 1),
    description: 'It broke',
    closedAt: null,
    messages: [message('1', 1)],
    statusHistory: [change('10', 0, null, 'new')],
    attachments: [],
  };
  const loaded = requestReducer(INITIAL_REQUEST, { type: 'loaded', request: base });
  const reply = message('2', 3, { author: 'agent', direction: 'outbound', agent: { id: 'a1', name: 'Anna' }, deliveryState: 'pending' });
  const apply = (s: RequestState, ...actions: RequestAction[]) => actions.reduce(requestReducer, s);

  it('adds a reply once, whether the POST answer or the socket event comes first', () => {
    const r = apply(loaded, { type: 'message', message: reply }, { type: 'message', message: reply }).request!;
    expect(r.messages.map((m) => m.id)).toEqual(['1', '2']);
  });

  it('updates delivery states, never back to pending', () => {
    let s = apply(loaded, { type: 'message', message: reply }, { type: 'message_status', messageId: '2', deliveryState: 'failed', deliveryError: 'blocked' });
    expect(s.request!.messages[1]).toMatchObject({ deliveryState: 'failed', deliveryError: 'blocked' });
    s = requestReducer(s, { type: 'message', message: reply });
    expect(s.request!.messages[1]).toMatchObject({ deliveryState: 'failed', deliveryError: 'blocked' });
  });

  it('keeps a delivery status that comes before its message, and applies it when the message arrives', () => {
    let s = requestReducer(loaded, { type: 'message_status', messageId: '2', deliveryState: 'sent', deliveryError: null });
    expect(s.request!.messages).toHaveLength(1);
    s = apply(s, { type: 'message', message: reply }, { type: 'message', message: reply });
    expect(s.request!.messages[1]).toMatchObject({ id: '2', deliveryState: 'sent' });
    expect(s.early).toEqual({});
  });

  it('records a status change once and follows assignments and row updates, keeping the conversation', () => {
    const moved = change('11', 4, 'new', 'closed');
    let s = apply(loaded, { type: 'status_changed', change: moved }, { type: 'status_changed', change: moved });
    expect(s.request).toMatchObject({ status: 'closed', closedAt: at(4) });
    expect(s.request!.statusHistory).toHaveLength(2);
    s = requestReducer(s, { type: 'assigned', assignee: { id: 'a2', name: 'Bob' } });
    expect(s.request!.assignee).toEqual({ id: 'a2', name: 'Bob' });
    s = requestReducer(s, { type: 'updated', request: row('SR-1', 9, { subject: 'New subject', unread: 4 }) });
    expect(s.request).toMatchObject({ subject: 'New subject', unread: 0, description: 'It broke', assignee: null });
    expect(s.request!.messages).toHaveLength(1);
  });

  it('ignores events before the request is loaded', () => {
    expect(requestReducer(INITIAL_REQUEST, { type: 'message', message: reply })).toBe(INITIAL_REQUEST);
  });

  it('interleaves messages and status changes in time order', () => {
    const r = apply(loaded, { type: 'message', message: reply }, { type: 'status_changed', change: change('11', 2, 'new', 'in_progress') }).request!;
    expect(timeline(r).map((i) => (i.kind === 'message' ? `m${i.message.id}` : `s${i.change.to}`))).toEqual(['snew', 'm1', 'sin_progress', 'm2']);
  });
});

describe('the status graph behind the action buttons', () => {
  it('allows exactly the documented moves', () => {
    expect(STATUS_MOVES).toEqual({
      new: ['in_progress', 'awaiting_customer', 'solution_provided', 'closed'],
      in_progress: ['awaiting_customer', 'solution_provided', 'closed'],
      awaiting_customer: ['in_progress', 'solution_provided', 'closed'],
      solution_provided: ['in_progress', 'closed'],
      closed: ['in_progress'],
    });
    expect(canMove('closed', 'in_progress')).toBe(true);
    expect(canMove('solution_provided', 'awaiting_customer')).toBe(false);
    expect(canMove('in_progress', 'in_progress')).toBe(false);
  });
});

describe('keys that move the focus', () => {
  const list = { wrap: false, letters: true };
  const menu = { wrap: true, letters: false };

  it.each([
    ['ArrowDown', 1, list, 2],
    ['ArrowDown', 4, list, 4],
    ['ArrowDown', 4, menu, 0],
    ['ArrowUp', 0, list, 0],
    ['ArrowUp', 0, menu, 4],
    ['j', 1, list, 2],
    ['k', 1, list, 0],
    ['j', 1, menu, null],
    ['Home', 3, list, 0],
    ['End', 1, menu, 4],
    ['Enter', 1, list, null],
    ['J', 1, list, null],
  ] as const)('%s from %i moves to %s', (key, from, options, to) => {
    expect(moveFocus(key, from, 5, options)).toBe(to);
  });

  it('moves nowhere in an empty list', () => {
    expect(moveFocus('ArrowDown', -1, 0, list)).toBeNull();
  });
});

describe('images for replies', () => {
  const file = (name: string, type: string) => ({ name, type });

  it('takes PNG, JPEG, WebP and GIF only', () => {
    expect(['image/png', 'image/jpeg', 'image/webp', 'image/gif'].every((type) => isSendableImage({ type }))).toBe(true);
    expect(['image/svg+xml', 'image/bmp', 'text/plain', ''].some((type) => isSendableImage({ type }))).toBe(false);
  });

  it('says which files were left out, and keeps to the ten a reply can carry', () => {
    const { accepted, errors } = sortFiles(en, [file('a.png', 'image/png'), file('b.svg', 'image/svg+xml'), file('c.gif', 'image/gif')], 0);
    expect(accepted.map((f) => f.name)).toEqual(['a.png', 'c.gif']);
    expect(errors).toEqual(['“b.svg” was not attached: only PNG, JPEG, WebP or GIF images can be sent.']);
    const full = sortFiles(en, [file('d.png', 'image/png'), file('e.png', 'image/png')], MAX_IMAGES - 1);
    expect(full.accepted.map((f) => f.name)).toEqual(['d.png']);
    expect(full.errors).toEqual(['At most 10 images per reply.']);
    expect(sortFiles(ru, [file('', 'text/plain')], 0).errors).toEqual(['«Файл» не прикреплён: отправить можно только изображения PNG, JPEG, WebP или GIF.']);
  });

  it('explains the refusals of the upload, in the agent’s language', () => {
    expect(uploadErrorText(en, new ApiError(415, 'unsupported_media_type', 'only PNG… (it looks like text/x-shellscript)'), 'x.png')).toBe(
      '“x.png” was not attached: only PNG, JPEG, WebP or GIF images can be sent.',
    );
    expect(uploadErrorText(en, new ApiError(413, 'payload_too_large', 'the file is larger than 10 MB'), 'big.png')).toBe('“big.png” was not attached: it is too large (at most 10 MB).');
    expect(uploadErrorText(ru, new ApiError(413, 'payload_too_large', 'the file is larger than 10 MB'), 'big.png')).toBe('«big.png» не прикреплён: файл слишком большой (не больше 10 МБ).');
    expect(uploadErrorText(en, new ApiError(413, 'payload_too_large', 'Request body is too large'), 'big.png')).toBe('“big.png” was not attached: it is too large.');
    expect(uploadErrorText(en, new ApiError(404, 'not_found', 'no such request'), 'a.png')).toBeNull();
    expect(uploadErrorText(en, new Error('boom'), 'a.png')).toBeNull();
  });

  it('sends text only when there is some, and images only with replies', () => {
    expect(messageBody({ text: '  Hello  ', internal: false, attachmentIds: [] })).toEqual({ text: 'Hello', internal: false });
    expect(messageBody({ text: ' ', internal: false, attachmentIds: ['a1', 'a2'] })).toEqual({ internal: false, attachmentIds: ['a1', 'a2'] });
    expect(messageBody({ text: 'See this', internal: false, attachmentIds: ['a1'] })).toEqual({ text: 'See this', internal: false, attachmentIds: ['a1'] });
    expect(messageBody({ text: 'A note', internal: true, attachmentIds: ['a1'] })).toEqual({ text: 'A note', internal: true });
  });
});

describe('typing signals', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('says typing once, again every 2.5 s of typing, and stopped after 3 s of quiet', () => {
    const sent: boolean[] = [];
    const signal = new TypingSignal((on) => sent.push(on), () => Date.now());
    signal.input();
    vi.advanceTimersByTime(1000);
    signal.input();
    expect(sent).toEqual([true]);
    vi.advanceTimersByTime(1600);
    signal.input();
    expect(sent).toEqual([true, true]);
    vi.advanceTimersByTime(2999);
    expect(sent).toEqual([true, true]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([true, true, false]);
  });

  it('says stopped at once on stop(), and only if it said typing', () => {
    const sent: boolean[] = [];
    const signal = new TypingSignal((on) => sent.push(on));
    signal.stop();
    signal.input();
    signal.stop();
    signal.stop();
    vi.advanceTimersByTime(5000);
    expect(sent).toEqual([true, false]);
  });
});

describe('channel states', () => {
  const WHATSAPP_STATES = ['off', 'standby', 'starting', 'waiting_for_scan', 'ready', 'disconnected', 'logged_out'];
  const status = (state: string, min: number, over: Partial<ChannelStatusView> = {}): ChannelStatusView => ({
    channel: 'whatsapp',
    state,
    reason: null,
    since: at(min),
    qrSvg: null,
    ...over,
  });

  it('label every WhatsApp state in both languages, and an unknown one by its name', () => {
    for (const state of WHATSAPP_STATES) {
      expect(en.channelState[state], state).toBeTruthy();
      expect(ru.channelState[state], state).toBeTruthy();
      expect(en.channelHint[state], state).toBeTruthy();
      expect(ru.channelHint[state], state).toBeTruthy();
    }
    expect(stateLabel(en.channelState, 'waiting_for_scan')).toBe('Waiting for a QR scan');
    expect(stateLabel(ru.channelState, 'logged_out')).toBe('Отвязан с телефона');
    expect(stateLabel(en.channelState, 'paused_by_server')).toBe('paused by server');
    expect(stateLabel(en.channelState, 'constructor')).toBe('constructor');
    expect(en.channelAlert('WhatsApp', en.channelState.logged_out!)).toBe('WhatsApp: logged out from the phone');
    expect(ru.channelAlert('WhatsApp', ru.channelState.waiting_for_scan!)).toBe('WhatsApp: ждёт сканирования QR-кода');
    expect(ru.channelsAlert(2)).toBe('2 канала требуют внимания');
    expect(ru.channelsAlert(5)).toBe('5 каналов требуют внимания');
  });

  it('colour ready green, a scan amber, a broken link red, the rest blue or grey', () => {
    expect(Object.fromEntries(WHATSAPP_STATES.map((s) => [s, stateTone(s)]))).toEqual({
      off: 'idle',
      standby: 'idle',
      starting: 'busy',
      waiting_for_scan: 'warn',
      ready: 'ok',
      disconnected: 'bad',
      logged_out: 'bad',
    });
    expect(stateTone('something_new')).toBe('idle');
  });

  it('need attention while waiting for a scan, disconnected or logged out, the red ones first', () => {
    expect(WHATSAPP_STATES.filter(needsAttention)).toEqual(['waiting_for_scan', 'disconnected', 'logged_out']);
    const list = [status('waiting_for_scan', 1, { channel: 'a' }), status('ready', 1, { channel: 'b' }), status('disconnected', 1, { channel: 'c' })];
    expect(attentionList(list).map((c) => c.channel)).toEqual(['c', 'a']);
    expect(attentionList([status('ready', 1), status('starting', 2, { channel: 'x' })])).toEqual([]);
  });

  it('follow events, a new QR code replacing the old one, a late older event ignored', () => {
    let state = channelsReducer(null, { type: 'loaded', channels: [status('starting', 1)] });
    state = channelsReducer(state, { type: 'status', status: status('waiting_for_scan', 2, { qrSvg: '<svg>1</svg>' }) });
    state = channelsReducer(state, { type: 'status', status: status('waiting_for_scan', 3, { qrSvg: '<svg>2</svg>' }) });
    expect(state).toEqual([status('waiting_for_scan', 3, { qrSvg: '<svg>2</svg>' })]);
    // ready was announced before the code drawn just before it.
    state = channelsReducer(state, { type: 'status', status: status('ready', 5) });
    state = channelsReducer(state, { type: 'status', status: status('waiting_for_scan', 4, { qrSvg: '<svg>3</svg>' }) });
    expect(state).toEqual([status('ready', 5)]);
    // Same millisecond: the later arrival wins.
    state = channelsReducer(state, { type: 'status', status: status('logged_out', 6) });
    state = channelsReducer(state, { type: 'status', status: status('starting', 6) });
    expect(state![0]!.state).toBe('starting');
    // A list loaded before the last event but answered after it keeps the event.
    state = channelsReducer(state, { type: 'loaded', channels: [status('disconnected', 5), status('ready', 1, { channel: 'other' })] });
    expect(state!.map((c) => c.state)).toEqual(['starting', 'ready']);
    // An event before the list arrived is kept, and a new channel is appended.
    expect(channelsReducer(null, { type: 'status', status: status('ready', 1) })).toEqual([status('ready', 1)]);
    expect(channelsReducer(state, { type: 'clear' })).toBeNull();
  });

  it('alert once when a scan is needed: not for each new code, not again after a logout, again after ready', () => {
    const gate = new AlertGate();
    const seen = (s: ChannelStatusView) => gate.next(s);
    expect(seen(status('starting', 1))).toBeNull();
    expect(seen(status('waiting_for_scan', 2))).toBe('waiting_for_scan');
    expect(seen(status('waiting_for_scan', 3))).toBeNull();
    expect(seen(status('ready', 4))).toBeNull();
    expect(seen(status('logged_out', 5))).toBe('logged_out');
    expect(seen(status('starting', 5))).toBeNull();
    expect(seen(status('waiting_for_scan', 5))).toBeNull();
    // Announced late: older than what was seen, it says nothing.
    expect(seen(status('ready', 7))).toBeNull();
    expect(seen(status('waiting_for_scan', 6))).toBeNull();
    expect(seen(status('disconnected', 8))).toBeNull();
    expect(seen(status('logged_out', 9))).toBe('logged_out');
    // Each channel on its own.
    expect(seen(status('waiting_for_scan', 9, { channel: 'other' }))).toBe('waiting_for_scan');
  });

  it('do not alert for a scan already needed when the list loaded, but do once it was ready again', () => {
    const gate = new AlertGate();
    gate.seen(status('waiting_for_scan', 1));
    expect(gate.next(status('waiting_for_scan', 2))).toBeNull();
    gate.seen(status('ready', 3));
    expect(gate.next(status('logged_out', 4))).toBe('logged_out');
  });

  it('turn the QR code into a data: URL for an <img>, and refuse what is not SVG', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 29 29"><path fill="#fff" d="M0 0h29v29H0z"/></svg>';
    const url = svgDataUrl(svg)!;
    expect(url.startsWith('data:image/svg+xml;base64,')).toBe(true);
    expect(Buffer.from(url.slice(url.indexOf(',') + 1), 'base64').toString('utf8')).toBe(svg);
    const withProlog = `<?xml version="1.0" encoding="utf-8"?>\n<!-- qrcode -->\n${svg}`;
    expect(Buffer.from(svgDataUrl(withProlog)!.split(',')[1]!, 'base64').toString('utf8')).toBe(withProlog);
    expect(Buffer.from(svgDataUrl('<svg><title>Код «ё»</title></svg>')!.split(',')[1]!, 'base64').toString('utf8')).toBe('<svg><title>Код «ё»</title></svg>');
    for (const bad of [null, '', 'javascript:alert(1)', '<html><svg></svg></html>', '<svgx/>', 'data:image/png;base64,AAAA']) expect(svgDataUrl(bad), String(bad)).toBeNull();
  });

  it('have a route of their own', () => {
    expect(parseRoute('/console/channels')).toEqual({ name: 'channels' });
    expect(parseRoute('/console/channels/')).toEqual({ name: 'channels' });
    expect(routePath({ name: 'channels' })).toBe('/console/channels');
  });
});

describe('the dictionaries', () => {
  const shape = (o: object): string[] =>
    Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? shape(v).map((s) => `${k}.${s}`) : [`${k}:${typeof v}`]));

  it('have the same keys in Russian and English', () => {
    expect(shape(ru).sort()).toEqual(shape(en).sort());
  });

  it('write Russian plurals', () => {
    expect([1, 2, 5, 11, 21, 22].map((n) => ru.unread(n))).toEqual([
      '1 непрочитанное',
      '2 непрочитанных',
      '5 непрочитанных',
      '11 непрочитанных',
      '21 непрочитанное',
      '22 непрочитанных',
    ]);
    expect([1, 3, 10].map((n) => ru.tooManyImages(n))).toEqual([
      'Не больше 1 изображения в одном ответе.',
      'Не больше 3 изображений в одном ответе.',
      'Не больше 10 изображений в одном ответе.',
    ]);
  });

  it('say "now" for times a fast server clock puts in the future', () => {
    const now = Date.parse(at(10));
    expect(relativeTime(at(12), now, 'en')).toBe('now');
    expect(relativeTime(at(5), now, 'en')).toBe('5 min. ago');
    expect(relativeTime(at(5), now, 'ru')).toBe('5 мин. назад');
  });
});

describe('the console sources', () => {
  const dir = fileURLToPath(new URL('../../console/src/', import.meta.url));
  const files = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(path.join(d, f)).isDirectory() ? files(path.join(d, f)) : [path.join(d, f)]));

  it('never render text as HTML', () => {
    for (const file of files(dir)) {
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/dangerouslySetInnerHTML|innerHTML|insertAdjacentHTML|document\.write/);
    }
  });
});
