/** Small builders for the RequestStore contract tests. */
import type { CreateRequestInput, RequestStore } from '../../src/requests/request-store.port.js';
import type {
  Actor,
  AttachmentRecord,
  Customer,
  RequestRecord,
  RequestStatus,
  StatusChangeRecord,
  StoredMessage,
} from '../../src/requests/request.types.js';

export interface Fixtures {
  customer(channel?: string): Promise<Customer>;
  attachment(customerId: string | null): Promise<AttachmentRecord>;
  inbound(c: Customer, opts?: { text?: string; attachmentId?: string; channelMessageId?: string }): Promise<StoredMessage>;
  requestInput(c: Customer, sourceMessageId: string, overrides?: Partial<CreateRequestInput>): CreateRequestInput;
  /**
   * Records a confirming message (unless `sourceMessageId` is given) and creates a
   * request from it, as a conversation step does: prepared, then committed with a
   * step that applies no message and keeps the stored snapshot.
   */
  request(c: Customer, overrides?: Partial<CreateRequestInput>, store?: RequestStore): Promise<RequestRecord>;
  move(
    number: string,
    to: RequestStatus,
    actor?: Actor,
    at?: Date,
  ): Promise<{ request: RequestRecord; change: StatusChangeRecord }>;
  /** Queues a bot message to the customer. */
  outbound(c: Customer, text: string, attachmentIds?: string[]): Promise<StoredMessage>;
}

let counter = 0;
const next = (): number => ++counter;

export function makeFixtures(getStore: () => RequestStore): Fixtures {
  const fixtures: Fixtures = {
    customer: (channel = 'telegram') =>
      getStore().upsertCustomer({ channel, externalId: `ext-${next()}`, displayName: 'Test Customer', locale: 'ru' }),

    attachment: (customerId) =>
      getStore().createAttachment({
        customerId,
        mimeType: 'image/png',
        size: 1024,
        sha256: 'f'.repeat(64),
        storageKey: `fs:test/${next()}`,
        fileName: 'screen.png',
      }),

    inbound: async (c, opts = {}) => {
      const { message } = await getStore().recordInbound({
        customerId: c.id,
        channel: c.channel,
        channelMessageId: opts.channelMessageId ?? `in-${next()}`,
        text: opts.text ?? 'text',
        ...(opts.attachmentId ? { attachmentId: opts.attachmentId } : {}),
        receivedAt: new Date(),
      });
      return message;
    },

    requestInput: (c, sourceMessageId, overrides = {}) => ({
      customerId: c.id,
      channel: c.channel,
      type: 'incident',
      subject: 'The printer is on fire',
      description: 'Smoke since the morning',
      screenshotAttachmentId: null,
      sourceMessageId,
      at: new Date(),
      ...overrides,
    }),

    request: async (c, overrides = {}, store = getStore()) => {
      const sourceMessageId = overrides.sourceMessageId ?? (await fixtures.inbound(c, { text: 'confirm' })).id;
      const input = fixtures.requestInput(c, sourceMessageId, overrides);
      return store.transaction(async (tx) => {
        const request = await tx.prepareRequest(input);
        await tx.commitStep({ customerId: c.id, channel: c.channel, at: input.at, messageId: null, replies: [], links: [], snapshot: null });
        return request;
      });
    },

    move: (number, to, actor = { kind: 'system' }, at = new Date()) =>
      getStore().transaction((tx) => tx.changeStatus({ number, to, comment: null, actor, at })),

    outbound: (c, text, attachmentIds) =>
      getStore().transaction((tx) =>
        tx.enqueueOutbound({
          customerId: c.id,
          requestId: null,
          channel: c.channel,
          author: 'bot',
          text,
          ...(attachmentIds ? { attachmentIds } : {}),
          at: new Date(),
        }),
      ),
  };
  return fixtures;
}
