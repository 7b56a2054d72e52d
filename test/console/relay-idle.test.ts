/**
 * What agents are shown live costs database reads per message; with no
 * console open on any instance, nobody is shown anything and none are made
 * (issue 12: the relay made a gateway without agents 4× slower). Once an agent
 * connects, messages are announced again. Both back ends: on PostgreSQL +
 * Redis, "anyone listening" is asked of Redis.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/app.js';
import { ConsoleQueries } from '../../src/console/console.queries.js';
import { startTestApp } from '../support/app.js';
import { BACKENDS, type BackendEnv } from '../support/backends.js';
import { TestChannel } from '../support/test-channel.js';
import { ADMIN_ENV, AgentClient, AgentSocket, baseOf, fileRequest } from './console-client.js';

for (const backend of BACKENDS) {
  describe.skipIf(!backend.enabled)(`the agent relay with nobody watching: ${backend.name}`, () => {
    let env: BackendEnv;
    let app: App;
    let channel: TestChannel;
    beforeAll(async () => {
      env = await backend.setup();
      channel = new TestChannel();
      app = await startTestApp({ ...env, channels: [channel], env: ADMIN_ENV });
    }, 120_000);
    afterAll(async () => {
      await app?.stop();
      await env?.cleanup();
    });
    afterEach(() => vi.restoreAllMocks());

    it('reads nothing to announce while no console is open, and announces again once one is', async () => {
      const reads = vi.spyOn(ConsoleQueries.prototype, 'listItem');
      const numbers = vi.spyOn(ConsoleQueries.prototype, 'numberOf');
      const number = await fileRequest(channel, 'idle-1');
      await app.outbox.flush();
      expect(reads).not.toHaveBeenCalled();
      expect(numbers).not.toHaveBeenCalled();

      const agent = await AgentClient.login(baseOf(app));
      const socket = await new AgentSocket(baseOf(app), { token: agent.session.token }).ready();
      try {
        await channel.say('idle-1', { text: 'Any news about the printer?' });
        const shown = await socket.waitFor('message', (p) => p.requestNumber === number && p.message.text === 'Any news about the printer?');
        expect(shown.message.author).toBe('customer');
        expect(reads).toHaveBeenCalled();
      } finally {
        socket.close();
      }
    });
  });
}
