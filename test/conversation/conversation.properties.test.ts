import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  firstMissingStep,
  initialState,
  isIntakeStep,
  parseCommand,
  REQUEST_TYPES,
  resolveChoice,
  summaryChoices,
  transition,
} from '../../src/conversation/index.js';
import type { ConversationEvent, ConversationState, Draft, Effect, MessageEvent, Step } from '../../src/conversation/index.js';
import { feedbackButton } from '../../src/conversation/conversation.follow.js';
import { menuCommand } from '../../src/conversation/conversation.menu.js';
import { isValidDescription, isValidSubject } from '../../src/conversation/conversation.text-input.js';
import { events, start } from './conversation.arbitraries.js';
import { AT } from './conversation.fixtures.js';

const DRAFT_FIELDS = ['type', 'subject', 'description', 'screenshot'] as const;
/**
 * The steps at which a draft field may be set or changed: its own step; `idle`, where
 * a first message's type, problem and image are kept; the text steps keep an image;
 * the screenshot step adds text to the description.
 */
const COLLECTED_AT: Record<keyof Draft, Step['kind'][]> = {
  type: ['choose_type', 'idle'],
  // A problem described at the type step is kept (see onChooseType).
  subject: ['subject', 'idle', 'choose_type'],
  description: ['description', 'idle', 'screenshot', 'choose_type'],
  screenshot: ['screenshot', 'subject', 'description', 'idle'],
};

/**
 * Whether `event` drops the whole draft: /new, /start and /cancel (not while the
 * request is being created), "cancel" at the summary, expiry of an intake, and
 * the creation of the request.
 */
function dropsDraft(prev: ConversationState, event: ConversationEvent): boolean {
  if (event.type === 'expired') return isIntakeStep(prev.step);
  if (event.type === 'request_created') return prev.step.kind === 'creating';
  if (event.type !== 'message' || prev.step.kind === 'creating') return false;
  const command = event.choiceId === undefined ? parseCommand(event.text) : menuCommand(event.choiceId);
  if (command) return command.kind === 'new' || command.kind === 'start' || (command.kind === 'cancel' && isIntakeStep(prev.step));
  // A solved / not solved button pressed during an intake answers the solution, whatever its text says.
  if (isIntakeStep(prev.step) && feedbackButton(prev, event) !== null) return false;
  return prev.step.kind === 'summary' && resolveChoice(summaryChoices(prev.locale), event)?.id === 'cancel';
}

function checkDraftKept(prev: ConversationState, event: ConversationEvent, next: ConversationState): void {
  if (dropsDraft(prev, event)) {
    expect(next.draft).toEqual({});
    return;
  }
  for (const field of DRAFT_FIELDS) {
    if (prev.draft[field] !== undefined) expect(next.draft[field], field).not.toBeUndefined();
    if (JSON.stringify(prev.draft[field]) !== JSON.stringify(next.draft[field])) {
      expect(event.type, field).toBe('message');
      expect(COLLECTED_AT[field], field).toContain(prev.step.kind);
    }
  }
}

function checkDraftValid(draft: Draft): void {
  if (draft.type !== undefined) expect(REQUEST_TYPES).toContain(draft.type);
  if (draft.subject !== undefined) expect(isValidSubject(draft.subject), draft.subject).toBe(true);
  if (draft.description !== undefined) expect(isValidDescription(draft.description)).toBe(true);
  if (draft.screenshot) expect(draft.screenshot.isImage).toBe(true);
}

function checkState(state: ConversationState): void {
  expect(JSON.parse(JSON.stringify(state))).toStrictEqual(state);
  checkDraftValid(state.draft);
  expect(state.activeRequest === null).toBe(state.activeStatus === null);
  expect(state.activeStatus).not.toBe('closed');
  // A request an agent took over is created from what there is (the effect's draft is completed).
  const takenOver = state.step.kind === 'creating' && Boolean(state.takenOverBy);
  if (['summary', 'choose_field', 'creating'].includes(state.step.kind) && !takenOver) expect(firstMissingStep(state.draft)).toBeNull();
  if (state.editing) expect(['choose_type', 'subject', 'description', 'screenshot']).toContain(state.step.kind);
  // Held messages live with the draft (kept through a failed creation, dropped with the draft).
  if (!isIntakeStep(state.step)) expect(state.heldMessageIds ?? []).toEqual([]);
}

function checkEffects(prev: ConversationState, event: ConversationEvent, effects: Effect[], next: ConversationState): void {
  if (event.type === 'expired') expect(effects).toEqual([]);
  for (const effect of effects) {
    if (effect.type === 'reply') {
      expect(effect.text.trim()).not.toBe('');
      if (effect.choices) expect(effect.choices.length).toBeGreaterThan(0);
    }
    if (effect.type === 'forward_to_request') {
      // The active request, one created now, or one closed a moment ago (Policy.closedFollowUpMs).
      expect([prev.activeRequest, event.type === 'request_created' ? event.number : null, prev.recentlyClosed?.number]).toContain(effect.number);
    }
    if (effect.type === 'create_request') {
      expect(effects).toHaveLength(1);
      expect(next.step.kind).toBe('creating');
      if (event.type === 'taken_over') {
        expect(isIntakeStep(prev.step) && prev.step.kind !== 'creating').toBe(true);
        expect(effect.sourceMessageId).toBe(event.sourceMessageId);
      } else {
        expect(prev.step.kind).toBe('summary');
        expect(effect.sourceMessageId).toBe((event as MessageEvent).messageId);
      }
      expect(REQUEST_TYPES).toContain(effect.draft.type);
      expect(isValidSubject(effect.draft.subject)).toBe(true);
      expect(isValidDescription(effect.draft.description)).toBe(true);
      expect(effect.draft.screenshot === null || effect.draft.screenshot.isImage).toBe(true);
    }
  }
}

describe('transition over random event sequences', () => {
  it('never throws, keeps the draft, emits valid requests and JSON-safe states', () => {
    fc.assert(
      fc.property(start, events, ({ locale, active, policy }, list) => {
        let state: ConversationState = { ...initialState(locale, AT, active), policy: { ...policy } };
        checkState(state);
        for (const ev of list) {
          const result = transition(state, ev);
          expect(result.state.updatedAt).toBe(ev.at);
          checkState(result.state);
          checkDraftKept(state, ev, result.state);
          checkEffects(state, ev, result.effects, result.state);
          state = result.state;
        }
      }),
      { numRuns: 400 },
    );
  });

  it('the generator reaches request creation often enough to mean something', () => {
    const runs = fc.sample(fc.tuple(start, events), { numRuns: 300, seed: 42 });
    const created = runs.filter(([{ locale, active }, list]) => {
      let state = initialState(locale, AT, active);
      return list.some((ev) => {
        const result = transition(state, ev);
        state = result.state;
        return result.effects.some((e) => e.type === 'create_request');
      });
    });
    expect(created.length).toBeGreaterThan(100);
  });
});
