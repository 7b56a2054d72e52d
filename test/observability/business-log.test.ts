/**
 * Business events in the log: a request created, a status changed (by an
 * agent, by the customer), a delivery given up and a channel's state, each
 * one line at info with the request number and the channel, from a whole
 * gateway driven through the test channel and the agent API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { GatewayEvents } from '../../src/gateway/gateway-events.js';
import type { StoredMessage } from '../../src/requests/request.types.js';
import { ChannelError } from '../../src/channels/channel.port.js';
import { attachBusinessLog, requestNumberLookup } from '../../src/observability/business-log.js';
import { createLogger } from '../../src/observability/logger.js';
import { ADMIN_ENV, AgentClient, baseOf, fileRequest } from '../console/console-client.js';
import { startTestApp } from '../support/app.js';
import { embeddedBackend, type BackendEnv } from '../support/backends.js';
import { TestChannel } from '../support/test-channel.js';
import { LEVEL, LogCapture } from './log-capture.js';

describe('business events in the log', () => {
  const channel = new TestChannel();
  const log = new LogCapture();
  let env: BackendEnv;
  let app: App;
  let admin: AgentClient;
  let unsubscribe: () => void;

  beforeAll(async () => {
    env = await embeddedBackend.setup();
    app = await startTestApp({ ...env, channels: [channel], env: ADMIN_ENV });
    unsubscribe = attachBusinessLog({
      events: app.events,
      logger: createLogger({ logLevel: 'info', logFormat: 'json' }, { stream: log }),
      requestNumberOf: requestNumberLookup(app.db),
    });
    admin = await AgentClient.login(baseOf(app));
  }, 120_000);
  afterAll(async () => {
    unsubscribe?.();
    await app?.stop();
    await env?.cleanup();
  });

  it('logs a request created through an intake, with its number, type and channel, at info', async () => {
    const number = await fileRequest(channel, 'customer-created', { subject: 'Cannot print' });
    const line = await log.waitFor('request created', (l) => l.msg === 'request created' && l.request === number);
    expect(line).toMatchObject({ level: LEVEL.info, component: 'desk', event: 'request_created', request: number, type: 'incident', channel: 'test' });
    expect(JSON.stringify(log.lines)).not.toContain('Cannot print'); // what customers write stays out of the log
  });

  it('logs status changes with who made them: an agent (by id), then the customer', async () => {
    const who = 'customer-status';
    const number = await fileRequest(channel, who);
    expect((await admin.post(`/api/requests/${number}/status`, { status: 'solution_provided', comment: 'Restart the spooler.' })).status).toBe(200);
    const byAgent = await log.waitFor('status changed by the agent', (l) => l.msg === 'status changed' && l.request === number);
    expect(byAgent).toMatchObject({ level: LEVEL.info, channel: 'test', from: 'new', to: 'solution_provided', by: 'agent', agent: admin.agentId });

    await channel.say(who, { choiceId: 'solved' });
    const byCustomer = await log.waitFor('status changed by the customer', (l) => l.msg === 'status changed' && l.request === number && l.to === 'closed');
    expect(byCustomer).toMatchObject({ level: LEVEL.info, channel: 'test', from: 'solution_provided', by: 'customer' });
    expect(byCustomer.agent).toBeUndefined();
  });

  it('logs a delivery given up, with the request number, the message, the channel and the reason', async () => {
    const number = await fileRequest(channel, 'customer-unreachable');
    channel.failNext(new ChannelError('rejected', 'the channel refused the message'));
    const reply = await admin.post(`/api/requests/${number}/messages`, { text: 'Please restart the printer.' });
    expect(reply.status).toBe(201);
    const line = await log.waitFor('delivery failed', (l) => l.msg === 'delivery failed' && l.message === reply.body.id);
    expect(line).toMatchObject({
      level: LEVEL.info,
      event: 'delivery_failed',
      request: number,
      channel: 'test',
      reason: expect.stringContaining('the channel refused the message'),
    });
  });

  it('logs a channel state once per change, without the pairing QR code', async () => {
    app.events.emit('channel_status', { channel: 'whatsapp', status: { state: 'waiting_for_scan', qr: 'qr-secret-1', reason: null } });
    app.events.emit('channel_status', { channel: 'whatsapp', status: { state: 'waiting_for_scan', qr: 'qr-secret-2', reason: null } });
    app.events.emit('channel_status', { channel: 'whatsapp', status: { state: 'disconnected', qr: null, reason: 'NAVIGATION' } });
    await log.waitFor('channel disconnected', (l) => l.msg === 'channel state changed' && l.state === 'disconnected');
    const lines = log.lines.filter((l) => l.msg === 'channel state changed');
    expect(lines).toEqual([
      expect.objectContaining({ level: LEVEL.info, channel: 'whatsapp', state: 'waiting_for_scan' }),
      expect.objectContaining({ level: LEVEL.info, channel: 'whatsapp', state: 'disconnected', reason: 'NAVIGATION' }),
    ]);
    expect(JSON.stringify(log.lines)).not.toContain('qr-secret');
  });
});

describe('a delivery given up whose request cannot be looked up', () => {
  it('is logged all the same, without the number, beside the lookup\'s failure', async () => {
    const log = new LogCapture();
    const events = new GatewayEvents((error) => {
      throw error;
    });
    attachBusinessLog({
      events,
      logger: createLogger({ logLevel: 'info', logFormat: 'json' }, { stream: log }),
      requestNumberOf: () => Promise.reject(new Error('database unreachable')),
    });
    const message = { id: '77', customerId: 'c-1', requestId: 'r-1', channel: 'telegram' } as StoredMessage;
    events.emit('delivery_failed', { message, error: 'bot was blocked by the user' });
    const line = await log.waitFor('delivery failed', (l) => l.msg === 'delivery failed');
    expect(line).toMatchObject({ level: LEVEL.info, channel: 'telegram', message: '77', reason: 'bot was blocked by the user' });
    expect(line.request).toBeUndefined();
    expect(log.lines).toContainEqual(expect.objectContaining({ level: LEVEL.warn, err: expect.objectContaining({ message: 'database unreachable' }) }));
  });
});
