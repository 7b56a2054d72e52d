import type { WidgetConfig } from './config';
import { Connection, type ConnectionStatus } from './connection';
import { newClientId } from './client-id';
import { Credentials, type IdentityRecord } from './credentials';
import { errorText, stringsFor, type Strings } from './i18n';
import { Outbox, type OutboxItem } from './outbox';
import { UNSTORED_GREETING_ID, type Choice, type HandshakeAuth, type HistoryPayload, type Identity, type ServerMessage, type SessionPayload } from './protocol';
import { openSlots } from './storage';
import { TypingSignal } from './typing';
import { uploadFile, UploadError } from './upload';
import { describeRefusal, isFinalRefusal } from './upload-refusal';
import { Composer } from './view/composer';
import { MessageList } from './view/message-list';
import { Shell } from './view/shell';

export type MessageListener = (m: ServerMessage) => void;

type Slots = ReturnType<typeof openSlots<OutboxItem, IdentityRecord>>;

/** An agent's typing indicator hides by itself if the stop signal is lost. */
const AGENT_TYPING_MAX_MS = 15_000;

/** The widget's controller: connection, credentials, outbox and view wired together. */
export class Chat {
  private readonly s: Strings;
  private readonly slots: Slots;
  private readonly credentials: Credentials;
  private readonly connection: Connection;
  private readonly outbox: Outbox;
  private readonly list: MessageList;
  private readonly composer: Composer;
  private readonly shell: Shell;
  private readonly typing: TypingSignal;
  private visitorId: string | null = null;
  private sentLastSeen = false;
  private histories = 0;
  private ready = false;
  private unread = 0;
  private agentTypingTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly config: WidgetConfig,
    host: HTMLElement,
    private readonly listeners: Set<MessageListener>,
  ) {
    this.s = stringsFor(config.locale);
    this.slots = openSlots<OutboxItem, IdentityRecord>(config.base);
    this.credentials = new Credentials(this.slots.token, this.slots.identity);
    this.composer = new Composer(this.s, { submit: (t, f) => this.submit(t, f), input: () => this.typing.input() });
    this.shell = new Shell(host, config, this.s, this.composer.el, {
      toggle: () => (this.shell.isOpen ? this.close() : this.open()),
      close: () => this.close(),
      loadEarlier: () => void this.loadEarlier(),
      drop: (file) => this.composer.setFile(file),
    });
    this.list = new MessageList(this.shell.log, { strings: this.s, base: config.base, choose: (c) => this.choose(c) });
    this.connection = new Connection(config.base, {
      auth: () => this.auth(),
      session: (s) => this.onSession(s),
      history: (p) => this.onHistory(p),
      message: (m) => this.receive(m),
      typing: (t) => this.setAgentTyping(t.typing),
      status: (st) => this.onStatus(st),
      tokenRefused: () => (this.credentials.saveToken(null), this.resetConversation()),
      identityRefused: () => {
        console.error('RelayDesk: the identity was refused (its hash does not match); continuing anonymously');
        this.credentials.identify(null);
        this.resetConversation();
      },
    });
    this.typing = new TypingSignal((typing) => this.connection.sendTyping(typing));
    this.outbox = new Outbox(this.slots.outbox, { ready: () => this.ready, send: (m) => this.connection.sendMessage(m) }, {
      delivered: (item, id) => this.list.confirm(item.clientId, id),
      rejected: (item, error) => this.list.fail(item.clientId, errorText(this.s, error.code)),
    });
    this.outbox.pending().forEach((item) => this.list.addPending(item));
    // A returning visitor connects at once (for replies that came meanwhile); a new one on opening the chat.
    if (this.slots.open.get()) this.open(false);
    else if (this.credentials.known() || this.outbox.pending().length) this.connection.start();
  }

  open(focus = true): void {
    this.shell.setOpen(true);
    this.slots.open.set(true);
    this.connection.start();
    this.shell.jump(this.list.lastIncoming());
    this.markRead();
    if (focus) this.composer.focus();
  }

  close(): void {
    const hadFocus = !!this.shell.shadow.activeElement;
    this.shell.setOpen(false);
    this.slots.open.set(null);
    if (hadFocus) this.shell.launcher.focus();
  }

  identify(identity: Identity): void {
    if (!identity || typeof identity.externalId !== 'string' || typeof identity.hash !== 'string') {
      console.error('RelayDesk.identify: externalId and hash (strings) are required');
      return;
    }
    if (!this.credentials.identify(identity)) return;
    this.resetConversation();
    this.connection.restart();
  }

  /** Forgets the visitor on this browser (for the site's log-out). */
  logout(): void {
    this.credentials.forgetAll();
    this.slots.lastRead.set(null);
    this.outbox.clear();
    this.resetConversation();
    if (this.shell.isOpen) this.connection.restart();
    else this.connection.stop();
  }

  private auth(): HandshakeAuth {
    const auth: HandshakeAuth = { locale: this.config.locale };
    if (this.config.prechat) auth.prechat = true;
    const token = this.credentials.token();
    const identity = this.credentials.identity();
    const last = this.list.newestId();
    if (token) auth.token = token;
    if (identity) auth.identity = identity;
    if (last) auth.lastSeenId = last;
    this.sentLastSeen = !!last;
    return auth;
  }

  private onSession(s: SessionPayload): void {
    this.credentials.saveToken(s.token);
    const changed = this.visitorId !== null && this.visitorId !== s.visitorId;
    this.visitorId = s.visitorId;
    if (!changed) return;
    // Another visitor than the one shown: its history must not be cut at our lastSeenId.
    const mustReload = this.sentLastSeen;
    this.resetConversation();
    if (mustReload) this.connection.restart();
  }

  private onHistory({ messages, hasMore }: HistoryPayload): void {
    if (this.histories++ === 0) {
      messages.forEach((m) => this.show(m));
      this.shell.setHasMore(hasMore);
      this.shell.setLoading(false);
      this.setUnread(this.shell.isOpen ? 0 : this.list.countUnread(this.slots.lastRead.get()));
      this.shell.jump(this.list.lastIncoming());
    } else {
      // The greeting shown on opening is replaced by the stored history, once the server has one.
      if (!this.sentLastSeen && !messages.some((m) => m.id === UNSTORED_GREETING_ID)) this.list.remove(UNSTORED_GREETING_ID);
      messages.forEach((m) => this.receive(m));
    }
    if (this.shell.isOpen) this.markRead();
    this.ready = true;
    void this.outbox.flush();
  }

  private show(m: ServerMessage): ReturnType<MessageList['upsert']> {
    if (m.clientId) this.outbox.settle(m.clientId);
    return this.list.upsert(m);
  }

  /** A message new to this page: shown once, counted if unseen, given to `on('message')`. */
  private receive(m: ServerMessage): void {
    const outcome = this.show(m);
    if (outcome === 'known') return;
    if (m.from === 'agent') this.setAgentTyping(false);
    if (outcome === 'new' && m.from !== 'customer' && !this.shell.isOpen) this.setUnread(this.unread + 1);
    if (this.shell.isOpen) this.markRead();
    if (outcome === 'new') this.shell.reveal(this.list.elementOf(m.id), m.from !== 'customer');
    else this.shell.settle();
    for (const fn of this.listeners) {
      try {
        fn(m);
      } catch (err) {
        console.error('RelayDesk: a message listener failed', err);
      }
    }
  }

  private onStatus(status: ConnectionStatus): void {
    if (status !== 'online') this.ready = false;
    this.shell.setStatus(status);
  }

  /** Clears what is shown (another visitor now), keeping the visitor's unsent messages. */
  private resetConversation(): void {
    this.list.clear();
    this.outbox.pending().forEach((item) => this.list.addPending(item));
    this.histories = 0;
    this.visitorId = null;
    this.ready = false;
    this.setUnread(0);
    this.shell.setHasMore(false);
    this.shell.setLoading(true);
    this.shell.jump();
    this.setAgentTyping(false);
  }

  private async submit(text: string, file: File | null): Promise<boolean> {
    this.typing.stop();
    if (!file) return this.enqueue({ text }), true;
    const token = this.credentials.token();
    if (!token || !this.connection.connected) {
      this.composer.showError(this.s.offline);
      return false;
    }
    try {
      const up = await uploadFile(this.config.base, token, file, (p) => this.composer.setProgress(p), this.s.uploadFailed);
      this.enqueue({ text: text || undefined, attachmentId: up.id, attachmentUrl: up.url });
      return true;
    } catch (err) {
      if (!(err instanceof UploadError)) console.error('RelayDesk: upload failed', err);
      // A file the server will never take is dropped, so the visitor can send the text or pick another one.
      if (err instanceof UploadError && isFinalRefusal(err)) this.composer.clearFile();
      this.composer.showError(err instanceof UploadError ? describeRefusal(this.s, err) : this.s.uploadFailed);
      return false;
    }
  }

  private choose(choice: Choice): void {
    this.enqueue({ choiceId: choice.id, label: choice.label });
    // The pressed button is now disabled; keep keyboard focus inside the chat.
    this.composer.focus();
  }

  private enqueue(fields: Omit<OutboxItem, 'clientId' | 'createdAt'>): void {
    const item: OutboxItem = { clientId: newClientId(), createdAt: new Date().toISOString(), ...fields };
    this.list.addPending(item);
    this.outbox.add(item);
    this.shell.jump();
    this.connection.start();
  }

  private async loadEarlier(): Promise<void> {
    const oldest = this.list.oldestId();
    if (!oldest) return;
    try {
      const ack = await this.connection.loadHistory(oldest, 50);
      if (!ack.ok) throw new Error(`${ack.error.code}: ${ack.error.message}`);
      this.list.prepend(ack.messages);
      this.shell.setHasMore(ack.hasMore);
    } catch (err) {
      console.error('RelayDesk: could not load earlier messages', err);
    }
  }

  private setAgentTyping(typing: boolean): void {
    clearTimeout(this.agentTypingTimer);
    this.shell.setTyping(typing);
    if (typing) this.agentTypingTimer = setTimeout(() => this.shell.setTyping(false), AGENT_TYPING_MAX_MS);
  }

  private setUnread(n: number): void {
    this.unread = n;
    this.shell.setUnread(n);
  }

  private markRead(): void {
    const id = this.list.newestId();
    if (id) this.slots.lastRead.set(id);
    this.setUnread(0);
  }
}
