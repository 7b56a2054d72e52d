/**
 * The desk as a channel sees it (ChannelDesk, owned by the channel layer),
 * implemented on the request store, the attachment service and the desk
 * settings. Each channel gets a desk bound to its name; store failures become
 * ChannelErrors, the one error class of the channel boundary.
 */
import { randomBytes } from 'node:crypto';
import { ChannelError } from '../channels/channel.port.js';
import type { ChannelDesk, DeskFile, HistoryMessage } from '../channels/channel-desk.port.js';
import { describeRefusal, type AttachmentService } from '../requests/attachments.js';
import type { DeskSettingsService } from '../requests/desk-settings.js';
import { StoreError, type MessageWithAttachments, type RequestStore } from '../requests/request-store.port.js';
import type { AttachmentRecord } from '../requests/request.types.js';
import type { KnownIncident } from '../conversation/conversation.types.js';

export interface ChannelDeskDeps {
  store: RequestStore;
  attachments: AttachmentService;
  settings: Pick<DeskSettingsService, 'get'>;
  /** The open mass incidents (IncidentDirectory.list); none without it. */
  knownIncidents?: () => Promise<KnownIncident[]>;
}

/** A desk for `channel`'s customers and files only. */
export function createChannelDesk(channel: string, deps: ChannelDeskDeps): ChannelDesk {
  const { store, attachments } = deps;
  const desk: ChannelDesk = {
    async findCustomer(externalId) {
      const found = await store.findCustomer(channel, externalId);
      return found ? { id: found.id, locale: found.locale, tokensValidAfter: found.tokensValidAfter } : null;
    },
    async ensureCustomer(externalId, locale) {
      const found = await desk.findCustomer(externalId);
      if (found) return found;
      const created = await store.upsertCustomer({ channel, externalId, locale });
      return { id: created.id, locale: created.locale, tokensValidAfter: null };
    },
    async history(customerId, query) {
      const page = await store.listCustomerMessages(customerId, query);
      return { messages: page.messages.map(toHistoryMessage), hasMore: page.hasMore };
    },
    async storeFile(customerId, file) {
      const result = await attachments.ingest({ customerId, ...file });
      return result.ok ? { ok: true, file: toDeskFile(result.attachment) } : { ok: false, refusal: describeRefusal(result, attachments.imageLimits) };
    },
    async openFile(fileId) {
      const attachment = await store.getAttachment(fileId).catch((error: unknown) => {
        if (error instanceof StoreError && error.code === 'not_found') return null; // an id that names no row
        throw error;
      });
      const owner = attachment?.customerId ? await store.getCustomer(attachment.customerId) : null;
      if (!attachment || !owner || owner.channel !== channel) return null;
      return { ...toDeskFile(attachment), ownerExternalId: owner.externalId, read: () => attachments.read(attachment) };
    },
    unsentFileBytes: (customerId) => store.unsentUploadBytes(customerId),
    sharedSecret: (name) => store.ensureSetting(`${channel}.${name}`, randomBytes(32).toString('base64url')),
    asksContact: async () => (await deps.settings.get()).prechat,
    // Only what the engine needs of each (the directory's records carry ids too).
    knownIncidents: async () => ((await deps.knownIncidents?.().catch(() => [])) ?? []).map(({ number, titles, latestUpdate }) => ({ number, titles, latestUpdate })),
  };
  return withChannelErrors(desk);
}

/** Every method of `desk`, its store failures said as ChannelErrors (anything else passes as it is). */
function withChannelErrors(desk: ChannelDesk): ChannelDesk {
  const wrapped = {} as Record<string, unknown>;
  for (const [name, method] of Object.entries(desk) as Array<[string, (...args: unknown[]) => Promise<unknown>]>) {
    wrapped[name] = (...args: unknown[]) => method(...args).catch((error: unknown) => Promise.reject(toChannelError(error)));
  }
  return wrapped as unknown as ChannelDesk;
}

function toChannelError(error: unknown): unknown {
  if (!(error instanceof StoreError)) return error;
  if (error.code === 'unavailable') return new ChannelError('transient', 'the desk cannot answer right now; try again shortly', { cause: error });
  return new ChannelError('rejected', error.message, { cause: error });
}

function toDeskFile(a: AttachmentRecord): DeskFile {
  return { id: a.id, mimeType: a.mimeType, fileName: a.fileName, size: a.size };
}

function toHistoryMessage(m: MessageWithAttachments): HistoryMessage {
  return {
    id: m.id,
    author: m.author,
    text: m.text,
    ...(m.payload?.choices?.length ? { choices: m.payload.choices } : {}),
    channelMessageId: m.channelMessageId,
    createdAt: m.createdAt,
    files: m.attachments.map(toDeskFile),
  };
}
