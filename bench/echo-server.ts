/**
 * The web chat benchmark's baseline: a bare socket.io server on the `/webchat`
 * namespace that speaks the wire protocol of docs/webchat-protocol.md as the
 * gateway does, and stores nothing. On connect it sends `session`, then a
 * `history` holding the unstored greeting (id '0', the request types as
 * choices); each visitor `message` is acknowledged (`{ ok, id, duplicate }`),
 * echoed back as the customer's own message (as the gateway echoes it to the
 * visitor's tabs), and answered at once with a bot message of the gateway's
 * shape (`{ id, from: 'bot', text, choices?, at }`) that follows the intake:
 * subject, description, screenshot (skip), summary (confirm), request created.
 *
 * Run alone (prints `{"url":"http://127.0.0.1:PORT"}` once listening, stops on
 * SIGTERM/SIGINT, or when stdin closes with --stop-on-stdin-end):
 *
 *   node --import tsx bench/echo-server.ts [--port 0] [--stop-on-stdin-end]
 *
 * or import `startEchoServer` from here. bench/webchat-load.ts runs it as the
 * baseline of the same run.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Server } from 'socket.io';

interface Choice {
  id: string;
  label: string;
}

const TYPES: Choice[] = [
  { id: 'incident', label: 'Incident' },
  { id: 'mass_incident', label: 'Mass incident' },
  { id: 'consultation', label: 'Consultation' },
  { id: 'development_request', label: 'Development request' },
];

/** The bot's answer to the visitor's n-th message (0-based), as the intake would word it. */
function botReply(n: number, requestNumber: number): { text: string; choices?: Choice[] } {
  switch (n) {
    case 0:
      return { text: 'Incident. Briefly, what is the problem? This will be the subject of your request.' };
    case 1:
      return { text: 'Now describe the problem in detail: what you did, what you expected and what happened.' };
    case 2:
      return { text: 'Attach a screenshot if you have one, or skip this step.', choices: [{ id: 'skip', label: 'Skip' }] };
    case 3:
      return {
        text: 'Please check your request:\nType: Incident\nSubject: …\nDescription: …\nScreenshot: none',
        choices: [
          { id: 'confirm', label: 'Confirm' },
          { id: 'cancel', label: 'Cancel' },
        ],
      };
    case 4:
      return {
        text: `Your request SR-${requestNumber} has been created. An agent will reply here.`,
        choices: [
          { id: 'menu:new', label: 'New request' },
          { id: 'menu:status', label: 'My requests' },
        ],
      };
    default:
      return { text: 'Thank you, your message has been added to your request.' };
  }
}

export interface EchoServer {
  url: string;
  close(): Promise<void>;
}

export async function startEchoServer(opts: { host?: string; port?: number } = {}): Promise<EchoServer> {
  const http = createServer();
  const io = new Server(http, { serveClient: false, cors: { origin: true, credentials: true } });
  const nsp = io.of('/webchat');
  let requests = 0;

  nsp.on('connection', (socket) => {
    const auth = (socket.handshake.auth ?? {}) as { locale?: unknown };
    const visitorId = `v_${randomBytes(12).toString('base64url')}`;
    const locale = auth.locale === 'ru' ? 'ru' : 'en';
    let nextId = 1;
    let received = 0;
    socket.emit('session', { visitorId, token: `${visitorId}.${randomBytes(24).toString('base64url')}`, locale });
    socket.emit('history', {
      messages: [
        {
          id: '0',
          from: 'bot',
          text: 'Hello! I am the support bot. What kind of request do you have?',
          choices: TYPES,
          at: new Date().toISOString(),
        },
      ],
      hasMore: false,
    });
    socket.on('message', (payload: unknown, ack: unknown) => {
      const reply = typeof ack === 'function' ? (ack as (r: unknown) => void) : () => undefined;
      const p = (payload ?? {}) as { clientId?: unknown; text?: unknown; choiceId?: unknown };
      if (typeof p.clientId !== 'string' || (p.text === undefined && p.choiceId === undefined)) {
        return reply({ ok: false, error: { code: 'invalid_message', message: 'clientId and text or choiceId are required' } });
      }
      const at = new Date().toISOString();
      const own = String(nextId++);
      reply({ ok: true, id: own, duplicate: false });
      socket.emit('message', { id: own, from: 'customer', text: typeof p.text === 'string' ? p.text : null, at, clientId: p.clientId });
      const n = received++;
      if (n === 4) requests += 1;
      const bot = botReply(n, requests);
      socket.emit('message', { id: String(nextId++), from: 'bot', ...bot, at });
    });
    socket.on('history', (_payload: unknown, ack: unknown) => {
      if (typeof ack === 'function') (ack as (r: unknown) => void)({ ok: true, messages: [], hasMore: false });
    });
  });

  await new Promise<void>((resolve) => http.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      io.disconnectSockets(true);
      await io.close();
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, 'stop-on-stdin-end': { type: 'boolean', default: false } } });
  const server = await startEchoServer({ port: Number(values.port) });
  console.log(JSON.stringify({ url: server.url }));
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.close();
    process.exit(0);
  };
  if (values['stop-on-stdin-end']) {
    // Run by bench/webchat-load.ts: stop when the driver closes the pipe (or dies).
    process.stdin.on('end', () => void stop());
    process.stdin.on('close', () => void stop());
    process.stdin.resume();
  }
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}
