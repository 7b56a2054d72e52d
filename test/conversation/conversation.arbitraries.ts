/** fast-check generators of conversation events, as the gateway could deliver them. */
import fc from 'fast-check';

import {
  feedbackChoices,
  NOT_MINE_ID,
  offerChoices,
  fieldChoices,
  LOCALES,
  REQUEST_TYPES,
  skipChoices,
  summaryChoices,
  typeChoices,
} from '../../src/conversation/index.js';
import type { AttachmentRef, ConversationEvent, KnownIncident, MessageEvent, RequestStatus } from '../../src/conversation/index.js';
import { AT, CRM, MAIL, OLD, VPN } from './conversation.fixtures.js';

const STATUSES: RequestStatus[] = ['new', 'in_progress', 'awaiting_customer', 'solution_provided', 'closed'];
const NUMBERS = ['SR-1', 'SR-2', 'SR-3'];
/** The incidents a desk may list, newest first; each event's policy lists some of them. */
const INCIDENTS = [VPN, MAIL, CRM, OLD];
const LABELS = LOCALES.flatMap((l) => [
  ...[typeChoices, summaryChoices, fieldChoices, skipChoices, feedbackChoices].flatMap((make) => make(l).map((c) => c.label)),
  ...[[VPN], [VPN, MAIL, CRM]].flatMap((offered) => offerChoices(l, offered).map((c) => c.label)),
  ...INCIDENTS.map((i) => i.titles[l]),
]);
const CHOICE_IDS = [
  ...REQUEST_TYPES, 'confirm', 'edit', 'cancel', 'type', 'subject', 'description', 'screenshot', 'back', 'skip',
  'solved', 'not_solved', 'bogus', 'reopen', 'menu:new', 'menu:status', 'menu:lang:en', 'menu:lang:ru', 'menu:bogus',
  ...INCIDENTS.map((i) => `incident:${i.number}`), NOT_MINE_ID, 'incident:SR-4242', 'incident:',
];
const COMMANDS = [
  '/start', '/new', '/cancel', '/help', '/status', '/status sr-2', '/status ??', '/lang en', '/lang ru', '/lang xx',
  '/foo', '/START@relaydesk_bot', '/cancel@relaydesk_bot', '/var/log/x is full',
];

const chars = fc.constantFrom('a', 'я', 'Ё', ' ', '\n', '😀', '{', '}', '1', '.', '\u0301');
/** Mostly plausible answers (so intakes get completed), with edge cases and noise. */
const text: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom('Принтер не печатает', ' Не работает VPN у всего отдела ', 'Printer is broken'), weight: 6 },
  { arbitrary: fc.integer({ min: 0, max: 6 }).map((n) => ` ${n}. `), weight: 6 },
  { arbitrary: fc.constantFrom(...LABELS), weight: 3 },
  { arbitrary: fc.constantFrom('да', 'Нет', 'yes!', 'no', 'Да, это оно'), weight: 1 },
  // So that the pre-chat step (Policy.askContact) is passed, and what follows it reached.
  { arbitrary: fc.constantFrom('olga@example.com', '+7 900 123-45-67'), weight: 1 },
  { arbitrary: fc.constantFrom(...COMMANDS), weight: 1 },
  { arbitrary: fc.string({ unit: chars, minLength: 0, maxLength: 220 }), weight: 3 },
  { arbitrary: fc.integer({ min: 1, max: 5100 }).map((n) => ` ${'д'.repeat(n)} `), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 1 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 1 },
);
const attachment: fc.Arbitrary<AttachmentRef> = fc
  .tuple(fc.constantFrom('a1', 'a2', 'a3'), fc.boolean())
  .map(([id, isImage]) => ({ id, mimeType: isImage ? 'image/png' : 'application/pdf', isImage }));
const choiceId = fc.constantFrom(...CHOICE_IDS);
type MessageFields = Partial<Pick<MessageEvent, 'text' | 'choiceId' | 'attachment'>>;
/** Times and message ids are filled in once the sequence is known. */
const asMessage = (f: MessageFields): ConversationEvent => ({ type: 'message', messageId: '', at: 0, ...f });

/** Message shapes as channels send them: typed text, a button, a file with or without a caption. */
const messageFields: fc.Arbitrary<MessageFields> = fc.oneof(
  { arbitrary: text.map((t) => ({ text: t })), weight: 12 },
  { arbitrary: choiceId.map((c) => ({ choiceId: c })), weight: 3 },
  { arbitrary: fc.tuple(choiceId, text).map(([c, t]) => ({ choiceId: c, text: t })), weight: 1 },
  { arbitrary: attachment.map((a) => ({ attachment: a })), weight: 2 },
  { arbitrary: fc.tuple(attachment, text).map(([a, t]) => ({ attachment: a, text: t })), weight: 2 },
  { arbitrary: fc.constant({}), weight: 1 },
);

const event: fc.Arbitrary<ConversationEvent> = fc.oneof(
  { arbitrary: messageFields.map(asMessage), weight: 24 },
  { arbitrary: fc.constantFrom(...NUMBERS).map((number) => ({ type: 'request_created' as const, at: 0, number })), weight: 2 },
  {
    arbitrary: fc.record({
      query: fc.option(fc.constantFrom(...NUMBERS), { nil: null }),
      requests: fc.array(
        fc.record({ number: fc.constantFrom(...NUMBERS), type: fc.constantFrom(...REQUEST_TYPES), subject: fc.string(), status: fc.constantFrom(...STATUSES) }),
        { maxLength: 3 },
      ),
    }).map((r) => ({ type: 'status_result' as const, at: 0, ...r })),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      number: fc.constantFrom(...NUMBERS),
      status: fc.constantFrom(...STATUSES),
      comment: fc.option(fc.string({ maxLength: 30 }), { nil: null }),
    }).map((r) => ({ type: 'status_changed' as const, at: 0, ...r })),
    weight: 2,
  },
  { arbitrary: fc.constant({ type: 'expired' as const, at: 0 }), weight: 1 },
  { arbitrary: fc.constantFrom('Анна', 'Ann').map((agentName) => ({ type: 'taken_over' as const, at: 0, agentName, sourceMessageId: 'src' })), weight: 1 },
);

/** A run of valid answers (greeting, type, subject, description, screenshot, confirm), so intakes often complete. */
const intakeScript: fc.Arbitrary<ConversationEvent[]> = fc
  .tuple(
    fc.constantFrom<MessageFields>({ text: 'Здравствуйте' }, { text: '/new' }),
    // The incident offer, when the policy lists any: answered no, yes, or passed over.
    fc.constantFrom<MessageFields[]>(
      [], [{ choiceId: NOT_MINE_ID }], [{ text: 'нет' }], [{ text: '1' }], [{ text: '2' }],
      ...INCIDENTS.map((i) => [{ choiceId: `incident:${i.number}` }]),
    ),
    fc.constantFrom<MessageFields>({ text: '2' }, { choiceId: 'consultation' }, { text: 'Инцидент' }),
    fc.constantFrom<MessageFields>({ text: 'Принтер не печатает' }, { text: 'VPN', attachment: { id: 'a9', mimeType: 'image/png', isImage: true } }),
    fc.constantFrom<MessageFields>({ text: 'Не работает VPN у всего отдела' }, { text: 'д'.repeat(5000) }),
    fc.constantFrom<MessageFields>({ choiceId: 'skip' }, { attachment: { id: 'a8', mimeType: 'image/gif', isImage: true } }),
    fc.constantFrom<MessageFields>({ choiceId: 'confirm' }, { text: '1' }),
  )
  .map(([greet, offer, ...rest]) => [greet, ...offer, ...rest].map(asMessage));

/** Events with increasing times and unique message ids, as the gateway delivers them. */
export const events = fc
  .array(fc.oneof({ arbitrary: event.map((e) => [e]), weight: 8 }, { arbitrary: intakeScript, weight: 1 }), {
    maxLength: 30,
    size: 'max',
  })
  .map((chunks) =>
    chunks
      .flat()
      .map((e, i): ConversationEvent => (e.type === 'message' ? { ...e, at: AT + i + 1, messageId: `m${i}` } : { ...e, at: AT + i + 1 })),
  );
export const start = fc.record({
  locale: fc.constantFrom(...LOCALES),
  active: fc.option(fc.record({ number: fc.constantFrom(...NUMBERS), status: fc.constantFrom(...STATUSES) }), { nil: null }),
  /** How the gateway would run the conversation: each channel's and desk's way. */
  policy: fc.record({
    menu: fc.constantFrom('commands' as const, 'buttons' as const),
    askContact: fc.boolean(),
    closedFollowUpMs: fc.constantFrom(0, 5, 86_400_000),
    greetsOnOpen: fc.boolean(),
  }),
  /**
   * The open incidents the gateway lists with each event, in turn (the list of event
   * i is `incidents[i % length]`): incidents open and close during a conversation.
   */
  incidents: fc.array(fc.oneof({ arbitrary: fc.constant<KnownIncident[]>([]), weight: 1 }, { arbitrary: fc.subarray(INCIDENTS, { minLength: 1 }), weight: 3 }), { minLength: 1, maxLength: 3 }),
});
