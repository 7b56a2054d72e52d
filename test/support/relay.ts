/**
 * Helpers of the tests that relay between web chat visitors and agents over
 * real socket.io clients (test/channels/webchat/webchat-client.ts,
 * test/console/console-client.ts): waiting for what a client received, and a
 * visitor's intake.
 */
import type { ServerMessage } from '../../src/channels/webchat/webchat.protocol.js';
import type { Visitor } from '../channels/webchat/webchat-client.js';
import type { AgentSocket } from '../console/console-client.js';

/** How long a message may take from one end to the other before a test gives up. */
export const DELIVERY_DEADLINE_MS = 3_000;

/** Polls `probe` until it returns something truthy, or fails after `timeoutMs` saying what was awaited. */
export async function waitUntil<T>(what: string, probe: () => T | null | undefined | false | Promise<T | null | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The first message the visitor got that matches, once it has arrived. */
export function visitorGets(v: Visitor, what: string, match: (m: ServerMessage) => boolean, timeoutMs = 10_000): Promise<ServerMessage> {
  return waitUntil(`${what}; the visitor has ${JSON.stringify(v.messages.map((m) => [m.from, m.text]))}`, () => v.messages.find(match), timeoutMs);
}

/** Resolves with the reason once the (connected) socket is disconnected; call it before causing that. */
export function disconnected(s: AgentSocket, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`socket still connected after ${timeoutMs} ms`)), timeoutMs);
    s.socket.once('disconnect', (reason) => {
      clearTimeout(t);
      resolve(reason);
    });
  });
}

/** Takes a web chat visitor through the intake (incident, no screenshot); returns the new request's number. */
export async function webchatIntake(v: Visitor, subject: string, description = 'Since this morning the printer shows error E-42.'): Promise<string> {
  await v.say('Hello');
  await v.waitForBot(1);
  await v.press('incident');
  await v.waitForBot(2);
  await v.say(subject);
  await v.waitForBot(3);
  await v.say(description);
  await v.waitForBot(4);
  await v.press('skip');
  await v.waitForBot(5);
  await v.press('confirm');
  const created = await v.waitForBot(6);
  const number = /[A-Z][A-Z0-9]*-\d+/.exec(created.text ?? '')?.[0];
  if (!number) throw new Error(`no request number in ${JSON.stringify(created.text)}`);
  return number;
}

/** Sockets and visitors a test opens, closed after it (call `closeAll` in `afterEach`). */
export class OpenedClients {
  private opened: Array<{ close(): void }> = [];

  /** Returns `client`, to close after the test. */
  readonly track = <T extends { close(): void }>(client: T): T => {
    this.opened.push(client);
    return client;
  };

  closeAll(): void {
    for (const c of this.opened) c.close();
    this.opened = [];
  }
}
