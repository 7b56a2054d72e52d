/**
 * A fake of whatsapp-web.js for tests: one `FakeWhatsApp` stands for WhatsApp's
 * servers plus the phones around the bot's account. `fake.driver` implements
 * the channel's `WaDriver` port (src/channels/whatsapp/whatsapp.client.port.ts);
 * the clients it makes behave like the library's `Client` (whatsapp-web.js
 * 1.34, the wwebjs/whatsapp-web.js repository, src/Client.js) used with
 * `LocalAuth`, and deliver `Message` objects shaped like
 * src/structures/Message.js. Everything is in-process: no browser, no network.
 *
 * What follows the library (see README.md for the sources):
 * - `initialize()` on an unpaired session emits `qr` (`2@<ref>,<noise key>,<identity
 *   key>,<adv secret>,1`) before it resolves and a new code every `qrIntervalMs`
 *   until the phone scans it; then `authenticated` and `ready` come later, on
 *   their own ticks. On a paired session it resolves and `authenticated` +
 *   `ready` follow, with no `qr`.
 * - `message_create` fires for every new message, the account's own included;
 *   `message` only for messages not `fromMe`.
 * - A state change to anything but CONNECTED / OPENING / PAIRING / TIMEOUT emits
 *   `disconnected` with that state and closes the browser: the client is dead
 *   (sendMessage rejects with puppeteer's "Session closed") until a client is
 *   initialized again. A logout from the phone emits `disconnected` 'LOGOUT',
 *   deletes the LocalAuth folder and shows a QR again on the same client.
 * - sendMessage: malformed chat id → "wid error: invalid wid", a number the
 *   account has no chat with → "No LID for user"; before `ready` the page has no
 *   `window.WWebJS` yet → "Cannot read properties of undefined (reading 'getChat')".
 * - `downloadMedia()` resolves `undefined` when the media is gone (expired).
 * - Two browsers cannot share one LocalAuth folder: a second client's
 *   `initialize()` on a session dir in use rejects with puppeteer's "The browser
 *   is already running for …".
 * - `destroy()` never emits `disconnected` and never throws.
 */
import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import type {
  WaClient,
  WaDriver,
  WaMedia,
  WaMessage,
  WaMessageId,
} from '../../../src/channels/whatsapp/whatsapp.client.port.js';

// ---------------------------------------------------------------------------
// Constants the library has

/** `MessageTypes` of whatsapp-web.js src/util/Constants.js (the values `Message.type` takes). */
export const MessageTypes = {
  TEXT: 'chat',
  AUDIO: 'audio',
  VOICE: 'ptt',
  IMAGE: 'image',
  ALBUM: 'album',
  VIDEO: 'video',
  DOCUMENT: 'document',
  STICKER: 'sticker',
  LOCATION: 'location',
  CONTACT_CARD: 'vcard',
  CONTACT_CARD_MULTI: 'multi_vcard',
  ORDER: 'order',
  REVOKED: 'revoked',
  PRODUCT: 'product',
  UNKNOWN: 'unknown',
  GROUP_INVITE: 'groups_v4_invite',
  LIST: 'list',
  LIST_RESPONSE: 'list_response',
  BUTTONS_RESPONSE: 'buttons_response',
  PAYMENT: 'payment',
  BROADCAST_NOTIFICATION: 'broadcast_notification',
  CALL_LOG: 'call_log',
  CIPHERTEXT: 'ciphertext',
  DEBUG: 'debug',
  E2E_NOTIFICATION: 'e2e_notification',
  GP2: 'gp2',
  GROUP_NOTIFICATION: 'group_notification',
  HSM: 'hsm',
  INTERACTIVE: 'interactive',
  NATIVE_FLOW: 'native_flow',
  NOTIFICATION: 'notification',
  NOTIFICATION_TEMPLATE: 'notification_template',
  OVERSIZED: 'oversized',
  PROTOCOL: 'protocol',
  REACTION: 'reaction',
  TEMPLATE_BUTTON_REPLY: 'template_button_reply',
  POLL_CREATION: 'poll_creation',
  SCHEDULED_EVENT_CREATION: 'scheduled_event_creation',
} as const;

/** `WAState` of src/util/Constants.js: the `disconnected` reasons besides 'LOGOUT'. */
export const WAState = {
  CONFLICT: 'CONFLICT',
  CONNECTED: 'CONNECTED',
  DEPRECATED_VERSION: 'DEPRECATED_VERSION',
  OPENING: 'OPENING',
  PAIRING: 'PAIRING',
  PROXYBLOCK: 'PROXYBLOCK',
  SMB_TOS_BLOCK: 'SMB_TOS_BLOCK',
  TIMEOUT: 'TIMEOUT',
  TOS_BLOCK: 'TOS_BLOCK',
  UNLAUNCHED: 'UNLAUNCHED',
  UNPAIRED: 'UNPAIRED',
  UNPAIRED_IDLE: 'UNPAIRED_IDLE',
} as const;

/** States the client accepts without a `disconnected` (Client.js onAppStateChangedEvent). */
const ACCEPTED_STATES: readonly string[] = [WAState.CONNECTED, WAState.OPENING, WAState.PAIRING, WAState.TIMEOUT];

/** The messages of the errors the library (or puppeteer under it) rejects with. */
export const WA_ERRORS = {
  /** `WidFactory.createWid` on a malformed id (`+7900…@c.us`, no server part, letters). */
  invalidWid: 'wid error: invalid wid',
  /** `findOrCreateLatestChat` for a number the account has no chat / LID mapping for (1.34.x). */
  noLid: 'No LID for user',
  /** Any page call after the browser closed (destroy(), or the library's own destroy after `disconnected`). */
  sessionClosed: 'Protocol error (Runtime.callFunctionOn): Session closed. Most likely the page has been closed.',
  /** sendMessage while the page has no `window.WWebJS` (not ready yet, or reloaded after a logout). */
  notInjected: "Cannot read properties of undefined (reading 'getChat')",
  /** sendMessage before initialize(): `this.pupPage` is null. */
  notInitialized: "Cannot read properties of null (reading 'evaluate')",
  /** The `disconnected` reason when `qrMaxRetries` is exceeded. */
  maxQrRetries: 'Max qrcode retries reached',
  /** puppeteer's launch error when another Chromium uses the LocalAuth folder. */
  browserAlreadyRunning: (userDataDir: string) =>
    `The browser is already running for ${userDataDir}. Use a different \`userDataDir\` or stop the running browser first.`,
} as const;

/** The chat id of status updates. */
export const STATUS_BROADCAST = 'status@broadcast';

const DEFAULT_USER = '79001234567@c.us';
const DEFAULT_GROUP = '120363025246125486@g.us';
const MARKER_FILE = 'fake-whatsapp-session.json';

const USER_WID = /^\d{5,20}@(c\.us|lid)$/;
const GROUP_WID = /^\d+(-\d+)?@g\.us$/;
const CHAT_WID = /^(\d{5,20}@(c\.us|lid)|\d+(-\d+)?@g\.us|\d+@(broadcast|newsletter)|status@broadcast)$/;

// ---------------------------------------------------------------------------
// Public types

export interface FakeWhatsAppOptions {
  /** How often an unscanned QR is replaced (WhatsApp Web: about 20 s). Default 20000. */
  qrIntervalMs?: number;
  /** `Client` option `qrMaxRetries`: after this many codes, `disconnected` 'Max qrcode retries reached'. 0 (default) = forever. */
  qrMaxRetries?: number;
  /** The bot account's number (its wid is `<ownNumber>@c.us`). */
  ownNumber?: string;
  pushname?: string;
  /** LocalAuth `clientId`: the profile folder is `<sessionDir>/session-<clientId>` instead of `<sessionDir>/session`. */
  clientId?: string;
  /**
   * What happens to messages that arrive while the account's linked device is
   * offline: 'deliver' (default) queues them and emits them, in order, after the
   * next `ready`; 'drop' loses them, as users of the real library report
   * ("Didn't read pending messages while offline").
   */
  offlineMessages?: 'deliver' | 'drop';
  /** Sending to a well-formed number that never wrote to the account: 'reject' (default, "No LID for user") or 'accept'. */
  unknownChats?: 'reject' | 'accept';
  /** Session dirs already linked to the account (as if scanned in an earlier run). */
  pairedSessions?: string[];
}

/** What `downloadMedia()` does for a message: return the bytes, resolve undefined (media gone), or reject. */
export type DownloadBehaviour = 'ok' | 'expired' | { error: unknown };

export type ClientState = 'created' | 'starting' | 'qr' | 'syncing' | 'ready' | 'closed';

/** A Wid as it appears inside `_data` (puppeteer serializes the page's Wid objects to plain ones). */
export interface SerializedWid {
  server: string;
  user: string;
  _serialized: string;
}

/** `Message._data`: the page's serialized message model (`window.WWebJS.getMessageModel`). */
export interface FakeMessageData {
  id: WaMessageId & { participant?: string };
  body: string;
  type: string;
  t: number;
  from: SerializedWid;
  to: SerializedWid;
  author?: SerializedWid;
  notifyName?: string;
  ack: number;
  self: 'in' | 'out';
  isNewMsg: boolean;
  star: boolean;
  broadcast: boolean;
  isForwarded: boolean;
  forwardingScore: number;
  mentionedJidList: string[];
  links: Array<{ link: string; isSuspicious: boolean }>;
  isStatusV3?: boolean;
  caption?: string;
  mimetype?: string;
  size?: number;
  filename?: string;
  directPath?: string;
  mediaKey?: string;
  filehash?: string;
  duration?: string;
  quotedMsgId?: string;
  [key: string]: unknown;
}

/** One `sendMessage` call the bot made. */
export interface SendCall {
  seq: number;
  /** Date.now() of the call. */
  at: number;
  chatId: string;
  sessionDir: string;
  /** Index of the client in `fake.clients`. */
  clientIndex: number;
  kind: 'text' | 'media';
  /** The text sent (kind 'text'). */
  text?: string;
  /** `options.caption` (kind 'media'). */
  caption?: string;
  /** Decoded media (kind 'media'). */
  media?: { mimetype: string; filename: string | null | undefined; bytes: Buffer };
  /** The text or the caption: what the user reads. */
  body: string;
  options: Record<string, unknown>;
  ok: boolean;
  error?: unknown;
  /** The Message sendMessage resolved with (ok calls). */
  message?: FakeWaMessage;
}

export interface DeliveryRecord {
  message: FakeWaMessage;
  clientIndex: number;
  sessionDir: string;
  /** 'message_create' + 'message' for received messages, 'message_create' only for the account's own. */
  events: string[];
  at: number;
}

export interface EmittedEvent {
  event: string;
  args: unknown[];
  at: number;
}

export interface UserTextInput {
  /** `<digits>@c.us` or `<digits>@lid`; default '79001234567@c.us'. */
  from?: string;
  body: string;
  /** The sender's push name (`_data.notifyName`). */
  notifyName?: string;
  /** Default 'chat'. */
  type?: string;
  /** Seconds; default now. */
  timestamp?: number;
  /** Received through a broadcast list (`Message.broadcast`). */
  broadcast?: boolean;
  forwarded?: boolean;
}

export interface UserMediaInput {
  from?: string;
  bytes: Buffer;
  /** Default 'image/jpeg'. */
  mimetype?: string;
  caption?: string;
  /** Sent "as document": type 'document' with a filename. */
  asDocument?: boolean;
  filename?: string;
  notifyName?: string;
  /** `_data.size` as WhatsApp declares it, if it should differ from bytes.length (e.g. a 100 MB video without allocating it). */
  declaredSize?: number;
  download?: DownloadBehaviour;
  timestamp?: number;
}

export interface OtherInput {
  from?: string;
  body?: string;
  notifyName?: string;
  bytes?: Buffer;
  mimetype?: string;
  filename?: string;
  download?: DownloadBehaviour;
}

export interface GroupInput {
  group?: string;
  /** The member who wrote (`Message.author`). */
  author?: string;
  body: string;
  notifyName?: string;
  type?: string;
}

export interface StatusInput {
  author?: string;
  body?: string;
  notifyName?: string;
  /** An image status instead of a text one. */
  bytes?: Buffer;
  mimetype?: string;
}

// ---------------------------------------------------------------------------
// Media

/** Like the library's `MessageMedia(mimetype, data, filename, filesize)`: base64 data. */
export class FakeMessageMedia implements WaMedia {
  constructor(
    public mimetype: string,
    public data: string,
    public filename?: string | null,
    public filesize?: number | null,
  ) {}
}

// ---------------------------------------------------------------------------
// Message

interface MessageInit {
  data: FakeMessageData;
  bytes?: Buffer;
  download?: DownloadBehaviour;
}

/** A `Message` (src/structures/Message.js) with the fields the library sets. */
export class FakeWaMessage implements WaMessage {
  readonly id: WaMessageId & { participant?: string };
  readonly from: string;
  readonly to: string;
  readonly author?: string;
  readonly body: string;
  readonly type: string;
  readonly fromMe: boolean;
  readonly hasMedia: boolean;
  readonly timestamp: number;
  readonly isStatus: boolean;
  readonly broadcast: boolean;
  readonly ack: number;
  readonly deviceType: 'android' | 'ios' | 'web';
  readonly isForwarded: boolean;
  readonly forwardingScore: number;
  readonly hasQuotedMsg: boolean;
  readonly mentionedIds: string[];
  readonly links: Array<{ link: string; isSuspicious: boolean }>;
  readonly vCards: string[];
  readonly location?: { latitude: number; longitude: number; description?: { name?: string; address?: string } };
  readonly _data: FakeMessageData;
  /** How many times downloadMedia() was called. */
  downloadCount = 0;
  /** The client that last emitted this message (downloadMedia and reply go through its page). */
  client: FakeWaClient | null = null;
  /** @internal */
  readonly bytes?: Buffer;
  /** @internal */
  download: DownloadBehaviour;

  constructor(
    private readonly world: FakeWhatsApp,
    init: MessageInit,
  ) {
    const data = init.data;
    this._data = data;
    this.bytes = init.bytes;
    this.download = init.download ?? 'ok';
    this.id = data.id;
    this.ack = data.ack;
    this.hasMedia = Boolean(data.directPath);
    this.body = this.hasMedia ? (data.caption ?? '') : data.body || (typeof data.pollName === 'string' ? data.pollName : '');
    this.type = data.type;
    this.timestamp = data.t;
    this.from = data.from._serialized;
    this.to = data.to._serialized;
    if (data.author) this.author = data.author._serialized;
    this.deviceType = data.id.id.length > 21 ? 'android' : data.id.id.startsWith('3A') ? 'ios' : 'web';
    this.isForwarded = data.isForwarded;
    this.forwardingScore = data.forwardingScore;
    this.isStatus = Boolean(data.isStatusV3) || data.id.remote === STATUS_BROADCAST;
    this.broadcast = data.broadcast;
    this.fromMe = data.id.fromMe;
    this.hasQuotedMsg = Boolean(data.quotedMsgId);
    this.mentionedIds = data.mentionedJidList;
    this.links = data.links;
    this.vCards = data.type === MessageTypes.CONTACT_CARD ? [data.body] : [];
    if (data.type === MessageTypes.LOCATION && typeof data.lat === 'number' && typeof data.lng === 'number') {
      const [name, address] = typeof data.loc === 'string' ? data.loc.split('\n') : [];
      this.location = { latitude: data.lat, longitude: data.lng, description: name ? { name, address } : undefined };
    }
  }

  /** The raw data, as the library's getter. */
  get rawData(): FakeMessageData {
    return this._data;
  }

  /** Like the library: undefined without media, undefined when the media is gone, else a MessageMedia. */
  async downloadMedia(): Promise<FakeMessageMedia | undefined> {
    if (!this.hasMedia) return undefined;
    this.client?.assertPage('download');
    this.downloadCount += 1;
    const behaviour = this.world.takeDownloadBehaviour(this);
    if (behaviour === 'expired') return undefined;
    if (behaviour !== 'ok') throw behaviour.error;
    const bytes = this.bytes ?? Buffer.alloc(0);
    return new FakeMessageMedia(this._data.mimetype ?? 'application/octet-stream', bytes.toString('base64'), this._data.filename, this._data.size ?? bytes.length);
  }

  /** `Message.reply`: sends to this message's chat, quoting it. */
  async reply(content: string | WaMedia, chatId?: string, options: Record<string, unknown> = {}): Promise<FakeWaMessage | undefined> {
    if (!this.client) throw new Error('FakeWhatsApp: this message was never delivered to a client');
    const target = chatId ?? (this.fromMe ? this.to : this.from);
    return this.client.sendMessage(target, content, { ...options, quotedMessageId: this.id._serialized });
  }
}

// ---------------------------------------------------------------------------
// Client

type SendOptions = {
  caption?: string;
  linkPreview?: boolean;
  sendMediaAsDocument?: boolean;
  sendAudioAsVoice?: boolean;
  sendMediaAsSticker?: boolean;
  quotedMessageId?: string;
  [key: string]: unknown;
};

/** A whatsapp-web.js `Client` with `LocalAuth` for one session dir. */
export class FakeWaClient extends EventEmitter implements WaClient {
  state: ClientState = 'created';
  /** Every event emitted, in order. */
  readonly emitted: EmittedEvent[] = [];
  /** The QR codes shown, in order. */
  readonly qrCodes: string[] = [];
  /** Errors thrown by listeners (the library runs them inside puppeteer bindings, which swallow them). */
  readonly listenerErrors: unknown[] = [];
  initializeCalls = 0;
  destroyCalls = 0;
  /** `Client.info` once ready. */
  info: { wid: SerializedWid; me: SerializedWid; pushname: string; platform: string } | null = null;
  /** True once the page has loaded: pupPage is set (sendMessage no longer fails with a null page). */
  private launchedOnce = false;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private qrTimer: ReturnType<typeof setInterval> | null = null;
  private qrKeys = '';
  private qrShown = 0;
  private outbox: FakeWaMessage[] = [];
  private pumping = false;

  constructor(
    private readonly world: FakeWhatsApp,
    /** Absolute session dir. */
    readonly sessionDir: string,
    readonly index: number,
  ) {
    super();
  }

  /** The LocalAuth profile folder (`userDataDir`). */
  get profileDir(): string {
    return this.world.profileDirOf(this.sessionDir);
  }

  /** Browser running (initialized, not destroyed). */
  get alive(): boolean {
    return this.state !== 'created' && this.state !== 'closed';
  }

  /** The QR currently displayed, if waiting for a scan. */
  get currentQr(): string | undefined {
    return this.state === 'qr' ? this.qrCodes[this.qrCodes.length - 1] : undefined;
  }

  /** Timers this client still holds (0 after destroy()). */
  get pendingTimers(): number {
    return this.timers.size + (this.qrTimer ? 1 : 0);
  }

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    this.emitted.push({ event: String(event), args, at: Date.now() });
    // rawListeners: calling a `once` wrapper removes it, as EventEmitter.emit does.
    const listeners = this.rawListeners(event);
    for (const listener of listeners) {
      try {
        const result: unknown = (listener as (...a: unknown[]) => unknown).apply(this, args);
        if (result instanceof Promise) {
          result.catch((err: unknown) => {
            this.listenerErrors.push(err);
            this.world.listenerErrors.push(err);
          });
        }
      } catch (err) {
        this.listenerErrors.push(err);
        this.world.listenerErrors.push(err);
      }
    }
    return listeners.length > 0;
  }

  /** Names of the events emitted so far (handy for order assertions). */
  emittedNames(): string[] {
    return this.emitted.map((e) => e.event);
  }

  async initialize(): Promise<void> {
    this.initializeCalls += 1;
    this.world.initializeCalls += 1;
    // The real initialize awaits before launching Chromium; checks run after that,
    // so a client destroyed in the same tick (e.g. inside a 'disconnected' handler) has let go of the folder.
    await null;
    if (this.alive) {
      this.world.profileLockConflicts += 1;
      throw new Error(WA_ERRORS.browserAlreadyRunning(this.profileDir));
    }
    const failure = this.world.takeInitializeFailure();
    if (failure.fail) throw failure.error;
    const holder = this.world.aliveClientFor(this.sessionDir);
    if (holder) {
      this.world.profileLockConflicts += 1;
      throw new Error(WA_ERRORS.browserAlreadyRunning(this.profileDir));
    }
    // LocalAuth.beforeBrowserInitialized: mkdir -p <dataPath>/session; Chromium makes its profile there.
    fs.mkdirSync(path.join(this.profileDir, 'Default'), { recursive: true });
    this.state = 'starting';
    this.launchedOnce = true;
    this.world.noteLaunched();
    await null;
    if (this.state !== 'starting') return; // destroyed meanwhile

    const authFailure = this.world.takeAuthFailure();
    if (authFailure !== undefined) {
      // Client.inject: emit auth_failure, destroy(), and initialize() resolves.
      this.emit('auth_failure', authFailure);
      this.close();
      return;
    }
    if (this.world.isPaired(this.sessionDir)) {
      this.state = 'syncing';
      this.schedule(() => this.becomeReady());
      return;
    }
    this.showQr();
  }

  async sendMessage(chatId: string, content: string | WaMedia, options: SendOptions = {}): Promise<FakeWaMessage> {
    return this.world.handleSend(this, chatId, content, options);
  }

  async destroy(): Promise<void> {
    this.destroyCalls += 1;
    if (this.alive) this.close();
  }

  // -------------------------------------------------------------------------
  // Driven by FakeWhatsApp

  /** @internal Throws what the library's page call throws in the current state. */
  assertPage(_what: string): void {
    if (!this.launchedOnce) throw new TypeError(WA_ERRORS.notInitialized);
    if (this.state === 'closed') {
      const err = new Error(WA_ERRORS.sessionClosed);
      err.name = 'TargetCloseError';
      throw err;
    }
    if (this.state !== 'ready') throw new TypeError(WA_ERRORS.notInjected);
  }

  /** @internal The phone scanned the QR. */
  scanned(): string {
    const qr = this.currentQr;
    if (qr === undefined) throw new Error(`FakeWhatsApp: client #${this.index} shows no QR (state ${this.state})`);
    this.stopQr();
    this.world.linkDevice(this.sessionDir);
    this.state = 'syncing';
    this.schedule(() => this.becomeReady());
    return qr;
  }

  /** @internal A WAState change the library turns into `disconnected` + destroy(). */
  stateChanged(state: string): void {
    if (this.state !== 'ready') return; // the listener is attached only once ready
    if (state === WAState.UNPAIRED) this.world.unlinkDevice(this.sessionDir, { deleteFolder: false });
    this.emit('disconnected', state);
    this.close();
  }

  /** @internal Logged out from the phone: 'LOGOUT', the LocalAuth folder deleted, the page reloads to a QR. */
  loggedOut(): void {
    this.emit('disconnected', 'LOGOUT');
    this.outbox = [];
    this.pumping = false;
    this.clearTimers();
    this.state = 'starting';
    this.info = null;
    this.world.unlinkDevice(this.sessionDir, { deleteFolder: true });
    // LocalAuth.logout() then beforeBrowserInitialized() again: the folder is recreated empty.
    fs.mkdirSync(path.join(this.profileDir, 'Default'), { recursive: true });
    this.schedule(() => {
      if (this.state === 'starting') this.showQr();
    });
  }

  /** @internal Queue a message for emission (in order, one per tick, only while ready). */
  enqueue(message: FakeWaMessage): void {
    this.outbox.push(message);
    this.pump();
  }

  /** @internal Browser closed: timers stop, undelivered messages go back to the account. */
  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.info = null;
    this.clearTimers();
    const undelivered = this.outbox;
    this.outbox = [];
    this.pumping = false;
    this.world.noteClosed(this, undelivered);
  }

  private showQr(): void {
    this.state = 'qr';
    this.qrShown = 0;
    // The keys are per browser registration; only the ref changes on refresh.
    this.qrKeys = [b64(32), b64(32), b64(32)].join(',');
    this.emitQr();
    if (this.state === 'qr') this.qrTimer = setInterval(() => this.emitQr(), this.world.qrIntervalMs);
  }

  private emitQr(): void {
    if (this.state !== 'qr') return;
    const qr = `2@${b64(64)},${this.qrKeys},1`;
    this.qrCodes.push(qr);
    this.qrShown += 1;
    this.emit('qr', qr);
    const max = this.world.qrMaxRetries;
    if (max > 0 && this.qrShown > max) {
      this.emit('disconnected', WA_ERRORS.maxQrRetries);
      this.close();
      return;
    }
    this.world.qrShown(this);
  }

  private stopQr(): void {
    if (this.qrTimer) clearInterval(this.qrTimer);
    this.qrTimer = null;
  }

  private becomeReady(): void {
    if (this.state !== 'syncing') return;
    this.emit('authenticated', undefined); // LocalAuth's getAuthEventPayload() returns undefined
    this.schedule(() => {
      if (this.state !== 'syncing') return;
      this.state = 'ready';
      const me = wid(`${this.world.ownNumber}@c.us`);
      this.info = { wid: me, me, pushname: this.world.pushname, platform: 'android' };
      this.emit('ready');
      this.world.clientReady(this);
    });
  }

  private pump(): void {
    if (this.pumping || this.state !== 'ready' || this.outbox.length === 0) return;
    this.pumping = true;
    this.schedule(() => {
      this.pumping = false;
      if (this.state !== 'ready') return;
      const message = this.outbox.shift();
      if (!message) return;
      message.client = this;
      const events = ['message_create'];
      this.emit('message_create', message);
      if (!message.fromMe && this.state === 'ready') {
        this.emit('message', message);
        events.push('message');
      }
      this.world.delivered.push({ message, clientIndex: this.index, sessionDir: this.sessionDir, events, at: Date.now() });
      this.pump();
    });
  }

  private schedule(fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, 0);
    this.timers.add(timer);
  }

  private clearTimers(): void {
    this.stopQr();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

// ---------------------------------------------------------------------------
// The world

/** WhatsApp's servers and the phones: pairing, users, the bot's sends. */
export class FakeWhatsApp {
  readonly driver: WaDriver;
  readonly clients: FakeWaClient[] = [];
  /** Most clients with a running browser at the same time. */
  maxAliveAtOnce = 0;
  /** initialize() calls, across clients. */
  initializeCalls = 0;
  /** initialize() calls refused because another browser held the session folder. */
  profileLockConflicts = 0;
  /** Every message a user (or the account's phone) sent, in order. */
  readonly inbox: FakeWaMessage[] = [];
  /** Every emission of a message to a client. */
  readonly delivered: DeliveryRecord[] = [];
  /** Messages lost because no device was online (`offlineMessages: 'drop'`) or the device was unlinked. */
  readonly dropped: FakeWaMessage[] = [];
  /** Every sendMessage call, failed ones included. */
  readonly sendCalls: SendCall[] = [];
  /** Errors thrown by the adapter's listeners. */
  readonly listenerErrors: unknown[] = [];

  readonly qrIntervalMs: number;
  readonly qrMaxRetries: number;
  readonly ownNumber: string;
  readonly pushname: string;
  private readonly clientId?: string;
  private readonly offlineMessages: 'deliver' | 'drop';
  private readonly unknownChats: 'reject' | 'accept';
  /** Linked devices, by absolute session dir (WhatsApp's side of the pairing). */
  private readonly linked = new Set<string>();
  private readonly pending = new Map<string, FakeWaMessage[]>();
  /** Messages sent while no device at all was linked. */
  private unlinkedBacklog: FakeWaMessage[] = [];
  private readonly knownChats = new Set<string>();
  private readonly usedIds = new Set<string>();
  private initializeFailures: unknown[] = [];
  private authFailures: string[] = [];
  private sendFailures: unknown[] = [];
  private downloadOverrides: DownloadBehaviour[] = [];
  private seq = 0;
  private readonly waiters = new Set<{ check: () => boolean; timer: ReturnType<typeof setTimeout> }>();
  private readonly qrWaiters: Array<{ onQr: (client: FakeWaClient) => void; timer: ReturnType<typeof setTimeout> }> = [];

  constructor(options: FakeWhatsAppOptions = {}) {
    this.qrIntervalMs = options.qrIntervalMs ?? 20_000;
    this.qrMaxRetries = options.qrMaxRetries ?? 0;
    this.ownNumber = options.ownNumber ?? '79990000000';
    this.pushname = options.pushname ?? 'RelayDesk Support';
    this.clientId = options.clientId;
    if (this.clientId !== undefined && !/^[-_\w]+$/i.test(this.clientId)) {
      // LocalAuth's own check.
      throw new Error('Invalid clientId. Only alphanumeric characters, underscores and hyphens are allowed.');
    }
    this.offlineMessages = options.offlineMessages ?? 'deliver';
    this.unknownChats = options.unknownChats ?? 'reject';
    for (const dir of options.pairedSessions ?? []) this.pair(dir);
    this.driver = {
      createClient: (sessionDir: string) => {
        const client = new FakeWaClient(this, path.resolve(sessionDir), this.clients.length);
        this.clients.push(client);
        return client;
      },
      createMedia: (mimetype: string, data: Buffer, filename: string | null) =>
        new FakeMessageMedia(mimetype, data.toString('base64'), filename, data.length),
    };
  }

  /** The bot account's wid. */
  get ownWid(): string {
    return `${this.ownNumber}@c.us`;
  }

  // -------------------------------------------------------------------------
  // Clients and sessions

  /** Clients whose browser is running. */
  aliveClients(): FakeWaClient[] {
    return this.clients.filter((c) => c.alive);
  }

  /** Clients that are ready (receive messages, can send). */
  readyClients(): FakeWaClient[] {
    return this.clients.filter((c) => c.state === 'ready');
  }

  /** The most recent client made for a session dir. */
  clientFor(sessionDir: string): FakeWaClient | undefined {
    const key = path.resolve(sessionDir);
    return [...this.clients].reverse().find((c) => c.sessionDir === key);
  }

  /** LocalAuth's profile folder for a session dir (`<dir>/session` or `<dir>/session-<clientId>`). */
  profileDirOf(sessionDir: string): string {
    return path.join(path.resolve(sessionDir), this.clientId ? `session-${this.clientId}` : 'session');
  }

  /** Linked on WhatsApp's side and the LocalAuth folder still holds the session. */
  isPaired(sessionDir: string): boolean {
    const key = path.resolve(sessionDir);
    return this.linked.has(key) && fs.existsSync(path.join(this.profileDirOf(key), MARKER_FILE));
  }

  /** Session dirs linked on WhatsApp's side. */
  pairedSessions(): string[] {
    return [...this.linked];
  }

  /** Link a session dir without a QR (as if scanned in an earlier run): writes the folder and its marker. */
  pair(sessionDir: string): void {
    this.linkDevice(path.resolve(sessionDir));
  }

  /** The phone scans the QR shown by the client of `sessionDir`. Returns the code scanned. */
  scan(sessionDir: string): string {
    const key = path.resolve(sessionDir);
    const client = [...this.clients].reverse().find((c) => c.sessionDir === key && c.state === 'qr');
    if (!client) throw new Error(`FakeWhatsApp: no client shows a QR for ${key}`);
    return client.scanned();
  }

  /** Scans the next QR shown by any client (the current one if a client is waiting). */
  scanNextQr(timeoutMs = 5000): Promise<string> {
    const showing = [...this.clients].reverse().find((c) => c.state === 'qr');
    if (showing) return Promise.resolve(showing.scanned());
    return new Promise<string>((resolve, reject) => {
      const waiter = {
        onQr: (client: FakeWaClient): void => {
          clearTimeout(waiter.timer);
          try {
            resolve(client.scanned());
          } catch (err) {
            reject(err);
          }
        },
        timer: setTimeout(() => {
          const i = this.qrWaiters.indexOf(waiter);
          if (i >= 0) this.qrWaiters.splice(i, 1);
          reject(new Error(`FakeWhatsApp: no QR shown within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.qrWaiters.push(waiter);
    });
  }

  /** The next initialize() (of any client) rejects with `error` before launching the browser. */
  failInitialize(error: unknown = new Error('Failed to launch the browser process!')): void {
    this.initializeFailures.push(error);
  }

  /** The next initialize() emits `auth_failure` and destroys the client (never happens with LocalAuth itself). */
  failAuth(message = 'Unable to restore the session'): void {
    this.authFailures.push(message);
  }

  /**
   * WhatsApp Web's state changes to `reason` on the ready clients (of `sessionDir`,
   * or all): `disconnected` with it, then the library closes the browser.
   * CONFLICT: the session was opened in another browser; UNPAIRED: the device was
   * unlinked (the session is gone, the next initialize shows a QR); 'LOGOUT' is
   * `logoutFromPhone()`. Accepted states (CONNECTED, OPENING, PAIRING, TIMEOUT)
   * never disconnect, so they are refused here.
   */
  disconnect(reason: string, sessionDir?: string): void {
    if (reason === 'LOGOUT') {
      this.logoutFromPhone(sessionDir);
      return;
    }
    if (ACCEPTED_STATES.includes(reason)) {
      throw new Error(`FakeWhatsApp: the library does not emit 'disconnected' for ${reason}`);
    }
    const targets = this.readyClients().filter((c) => sessionDir === undefined || c.sessionDir === path.resolve(sessionDir));
    if (targets.length === 0) throw new Error('FakeWhatsApp: no ready client to disconnect');
    for (const client of targets) client.stateChanged(reason);
  }

  /**
   * The user unlinks the device on the phone: ready clients emit `disconnected`
   * 'LOGOUT', LocalAuth deletes the session folder and the page shows a new QR.
   * With no client running, only WhatsApp's side forgets the device.
   */
  logoutFromPhone(sessionDir?: string): void {
    const dirs = sessionDir === undefined ? [...this.linked] : [path.resolve(sessionDir)];
    for (const dir of dirs) {
      const clients = this.clients.filter((c) => c.sessionDir === dir && (c.state === 'ready' || c.state === 'syncing'));
      if (clients.length === 0) this.unlinkDevice(dir, { deleteFolder: false });
      for (const client of clients) client.loggedOut();
    }
  }

  /** Destroys every client and cancels the waits: call in afterEach. */
  async shutdown(): Promise<void> {
    for (const client of this.clients) await client.destroy();
    for (const waiter of this.waiters) clearTimeout(waiter.timer);
    this.waiters.clear();
    for (const waiter of this.qrWaiters) clearTimeout(waiter.timer);
    this.qrWaiters.length = 0;
  }

  /** Timers still held by clients and waits (0 when everything stopped). */
  pendingTimers(): number {
    return this.clients.reduce((n, c) => n + c.pendingTimers, 0) + this.waiters.size + this.qrWaiters.length;
  }

  // -------------------------------------------------------------------------
  // Users

  /** A user writes to the bot (`chat` by default). */
  userSends(input: UserTextInput): FakeWaMessage {
    const from = input.from ?? DEFAULT_USER;
    assertUser(from);
    const message = this.incoming({
      remote: from,
      type: input.type ?? MessageTypes.TEXT,
      body: input.body,
      notifyName: input.notifyName ?? defaultName(from),
      t: input.timestamp,
      broadcast: input.broadcast,
      forwarded: input.forwarded,
    });
    return message;
  }

  /** A user sends a photo (type 'image') or a file (type 'document'); hasMedia, `_data.size` and `_data.mimetype` are set. */
  userSendsImage(input: UserMediaInput): FakeWaMessage {
    const from = input.from ?? DEFAULT_USER;
    assertUser(from);
    const mimetype = input.mimetype ?? 'image/jpeg';
    const type = input.asDocument ? MessageTypes.DOCUMENT : mediaTypeOf(mimetype);
    const filename = input.filename ?? (type === MessageTypes.DOCUMENT ? `file.${extensionOf(mimetype)}` : undefined);
    return this.incoming({
      remote: from,
      type,
      notifyName: input.notifyName ?? defaultName(from),
      t: input.timestamp,
      media: { bytes: input.bytes, mimetype, caption: input.caption, filename, declaredSize: input.declaredSize, download: input.download },
    });
  }

  /** A user sends anything else: 'sticker', 'ptt', 'audio', 'video', 'location', 'vcard', 'revoked', 'e2e_notification', … */
  userSendsOther(type: string, input: OtherInput = {}): FakeWaMessage {
    const from = input.from ?? DEFAULT_USER;
    assertUser(from);
    if (type === MessageTypes.GP2) throw new Error("FakeWhatsApp: 'gp2' is emitted as group_join / group_leave / group_update, not as a message");
    const notifyName = input.notifyName ?? defaultName(from);
    const mediaDefaults: Record<string, { mimetype: string; bytes: Buffer; extra?: Record<string, unknown> }> = {
      sticker: { mimetype: 'image/webp', bytes: Buffer.from('RIFF\x1a\x00\x00\x00WEBPVP8 fake sticker', 'latin1') },
      ptt: { mimetype: 'audio/ogg; codecs=opus', bytes: Buffer.from('OggS fake voice note', 'latin1'), extra: { duration: '3' } },
      audio: { mimetype: 'audio/mpeg', bytes: Buffer.from('ID3 fake audio', 'latin1'), extra: { duration: '42' } },
      video: { mimetype: 'video/mp4', bytes: Buffer.from('\x00\x00\x00\x18ftypmp42 fake video', 'latin1'), extra: { duration: '7' } },
      image: { mimetype: 'image/jpeg', bytes: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0xff, 0xd9]) },
      document: { mimetype: 'application/pdf', bytes: Buffer.from('%PDF-1.4\n%fake\n', 'latin1') },
    };
    const media = mediaDefaults[type];
    if (media) {
      const mimetype = input.mimetype ?? media.mimetype;
      return this.incoming({
        remote: from,
        type,
        notifyName,
        extra: media.extra,
        media: {
          bytes: input.bytes ?? media.bytes,
          mimetype,
          caption: input.body,
          filename: input.filename ?? (type === MessageTypes.DOCUMENT ? `file.${extensionOf(mimetype)}` : undefined),
          download: input.download,
        },
      });
    }
    let body = input.body ?? '';
    let extra: Record<string, unknown> | undefined;
    if (type === MessageTypes.LOCATION) {
      // The body of a location message is its JPEG thumbnail, in base64.
      body = input.body ?? FAKE_JPEG_THUMB;
      extra = { lat: 55.7539, lng: 37.6208, loc: 'Red Square\nMoscow' };
    } else if (type === MessageTypes.CONTACT_CARD) {
      body = input.body ?? 'BEGIN:VCARD\nVERSION:3.0\nN:;Ivan;;;\nFN:Ivan\nTEL;type=CELL;waid=79005550000:+7 900 555-00-00\nEND:VCARD';
      extra = { vcardFormattedName: 'Ivan' };
    } else if (type === MessageTypes.POLL_CREATION) {
      extra = { pollName: input.body ?? 'Poll', pollOptions: [{ name: 'Yes', localId: 0 }, { name: 'No', localId: 1 }] };
      body = '';
    }
    return this.incoming({ remote: from, type, body, notifyName, extra });
  }

  /** A member writes in a group the account is in: `from` is the group, `author` the member. */
  groupMessage(input: GroupInput): FakeWaMessage {
    const group = input.group ?? DEFAULT_GROUP;
    if (!GROUP_WID.test(group)) throw new Error(`FakeWhatsApp: ${group} is not a group id (<digits>@g.us)`);
    const author = input.author ?? DEFAULT_USER;
    assertUser(author);
    return this.incoming({
      remote: group,
      participant: author,
      type: input.type ?? MessageTypes.TEXT,
      body: input.body,
      notifyName: input.notifyName ?? defaultName(author),
    });
  }

  /** A contact posts a status: `from` 'status@broadcast', `author` the contact, isStatus true. */
  statusBroadcast(input: StatusInput = {}): FakeWaMessage {
    const author = input.author ?? DEFAULT_USER;
    assertUser(author);
    const base = { remote: STATUS_BROADCAST, participant: author, notifyName: input.notifyName ?? defaultName(author), extra: { isStatusV3: true } };
    if (input.bytes) {
      const mimetype = input.mimetype ?? 'image/jpeg';
      return this.incoming({ ...base, type: mediaTypeOf(mimetype), media: { bytes: input.bytes, mimetype, caption: input.body } });
    }
    return this.incoming({ ...base, type: MessageTypes.TEXT, body: input.body ?? 'My status' });
  }

  /**
   * The account's own phone (a person using the bot's number) writes to a chat:
   * the library emits it as `message_create` with fromMe true, never as `message`.
   */
  phoneSends(input: { to: string; body: string }): FakeWaMessage {
    if (!CHAT_WID.test(input.to)) throw new Error(`FakeWhatsApp: ${input.to} is not a chat id`);
    this.knownChats.add(input.to);
    const data = this.messageData({ fromMe: true, remote: input.to, type: MessageTypes.TEXT, body: input.body, idStyle: 'android' });
    const message = new FakeWaMessage(this, { data });
    this.inbox.push(message);
    this.route(message);
    return message;
  }

  /** Emits the same message object again (same id), as WhatsApp does after a reconnect. */
  redeliver(message: FakeWaMessage): void {
    this.route(message);
  }

  /** The next downloadMedia() (of any message) resolves undefined ('expired') or rejects. */
  failNextDownload(behaviour: 'expired' | { error: unknown } = { error: new Error('media download failed') }): void {
    this.downloadOverrides.push(behaviour);
  }

  /** Make a chat known (as if it had written before), so sends to it do not fail with "No LID for user". */
  registerChat(chatId: string): void {
    this.knownChats.add(chatId);
  }

  // -------------------------------------------------------------------------
  // The bot's side

  /** Successful sends, to one chat or all. */
  sent(chatId?: string): SendCall[] {
    return this.sendCalls.filter((c) => c.ok && (chatId === undefined || c.chatId === chatId));
  }

  /** The next sendMessage (of any client) rejects with `error`. */
  failNextSend(error: unknown = new Error('Evaluation failed: Error: sendMessage failed')): void {
    this.sendFailures.push(error);
  }

  /** Resolves once `count` messages were sent to `chatId`. */
  waitForSent(chatId: string, count = 1, timeoutMs = 2000): Promise<SendCall[]> {
    const done = (): boolean => this.sent(chatId).length >= count;
    if (done()) return Promise.resolve(this.sent(chatId));
    return new Promise<SendCall[]>((resolve, reject) => {
      const waiter = {
        check: () => {
          if (!done()) return false;
          clearTimeout(waiter.timer);
          resolve(this.sent(chatId));
          return true;
        },
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          const got = this.sent(chatId).map((c) => c.body);
          reject(new Error(`FakeWhatsApp: ${count} message(s) to ${chatId} not sent within ${timeoutMs} ms; sent: ${JSON.stringify(got)}`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  // -------------------------------------------------------------------------
  // Internals used by clients and messages

  /** @internal */
  async handleSend(client: FakeWaClient, chatId: string, content: string | WaMedia, options: SendOptions): Promise<FakeWaMessage> {
    const call: SendCall = {
      seq: ++this.seq,
      at: Date.now(),
      chatId,
      sessionDir: client.sessionDir,
      clientIndex: client.index,
      kind: typeof content === 'string' ? 'text' : 'media',
      body: '',
      options: { ...options },
      ok: false,
    };
    if (typeof content === 'string') {
      call.text = content;
      call.body = content;
    } else if (content instanceof FakeMessageMedia) {
      call.caption = options.caption;
      call.body = options.caption ?? '';
      call.media = { mimetype: content.mimetype, filename: content.filename, bytes: Buffer.from(content.data, 'base64') };
    }
    this.sendCalls.push(call);
    try {
      await null;
      client.assertPage('send');
      if (this.sendFailures.length > 0) throw this.sendFailures.shift();
      if (typeof content !== 'string' && !(content instanceof FakeMessageMedia)) {
        throw new TypeError('FakeWhatsApp: content is neither a string nor a media made by driver.createMedia (the library checks `instanceof MessageMedia`)');
      }
      if (!CHAT_WID.test(chatId)) throw new Error(WA_ERRORS.invalidWid);
      if (this.unknownChats === 'reject' && !this.knownChats.has(chatId) && chatId !== STATUS_BROADCAST) {
        if (USER_WID.test(chatId)) throw new Error(WA_ERRORS.noLid);
        throw new Error(`FakeWhatsApp: the account has no chat ${chatId}`);
      }
      const message = this.sentMessage(chatId, content, options);
      message.client = client;
      call.ok = true;
      call.message = message;
      for (const ready of this.readyClients()) ready.enqueue(message); // message_create on every linked device
      this.checkWaiters();
      return message;
    } catch (err) {
      call.error = err;
      throw err;
    }
  }

  /** @internal */
  takeInitializeFailure(): { fail: false } | { fail: true; error: unknown } {
    if (this.initializeFailures.length === 0) return { fail: false };
    return { fail: true, error: this.initializeFailures.shift() };
  }

  /** @internal */
  takeAuthFailure(): string | undefined {
    return this.authFailures.shift();
  }

  /** @internal */
  takeDownloadBehaviour(message: FakeWaMessage): DownloadBehaviour {
    return this.downloadOverrides.shift() ?? message.download;
  }

  /** @internal */
  aliveClientFor(sessionDir: string): FakeWaClient | undefined {
    return this.clients.find((c) => c.alive && c.sessionDir === sessionDir);
  }

  /** @internal */
  noteLaunched(): void {
    this.maxAliveAtOnce = Math.max(this.maxAliveAtOnce, this.aliveClients().length);
  }

  /** @internal */
  noteClosed(client: FakeWaClient, undelivered: FakeWaMessage[]): void {
    const incoming = undelivered.filter((m) => !m.fromMe || this.inbox.includes(m));
    if (incoming.length === 0) return;
    if (this.linked.has(client.sessionDir)) this.pendingOf(client.sessionDir).unshift(...incoming);
    else this.dropped.push(...incoming);
  }

  /** @internal */
  qrShown(client: FakeWaClient): void {
    const waiter = this.qrWaiters.shift();
    if (waiter) waiter.onQr(client);
  }

  /** @internal The phone linked this session dir. */
  linkDevice(sessionDir: string): void {
    const profile = this.profileDirOf(sessionDir);
    fs.mkdirSync(path.join(profile, 'Default'), { recursive: true });
    fs.writeFileSync(
      path.join(profile, MARKER_FILE),
      JSON.stringify({ wid: this.ownWid, pairedAt: new Date().toISOString(), note: 'FakeWhatsApp stand-in for the Chromium profile LocalAuth keeps here' }, null, 2),
    );
    this.linked.add(sessionDir);
    // Messages sent while no device was linked: the first linked device gets them.
    const backlog = this.unlinkedBacklog;
    this.unlinkedBacklog = [];
    this.pendingOf(sessionDir).push(...backlog);
  }

  /** @internal The device is unlinked; LocalAuth.logout() deletes the folder. */
  unlinkDevice(sessionDir: string, { deleteFolder }: { deleteFolder: boolean }): void {
    this.linked.delete(sessionDir);
    const pending = this.pending.get(sessionDir) ?? [];
    this.pending.delete(sessionDir);
    this.dropped.push(...pending);
    if (deleteFolder) fs.rmSync(this.profileDirOf(sessionDir), { recursive: true, force: true });
  }

  /** @internal A client turned ready: it gets what arrived for its device meanwhile. */
  clientReady(client: FakeWaClient): void {
    const pending = this.pending.get(client.sessionDir) ?? [];
    this.pending.delete(client.sessionDir);
    for (const message of pending) client.enqueue(message);
  }

  private route(message: FakeWaMessage): void {
    if (this.linked.size === 0) {
      if (this.offlineMessages === 'drop') this.dropped.push(message);
      else this.unlinkedBacklog.push(message);
      return;
    }
    for (const dir of this.linked) {
      const ready = this.readyClients().filter((c) => c.sessionDir === dir);
      if (ready.length > 0) for (const client of ready) client.enqueue(message);
      else if (this.offlineMessages === 'drop') this.dropped.push(message);
      else this.pendingOf(dir).push(message);
    }
  }

  private pendingOf(sessionDir: string): FakeWaMessage[] {
    let list = this.pending.get(sessionDir);
    if (!list) {
      list = [];
      this.pending.set(sessionDir, list);
    }
    return list;
  }

  private checkWaiters(): void {
    for (const waiter of [...this.waiters]) if (waiter.check()) this.waiters.delete(waiter);
  }

  private incoming(spec: {
    remote: string;
    participant?: string;
    type: string;
    body?: string;
    notifyName?: string;
    t?: number;
    broadcast?: boolean;
    forwarded?: boolean;
    extra?: Record<string, unknown>;
    media?: { bytes: Buffer; mimetype: string; caption?: string; filename?: string; declaredSize?: number; download?: DownloadBehaviour };
  }): FakeWaMessage {
    if (spec.remote !== STATUS_BROADCAST) this.knownChats.add(spec.remote);
    const data = this.messageData({
      fromMe: false,
      remote: spec.remote,
      participant: spec.participant,
      type: spec.type,
      body: spec.body ?? '',
      notifyName: spec.notifyName,
      t: spec.t,
      broadcast: spec.broadcast,
      forwarded: spec.forwarded,
      idStyle: 'android',
    });
    Object.assign(data, spec.extra ?? {});
    if (spec.media) Object.assign(data, mediaFields(spec.media));
    const message = new FakeWaMessage(this, { data, bytes: spec.media?.bytes, download: spec.media?.download });
    this.inbox.push(message);
    this.route(message);
    return message;
  }

  private sentMessage(chatId: string, content: string | FakeMessageMedia, options: SendOptions): FakeWaMessage {
    if (typeof content === 'string') {
      const data = this.messageData({ fromMe: true, remote: chatId, type: MessageTypes.TEXT, body: content, idStyle: 'web' });
      if (options.quotedMessageId) data.quotedMsgId = options.quotedMessageId;
      data.ack = 0;
      return new FakeWaMessage(this, { data });
    }
    const bytes = Buffer.from(content.data, 'base64');
    let type: string = mediaTypeOf(content.mimetype);
    if (options.sendMediaAsDocument) type = MessageTypes.DOCUMENT;
    else if (options.sendMediaAsSticker) type = MessageTypes.STICKER;
    else if (options.sendAudioAsVoice && type === MessageTypes.AUDIO) type = MessageTypes.VOICE;
    const data = this.messageData({ fromMe: true, remote: chatId, type, body: '', idStyle: 'web' });
    Object.assign(data, mediaFields({ bytes, mimetype: content.mimetype, caption: options.caption, filename: content.filename ?? undefined }));
    if (options.quotedMessageId) data.quotedMsgId = options.quotedMessageId;
    data.ack = 0;
    return new FakeWaMessage(this, { data, bytes });
  }

  private messageData(spec: {
    fromMe: boolean;
    remote: string;
    participant?: string;
    type: string;
    body: string;
    notifyName?: string;
    t?: number;
    broadcast?: boolean;
    forwarded?: boolean;
    idStyle: 'android' | 'web';
  }): FakeMessageData {
    const id = this.newId(spec.idStyle);
    const serialized = `${spec.fromMe}_${spec.remote}_${id}${spec.participant ? `_${spec.participant}` : ''}`;
    const me = wid(this.ownWid);
    const data: FakeMessageData = {
      id: { fromMe: spec.fromMe, remote: spec.remote, id, _serialized: serialized },
      body: spec.body,
      type: spec.type,
      t: spec.t ?? Math.floor(Date.now() / 1000),
      from: spec.fromMe ? me : wid(spec.remote),
      to: spec.fromMe ? wid(spec.remote) : me,
      ack: 1,
      self: spec.fromMe ? 'out' : 'in',
      isNewMsg: true,
      star: false,
      broadcast: spec.broadcast ?? false,
      isForwarded: spec.forwarded ?? false,
      forwardingScore: spec.forwarded ? 1 : 0,
      mentionedJidList: [],
      links: findLinks(spec.body),
    };
    if (spec.participant) {
      data.id.participant = spec.participant;
      data.author = wid(spec.participant);
    }
    if (spec.notifyName !== undefined) data.notifyName = spec.notifyName;
    return data;
  }

  private newId(style: 'android' | 'web'): string {
    for (;;) {
      // Android phones make 32 hex digits; WhatsApp Web "3EB0" + 16 (Message.deviceType tells them apart by length).
      const id = style === 'android' ? randomBytes(16).toString('hex').toUpperCase() : `3EB0${randomBytes(8).toString('hex').toUpperCase()}`;
      if (!this.usedIds.has(id)) {
        this.usedIds.add(id);
        return id;
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Helpers

const FAKE_JPEG_THUMB = '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAACf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AKp//2Q==';

function b64(bytes: number): string {
  return randomBytes(bytes).toString('base64');
}

function wid(serialized: string): SerializedWid {
  const at = serialized.indexOf('@');
  return { server: serialized.slice(at + 1), user: serialized.slice(0, at), _serialized: serialized };
}

function assertUser(id: string): void {
  if (!USER_WID.test(id)) throw new Error(`FakeWhatsApp: ${id} is not a user id (<digits>@c.us or <digits>@lid)`);
}

function defaultName(id: string): string {
  return `User ${id.split('@')[0]?.slice(-4) ?? ''}`;
}

function mediaTypeOf(mimetype: string): string {
  if (mimetype.startsWith('image/')) return MessageTypes.IMAGE;
  if (mimetype.startsWith('video/')) return MessageTypes.VIDEO;
  if (mimetype.startsWith('audio/')) return MessageTypes.AUDIO;
  return MessageTypes.DOCUMENT;
}

function extensionOf(mimetype: string): string {
  const known: Record<string, string> = {
    'application/pdf': 'pdf',
    'image/jpeg': 'jpg',
    'image/png': 'png',
    'image/webp': 'webp',
    'text/plain': 'txt',
    'application/zip': 'zip',
  };
  return known[mimetype] ?? 'bin';
}

function mediaFields(media: { bytes: Buffer; mimetype: string; caption?: string; filename?: string; declaredSize?: number }): Partial<FakeMessageData> {
  const fields: Partial<FakeMessageData> = {
    mimetype: media.mimetype,
    size: media.declaredSize ?? media.bytes.length,
    filehash: createHash('sha256').update(media.bytes).digest('base64'),
    mediaKey: b64(32),
    directPath: `/v/t62.7118-24/${randomBytes(8).readBigUInt64BE().toString()}_n.enc?ccb=11-4&oh=01_${randomBytes(12).toString('hex')}&oe=${Math.floor(Date.now() / 1000) + 14 * 86400}`,
    // For media the body of the page model is a thumbnail preview; Message.body is the caption.
    body: media.mimetype.startsWith('image/') || media.mimetype.startsWith('video/') ? FAKE_JPEG_THUMB : '',
  };
  if (media.caption !== undefined) fields.caption = media.caption;
  if (media.filename !== undefined) fields.filename = media.filename;
  return fields;
}

function findLinks(text: string): Array<{ link: string; isSuspicious: boolean }> {
  return [...text.matchAll(/https?:\/\/[^\s]+/g)].map((m) => ({ link: m[0], isSuspicious: false }));
}
