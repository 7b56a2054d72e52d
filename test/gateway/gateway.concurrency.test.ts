/**
 * Two gateway instances sharing PostgreSQL and Redis, as behind a load
 * balancer: messages from one chat that arrive at once, on either instance,
 * are all applied, in the order they were recorded, and nothing is lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { ConversationState } from '../../src/conversation/conversation.types.js';
import { productionBackend } from '../support/backends.js';
import { startInstances, type Instances } from '../support/instances.js';
import { TestChannel } from '../support/test-channel.js';

describe.skipIf(!productionBackend.enabled)('two instances on PostgreSQL + Redis', () => {
  let instances: Instances;
  let a: App;
  let b: App;
  const channelA = new TestChannel();
  const channelB = new TestChannel();

  beforeAll(async () => {
    const channels = [channelA, channelB];
    instances = await startInstances(2, await productionBackend.setup(), { channels: (i) => [channels[i]!] });
    [a, b] = instances.apps as [App, App];
  });
  afterAll(() => instances?.close());

  it('applies two messages sent at once to different instances in the order they were recorded', async () => {
    const who = 'race-1';
    await channelA.say(who, { text: 'hi' });
    await channelA.say(who, { choiceId: 'consultation' });
    const texts = ['How do I export the monthly report?', 'The export button is greyed out for my account.'];
    const [first, second] = await Promise.all([channelA.say(who, { text: texts[0] }), channelB.say(who, { text: texts[1] })]);
    expect([first.status, second.status]).toEqual(['applied', 'applied']);

    const byId = [
      { id: BigInt(first.messageId), text: texts[0] },
      { id: BigInt(second.messageId), text: texts[1] },
    ].sort((x, y) => (x.id < y.id ? -1 : 1));
    const snapshot = await a.store.loadConversation(first.customerId);
    const state = snapshot!.state as ConversationState;
    // Whichever was recorded first is the subject, the other the description.
    expect(state.draft.subject).toBe(byId[0]!.text);
    expect(state.draft.description).toBe(byId[1]!.text);
    expect(state.step.kind).toBe('screenshot');
  });

  it('relays a burst of follow-ups across both instances completely and in order', async () => {
    const who = 'burst-1';
    const steps: Array<[TestChannel, Parameters<TestChannel['say']>[1]]> = [
      [channelA, { text: 'hello' }],
      [channelA, { choiceId: 'incident' }],
      [channelB, { text: 'Mail server is down' }],
      [channelA, { text: 'Nobody in the office can send or receive mail since 9:00.' }],
      [channelB, { choiceId: 'skip' }],
      [channelA, { choiceId: 'confirm' }],
    ];
    for (const [ch, content] of steps) await ch.say(who, content);
    const created = await a.store.listUnprocessedInbound((await channelA.say(who, { text: 'still down' })).customerId);
    expect(created).toEqual([]);

    const applied: string[] = [];
    const record = ({ message }: { message: { id: string } }) => void applied.push(message.id);
    const offA = a.events.on('customer_message', record);
    const offB = b.events.on('customer_message', record);
    const burst = Array.from({ length: 30 }, (_, i) => (i % 2 ? channelA : channelB).say(who, { text: `update ${i}` }));
    const results = await Promise.all(burst);
    offA();
    offB();

    expect(results.every((r) => r.status === 'applied')).toBe(true);
    expect(applied).toHaveLength(30);
    const sortedIds = [...applied].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1));
    expect(applied).toEqual(sortedIds);

    const request = await a.store.getRequest('SR-1001');
    const inbound = request!.messages.filter((m) => m.direction === 'inbound').map((m) => m.text);
    for (let i = 0; i < 30; i++) expect(inbound).toContain(`update ${i}`);
  });
});
