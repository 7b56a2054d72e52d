/**
 * The outbox gives up: an agent's reply to a channel that fails transiently
 * every time is attempted exactly OUTBOX_MAX_ATTEMPTS times, then marked
 * failed for good, and that shows where agents and operators look: the
 * request view of the API, the `message_status` event on `/agents`, and
 * `relaydesk_deliveries_failed_total`.
 *
 * The gateway's clock stands still, so a retry is never due by itself; the test
 * makes each one due by moving the clock past any backoff (at most five
 * minutes) once the failure before it is recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { ChannelModule } from '../../src/channels/channel.port.js';
import { startTestApp } from '../support/app.js';
import { BACKENDS, type BackendEnv } from '../support/backends.js';
import { TestChannel, transientError } from '../support/test-channel.js';
import { ADMIN_ENV, AgentClient, AgentSocket, baseOf, fileRequest } from '../console/console-client.js';

const MAX_ATTEMPTS = 4;
/** Longer than the longest backoff (5 minutes): a retry moved past it is due. */
const PAST_ANY_BACKOFF_MS = 10 * 60_000;

/** The test channel, counting every attempt to send each message. */
function countingChannel(channel: TestChannel): { module: ChannelModule; attempts: Map<string, number> } {
  const attempts = new Map<string, number>();
  return {
    attempts,
    module: {
      port: {
        name: channel.name,
        send: (externalId, message) => {
          attempts.set(message.messageId, (attempts.get(message.messageId) ?? 0) + 1);
          return channel.port.send(externalId, message);
        },
      },
      start: (receive) => channel.start(receive),
      stop: () => channel.stop(),
    },
  };
}

for (const backend of BACKENDS) {
  describe.skipIf(!backend.enabled)(`outbox give-up after OUTBOX_MAX_ATTEMPTS: ${backend.name}`, () => {
    let env: BackendEnv;
    let app: App;
    let base: string;
    let admin: AgentClient;
    let agents: AgentSocket;
    const channel = new TestChannel();
    const { module, attempts } = countingChannel(channel);
    const startedAt = Date.now();
    let offsetMs = 0;

    beforeAll(async () => {
      env = await backend.setup();
      app = await startTestApp({
        ...env,
        channels: [module],
        clock: () => new Date(startedAt + offsetMs),
        env: { ...ADMIN_ENV, OUTBOX_MAX_ATTEMPTS: String(MAX_ATTEMPTS) },
      });
      base = baseOf(app);
      admin = await AgentClient.login(base);
      agents = await new AgentSocket(base, { token: admin.session.token }).ready();
    });
    afterAll(async () => {
      agents?.close();
      await app?.stop();
      await env?.cleanup();
    });

    const outboxRow = (messageId: string) => app.db.prisma.outbox.findUniqueOrThrow({ where: { messageId: BigInt(messageId) } });
    const metrics = async () => (await fetch(`${base}/metrics`)).text();
    const viewOf = async (number: string, messageId: string) =>
      ((await admin.get(`/api/requests/${number}`)).body.messages as Array<{ id: string; deliveryState: string; deliveryError: string | null }>).find(
        (m) => m.id === messageId,
      );

    it(`marks a reply failed after exactly ${MAX_ATTEMPTS} transient failures, and says so in the API, the console event and the metric`, async () => {
      const who = 'give-up-customer';
      const number = await fileRequest(channel, who, { subject: 'Cannot print', description: 'The printer on floor 3 does not answer.' });
      channel.failAlways(transientError());

      const reply = await admin.post(`/api/requests/${number}/messages`, { text: 'Please restart the printer.' });
      expect(reply.status).toBe(201);
      const id: string = reply.body.id;

      for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
        // Attempt n has failed and its retry is recorded: still pending, nothing announced.
        await expect.poll(async () => (await outboxRow(id)).attempts).toBe(attempt);
        expect(await outboxRow(id)).toMatchObject({ status: 'pending', lastError: 'transient: simulated network failure' });
        expect((await viewOf(number, id))?.deliveryState).toBe('pending');
        expect(agents.events('message_status').filter((e) => e.messageId === id)).toEqual([]);
        offsetMs += PAST_ANY_BACKOFF_MS;
        app.outbox.wake();
      }

      await expect.poll(async () => {
        const { status, attempts } = await outboxRow(id);
        return { status, attempts };
      }).toEqual({ status: 'failed', attempts: MAX_ATTEMPTS });
      const status = await agents.waitFor('message_status', (e) => e.messageId === id);
      expect(status).toEqual({ requestNumber: number, messageId: id, deliveryState: 'failed', deliveryError: 'transient: simulated network failure' });
      expect(attempts.get(id)).toBe(MAX_ATTEMPTS);
      expect(await viewOf(number, id)).toMatchObject({ deliveryState: 'failed', deliveryError: 'transient: simulated network failure' });
      const scraped = await metrics();
      expect(scraped).toMatch(/^relaydesk_deliveries_failed_total\{channel="test",reason="transient"\} 1$/m);
      expect(scraped).toMatch(new RegExp(`^relaydesk_delivery_retries_total\\{channel="test"\\} ${MAX_ATTEMPTS - 1}$`, 'm'));

      // Given up for good: later rounds, however late, leave it alone.
      offsetMs += PAST_ANY_BACKOFF_MS;
      await app.outbox.flush();
      expect(attempts.get(id)).toBe(MAX_ATTEMPTS);
      expect(agents.events('message_status').filter((e) => e.messageId === id)).toHaveLength(1);
      expect(channel.textsTo(who)).not.toContain('Please restart the printer.');
    });
  });
}
