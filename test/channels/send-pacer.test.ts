import { describe, expect, it } from 'vitest';
import { ChannelError } from '../../src/channels/channel.port.js';
import { SendPacer } from '../../src/channels/send-pacer.js';

describe('SendPacer', () => {
  it('lets the first message to a chat go at once and makes the next one wait its gap', async () => {
    const waits: number[] = [];
    const pacer = new SendPacer(`t${Math.random()}`, { perChat: { points: 1, durationMs: 1000 }, overall: { points: 30, durationMs: 1000 }, maxWaitMs: 5000 }, null, async (ms) => {
      waits.push(ms);
      await new Promise((r) => setTimeout(r, ms));
    });
    await pacer.wait('chat-1');
    expect(waits).toEqual([]);
    await pacer.wait('chat-2'); // another chat is not held back
    expect(waits).toEqual([]);
    await pacer.wait('chat-1');
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(0);
    expect(waits[0]).toBeLessThanOrEqual(1000);
  });

  it("gives a mass incident's fan-out only its share of the overall rate: ordinary sends keep the rest", async () => {
    // 3 a second overall: bulk sends get 2 of them, so the third bulk send waits and an ordinary one does not.
    const pacer = new SendPacer(`t${Math.random()}`, { perChat: { points: 10, durationMs: 1000 }, overall: { points: 3, durationMs: 1000 }, maxWaitMs: 100 }, null, async () => undefined);
    await pacer.wait('a', 1, { bulk: true });
    await pacer.wait('b', 1, { bulk: true });
    expect(await pacer.wait('c', 1, { bulk: true }).catch((e: unknown) => e)).toMatchObject({ code: 'rate_limited' });
    await pacer.wait('d');
    expect(await pacer.wait('e').catch((e: unknown) => e)).toMatchObject({ code: 'rate_limited' });
  });

  it('hands a message back to the outbox when its turn is too far away', async () => {
    const pacer = new SendPacer(`t${Math.random()}`, { perChat: { points: 1, durationMs: 3000 }, overall: { points: 30, durationMs: 1000 }, maxWaitMs: 500 }, null, async () => undefined);
    await pacer.wait('chat');
    const error = await pacer.wait('chat').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect(error).toMatchObject({ code: 'rate_limited' });
    expect((error as ChannelError).options.retryAfterMs).toBeGreaterThan(500);
  });

  it('lets a message of several parts go at once, within a burst', async () => {
    let slept = 0;
    const pacer = new SendPacer(`t${Math.random()}`, { perChat: { points: 3, durationMs: 3000 }, overall: { points: 30, durationMs: 1000 }, maxWaitMs: 5000 }, null, async () => {
      slept++;
    });
    await pacer.wait('chat', 3);
    expect(slept).toBe(0);
    await pacer.wait('chat', 10).catch(() => undefined); // more parts than a burst: waits for a whole burst
    expect(slept).toBeGreaterThan(0);
  });

  it('caps the messages per second over all chats', async () => {
    let slept = 0;
    const pacer = new SendPacer(`t${Math.random()}`, { perChat: { points: 1, durationMs: 1000 }, overall: { points: 3, durationMs: 1000 }, maxWaitMs: 5000 }, null, async (ms) => {
      slept++;
      await new Promise((r) => setTimeout(r, ms));
    });
    for (const chat of ['a', 'b', 'c']) await pacer.wait(chat);
    expect(slept).toBe(0);
    await pacer.wait('d');
    expect(slept).toBe(1);
  });
});
