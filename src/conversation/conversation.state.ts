import type { AttachmentRef, ConversationState, Draft, Locale, Policy, RequestStatus, Step } from './conversation.types.js';

const DEFAULT_POLICY: Policy = { menu: 'commands', askContact: false, closedFollowUpMs: 0, greetsOnOpen: false, knownIncidents: [] };

/** The state's policy with defaults for what it does not say (a field set to undefined says nothing). */
export function policyOf(state: ConversationState): Policy {
  const given = Object.entries(state.policy ?? {}).filter(([, value]) => value !== undefined);
  return { ...DEFAULT_POLICY, ...(Object.fromEntries(given) as Partial<Policy>) };
}

/** Compile-time exhaustiveness check for discriminated unions. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}

/**
 * The state of a conversation that has not started yet. `active` is the customer's
 * newest request that is not closed, if the gateway knows one; a closed one is ignored.
 */
export function initialState(
  locale: Locale,
  at: number,
  active: { number: string; status: RequestStatus } | null = null,
): ConversationState {
  const open = active !== null && active.status !== 'closed' ? active : null;
  return {
    locale,
    step: { kind: 'idle' },
    draft: {},
    editing: false,
    activeRequest: open?.number ?? null,
    activeStatus: open?.status ?? null,
    updatedAt: at,
    followUpAcked: false,
    heldMessageIds: [],
  };
}

/**
 * true for the steps that collect a draft (`contact_name` to `creating`): the
 * gateway expires these after the intake TTL; `idle` never expires.
 */
export function isIntakeStep(step: Step): boolean {
  switch (step.kind) {
    case 'idle':
      return false;
    case 'contact_name':
    case 'contact_info':
    case 'incident_offer':
    case 'choose_type':
    case 'subject':
    case 'description':
    case 'screenshot':
    case 'summary':
    case 'choose_field':
    case 'creating':
      return true;
    default:
      return assertNever(step);
  }
}

/** Only the contract's fields are kept: the state is stored as JSON, whatever the gateway's object carries. */
export function screenshotOf(attachment: AttachmentRef): AttachmentRef {
  return { id: attachment.id, mimeType: attachment.mimeType, isImage: attachment.isImage };
}

/** The state with the intake forgotten: idle, empty draft, nothing held. */
export function dropIntake(state: ConversationState): ConversationState {
  return { ...state, step: { kind: 'idle' }, draft: {}, editing: false, heldMessageIds: [] };
}

/** A complete draft, as `create_request` carries it. */
export type CompleteDraft = Required<Pick<Draft, 'type' | 'subject' | 'description'>> & {
  screenshot: AttachmentRef | null;
};

/**
 * The first step whose field is still missing, or null when the draft is complete.
 * A screenshot counts as given once it is an image or explicitly skipped (null).
 */
export function firstMissingStep(draft: Draft): Step | null {
  if (draft.type === undefined) return { kind: 'choose_type' };
  if (draft.subject === undefined) return { kind: 'subject' };
  if (draft.description === undefined) return { kind: 'description' };
  if (draft.screenshot === undefined) return { kind: 'screenshot' };
  return null;
}

/** The draft as a complete one, or null if a field is missing. */
export function completeDraft(draft: Draft): CompleteDraft | null {
  const { type, subject, description, screenshot } = draft;
  if (type === undefined || subject === undefined || description === undefined || screenshot === undefined) return null;
  return { type, subject, description, screenshot };
}
