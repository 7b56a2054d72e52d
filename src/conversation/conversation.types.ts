/**
 * Types of the pure conversation engine. Nothing here does I/O, reads the clock
 * or makes ids: time and ids arrive in events, and everything the outside world
 * must do comes back as effects. This folder imports nothing from outside itself.
 */

export type Locale = 'ru' | 'en';
export const LOCALES: readonly Locale[] = ['ru', 'en'];

export type RequestType = 'incident' | 'mass_incident' | 'consultation' | 'development_request';
export const REQUEST_TYPES: readonly RequestType[] = [
  'incident',
  'mass_incident',
  'consultation',
  'development_request',
];

export type RequestStatus = 'new' | 'in_progress' | 'awaiting_customer' | 'solution_provided' | 'closed';

/** A choice offered to the customer. Channels render it their own way; `id` is stable, `label` is localised. */
export interface Choice {
  id: string;
  label: string;
}

/** An attachment the gateway has already stored and checked by content. */
export interface AttachmentRef {
  id: string;
  mimeType: string;
  /** true when the content is an image type the desk accepts as a screenshot. */
  isImage: boolean;
}

/** What the customer has given so far. Fields are only ever set to valid values. */
export interface Draft {
  type?: RequestType;
  subject?: string;
  description?: string;
  /** `null` means the customer chose to skip the screenshot. */
  screenshot?: AttachmentRef | null;
}

export type DraftField = 'type' | 'subject' | 'description' | 'screenshot';

/** An open mass incident the desk knows of, as the gateway hands it to the engine (newest first). */
export interface KnownIncident {
  number: string;
  /** Its title in each language (the gateway fills both). */
  titles: Record<Locale, string>;
  /** Its latest public update, as written, or null. */
  latestUpdate: string | null;
}

/**
 * An incident as the `incident_offer` step keeps it: what the customer was shown,
 * in both languages, so the offer can be asked again (after /lang too) with the
 * same choices in the same order.
 */
export type OfferedIncident = Pick<KnownIncident, 'number' | 'titles'>;

/** Where the conversation is. */
export type Step =
  | { kind: 'idle' }
  /** The pre-chat step (see Policy.askContact): the customer's name, then an e-mail or phone. */
  | { kind: 'contact_name' }
  | { kind: 'contact_info' }
  /**
   * Open mass incidents are offered before the type is asked (see incident-offer.ts):
   * "is yours one of these?". `offered` is what was shown, newest first, at most three.
   */
  | { kind: 'incident_offer'; offered: OfferedIncident[] }
  | { kind: 'choose_type' }
  | { kind: 'subject' }
  | { kind: 'description' }
  | { kind: 'screenshot' }
  | { kind: 'summary' }
  | { kind: 'choose_field' }
  /**
   * Waiting for the store to create the request (between `create_request` and
   * `request_created`). `incident`: the one the request is linked to, for the confirmation.
   */
  | { kind: 'creating'; incident?: KnownIncident };

/** A short view of one of the customer's requests, as the store reports it. */
export interface RequestSummary {
  number: string;
  type: RequestType;
  subject: string;
  status: RequestStatus;
  /** The mass incident the request is linked to, if any. */
  incident?: KnownIncident | null;
}

/**
 * How this conversation is to be run, decided outside the engine (the channel,
 * the desk's settings, the configuration) and set by the gateway before each
 * event. Absent fields (states stored before they existed) mean the defaults.
 */
export interface Policy {
  /** How actions are offered: slash commands (Telegram, WhatsApp) or buttons (the web chat). Default `commands`. */
  menu: 'commands' | 'buttons';
  /** Ask the customer's name and an e-mail or phone at the start of the next intake. Default false. */
  askContact: boolean;
  /** A message this long (ms) after a request was closed is filed under it. Default 0: never. */
  closedFollowUpMs: number;
  /**
   * The channel shows the opening prompt itself when a conversation starts (the web
   * chat, on open, see openingPrompt), so the first message answers it. Default false:
   * the bot greets when the customer first writes.
   */
  greetsOnOpen: boolean;
  /**
   * The open mass incidents, newest first, as of this event. An intake starts by
   * offering the first three; a request is only ever linked to one listed here.
   * Default []: no offer.
   */
  knownIncidents: KnownIncident[];
}

export interface ConversationState {
  locale: Locale;
  step: Step;
  draft: Draft;
  /** true while editing one field from the summary: a valid answer returns to the summary. */
  editing: boolean;
  /** The request that follow-up messages go to (the newest one that is not closed). */
  activeRequest: string | null;
  /**
   * The active request's status as last seen, which decides how a follow-up is read:
   * an answer to a clarification, a solved / not solved reply, or a plain message.
   */
  activeStatus: RequestStatus | null;
  /** Time of the last event applied (ms since epoch), from the event. */
  updatedAt: number;
  /**
   * true once a follow-up to the active request has been acknowledged, so later ones
   * are forwarded silently; reset when a request is created or a status notice is sent.
   * Absent means false (states stored before the field existed).
   */
  followUpAcked?: boolean;
  /**
   * Messages that arrived while `creating`: forwarded to the request once it is
   * created, dropped with the draft. Absent means none.
   */
  heldMessageIds?: string[];
  /** See Policy; set by the gateway. */
  policy?: Partial<Policy>;
  /**
   * The request closed last (by the customer's "solved", an agent or the auto-close),
   * so that a message soon after it is filed there; `acked` once the customer was told.
   */
  recentlyClosed?: { number: string; at: number; acked: boolean } | null;
  /** While `creating` a request an agent took over: who, for the notice. */
  takenOverBy?: string | null;
  /** The contact the customer gave in the pre-chat step, until it is stored. */
  contact?: { name?: string };
}

/** An inbound customer message, already recorded and de-duplicated by the gateway. */
export interface MessageEvent {
  type: 'message';
  /** Gateway id of the recorded message. */
  messageId: string;
  at: number;
  text?: string;
  /** Set when the channel reports a button press rather than typed text. */
  choiceId?: string;
  attachment?: AttachmentRef;
  /** A file the customer sent that the gateway refused (not an accepted image type, too large, or too many pixels). */
  rejectedFile?: RejectedFile;
}

/** Why the gateway refused a file, with what the explanation to the customer names. */
export type RejectedFile =
  | {
      reason: 'unsupported_type' | 'too_large';
      /** The size limit in bytes, for the explanation. */
      limitBytes: number;
    }
  | {
      /** An image whose dimensions are over the limits (a pixel flood: small file, huge bitmap). */
      reason: 'too_many_pixels';
      width: number;
      height: number;
      /** The most pixels an image may have, and the longest side, for the explanation. */
      maxPixels: number;
      maxSide: number;
      limitBytes: number;
    };

export type ConversationEvent =
  | MessageEvent
  /** The store created the request asked for by `create_request`. */
  | { type: 'request_created'; at: number; number: string }
  /** The store could not create it (the draft is kept; the customer may confirm again). */
  /** Answer to `query_status`: the customer's requests (open ones, or the one asked for). */
  | { type: 'status_result'; at: number; query: string | null; requests: RequestSummary[] }
  /**
   * An agent changed the status of one of the customer's requests. The engine tells
   * the customer in their language and remembers how to read the next message.
   */
  | { type: 'status_changed'; at: number; number: string; status: RequestStatus; comment: string | null }
  /** The customer's intake was idle longer than the intake TTL. */
  | { type: 'expired'; at: number }
  /**
   * An agent takes over an intake in progress: the request is created from what was
   * collected (missing fields filled in), `sourceMessageId` being the customer's latest message.
   */
  | { type: 'taken_over'; at: number; agentName: string; sourceMessageId: string };

export type Effect =
  /** Send a message to the customer. */
  | { type: 'reply'; text: string; choices?: Choice[] }
  /**
   * Create a request from a complete draft; answered with `request_created`. A
   * request that cannot be created fails the whole step, which is retried (the
   * gateway's ConversationSteps): the conversation never sees a half-done creation.
   */
  | {
      type: 'create_request';
      draft: Required<Pick<Draft, 'type' | 'subject' | 'description'>> & { screenshot: AttachmentRef | null };
      sourceMessageId: string;
      /** Link the request to this mass incident (one listed in the event's Policy.knownIncidents). */
      incidentNumber?: string;
    }
  /** Attach a customer message to a request and tell the agents. */
  | { type: 'forward_to_request'; number: string; messageId: string }
  /** Look up the customer's requests (`number` null: the open ones); answer with `status_result`. */
  | { type: 'query_status'; number: string | null }
  /** The customer moved a request (answered a clarification, said solved / not solved). */
  | { type: 'change_status'; number: string; status: RequestStatus; comment: string | null }
  /** Remember the customer's language. */
  | { type: 'set_locale'; locale: Locale }
  /** Remember the contact details the customer gave (validated). */
  | { type: 'set_contact'; name: string; email: string | null; phone: string | null };

export interface TransitionResult {
  state: ConversationState;
  effects: Effect[];
}

/** A slash command a customer typed (or a menu button standing for one). */
export type Command =
  | { kind: 'start' }
  | { kind: 'new' }
  | { kind: 'cancel' }
  | { kind: 'help' }
  /** `number` null: the customer's open requests. */
  | { kind: 'status'; number: string | null }
  | { kind: 'lang'; locale: Locale }
  /** A known command with arguments it cannot use. */
  | { kind: 'usage'; command: 'status' | 'lang' }
  | { kind: 'unknown'; name: string };
