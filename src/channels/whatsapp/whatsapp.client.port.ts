/**
 * The part of whatsapp-web.js (https://docs.wwebjs.dev/Client.html) the
 * WhatsApp channel uses, as an interface: the real `Client` satisfies it, and
 * the tests' fake (test/fakes/whatsapp/) implements it with the library's
 * payload shapes. Names and shapes follow the library's.
 */

/** `Message.id` (https://docs.wwebjs.dev/Message.html). */
export interface WaMessageId {
  fromMe: boolean;
  /** The chat: `<number>@c.us` (a person), `<id>@g.us` (a group), `status@broadcast`, or `<id>@lid`. */
  remote: string;
  id: string;
  /** `${fromMe}_${remote}_${id}`: unique, the de-duplication key. */
  _serialized: string;
}

/** `MessageMedia` (https://docs.wwebjs.dev/MessageMedia.html): base64 data. */
export interface WaMedia {
  mimetype: string;
  data: string;
  filename?: string | null;
  filesize?: number | null;
}

/** `Message` (https://docs.wwebjs.dev/Message.html), the fields the channel reads. */
export interface WaMessage {
  id: WaMessageId;
  from: string;
  to: string;
  /** The sender inside a group. */
  author?: string;
  body: string;
  /** `chat`, `image`, `document`, `sticker`, `ptt`, `audio`, `video`, `location`, `vcard`, `revoked`, `e2e_notification`, … */
  type: string;
  fromMe: boolean;
  hasMedia: boolean;
  /** Seconds since the epoch. */
  timestamp: number;
  isStatus: boolean;
  broadcast?: boolean;
  /** Raw data: the sender's push name and the media's declared size and type. */
  _data?: { notifyName?: string; size?: number; mimetype?: string; filename?: string };
  downloadMedia(): Promise<WaMedia | undefined>;
}

/** The events of `Client` the channel listens to. */
export interface WaClientEvents {
  qr: (qr: string) => void;
  authenticated: () => void;
  auth_failure: (message: string) => void;
  ready: () => void;
  message: (message: WaMessage) => void;
  /** `reason`: a WAState such as `CONFLICT` or `UNPAIRED`, or `LOGOUT` when the phone unlinked the device. */
  disconnected: (reason: string) => void;
}

/** `Client` (https://docs.wwebjs.dev/Client.html), the methods the channel calls. */
export interface WaClient {
  on<E extends keyof WaClientEvents>(event: E, listener: WaClientEvents[E]): unknown;
  removeAllListeners(event?: string): unknown;
  initialize(): Promise<void>;
  /** Resolves undefined when the chat was not found, null for a message type the chat does not take. */
  sendMessage(chatId: string, content: string | WaMedia, options?: { caption?: string; linkPreview?: boolean }): Promise<{ id: WaMessageId } | undefined | null>;
  destroy(): Promise<void>;
}

/** Makes clients and media: whatsapp-web.js in production, the fake in tests. */
export interface WaDriver {
  /** A new client for the session stored under `sessionDir`. */
  createClient(sessionDir: string): WaClient;
  /** Media the client can send (the library checks `instanceof MessageMedia`). */
  createMedia(mimetype: string, data: Buffer, filename: string | null): WaMedia;
}
