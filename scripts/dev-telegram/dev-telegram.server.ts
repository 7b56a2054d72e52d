/**
 * The fake Telegram Bot API (test/fakes/telegram) on a port of its own, and a
 * web page on another where a developer chats with the bot as a Telegram
 * customer: sends text, presses inline buttons, sends a photo or a file, and
 * sees what the bot sends, live (server-sent events). Point the gateway at the
 * fake with TELEGRAM_BOT_TOKEN and TELEGRAM_API_ROOT.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Message, User } from 'telegraf/types';
import { FakeBotApi } from '../../test/fakes/telegram/fake-bot-api.js';
import { documentMessage, imageSize, photoMessage, pressButton, textMessage, user, type UserSpec } from '../../test/fakes/telegram/updates.js';
import { toChatView } from './chat-view.js';

export interface DevTelegramOptions {
  /** Port of the fake Bot API, the gateway's TELEGRAM_API_ROOT (0: a free one). */
  apiPort: number;
  /** Port of the chat page (0: a free one). */
  pagePort: number;
  /** The bot token the fake answers to (any other gets 401); the fake's own by default. */
  token?: string;
  /** The customer the developer plays; Alice Example (en) by default. */
  customer?: UserSpec;
}

export interface DevTelegram {
  fake: FakeBotApi;
  /** TELEGRAM_API_ROOT for the gateway. */
  apiUrl: string;
  /** TELEGRAM_BOT_TOKEN for the gateway. */
  token: string;
  /** The chat page. */
  pageUrl: string;
  stop(): Promise<void>;
}

/** Telegram bots may download files up to 20 MB; the page sends nothing larger. */
const MAX_FILE_BYTES = 20 * 1024 * 1024;

const PAGE_FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/chat.js': { file: 'chat.js', type: 'text/javascript; charset=utf-8' },
  '/chat.css': { file: 'chat.css', type: 'text/css; charset=utf-8' },
};

class BadRequest extends Error {}

export async function startDevTelegram(options: DevTelegramOptions): Promise<DevTelegram> {
  const fake = new FakeBotApi({ port: options.apiPort, ...(options.token ? { token: options.token } : {}) });
  const apiUrl = await fake.start();
  const customer = user(options.customer ?? {});
  const live = new Set<ServerResponse>();
  const send = (event: string, data: unknown) => {
    for (const res of live) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const state = () => ({
    bot: { name: fake.botUser.first_name, username: fake.botUser.username },
    customer: { id: customer.id, name: [customer.first_name, customer.last_name].filter(Boolean).join(' ') },
    messages: toChatView(fake.chatMessages(customer.id)),
    commands: commandsFor(fake, customer),
  });
  fake.onCall((call) => {
    if (call.method === 'getUpdates' || call.status !== 200) return;
    if (call.method === 'sendChatAction') send('typing', { action: call.params.action });
    else if (call.method === 'answerCallbackQuery' && typeof call.params.text === 'string') send('notice', { text: call.params.text });
    else send('chat', state());
  });
  const customerSends = (update: Parameters<FakeBotApi['userSends']>[0]) => {
    fake.userSends(update);
    send('chat', state());
  };

  const routes: Record<string, (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>> = {
    'GET /api/chat': async (_req, res) => json(res, 200, state()),
    'GET /api/events': async (req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      res.write(`event: chat\ndata: ${JSON.stringify(state())}\n\n`);
      live.add(res);
      req.on('close', () => live.delete(res));
    },
    'POST /api/messages': async (req, res) => {
      const { text } = JSON.parse((await readBody(req, 64 * 1024)).toString('utf8')) as { text?: unknown };
      if (typeof text !== 'string' || text.trim() === '') throw new BadRequest('text is empty');
      customerSends(textMessage({ from: customer, text }));
      json(res, 202, { ok: true });
    },
    'POST /api/press': async (req, res) => {
      const { messageId, data } = JSON.parse((await readBody(req, 64 * 1024)).toString('utf8')) as { messageId?: unknown; data?: unknown };
      const target = fake.chatMessages(customer.id).find((m) => m.byBot && m.message.message_id === messageId);
      if (!target || typeof data !== 'string') throw new BadRequest('no such message');
      customerSends(pressButton(target.message as Message, { data }, { from: customer }));
      json(res, 202, { ok: true });
    },
    'POST /api/files': async (req, res, url) => {
      const bytes = await readBody(req, MAX_FILE_BYTES);
      if (bytes.length === 0) throw new BadRequest('the file is empty');
      const caption = url.searchParams.get('caption') || undefined;
      const asPhoto = url.searchParams.get('as') !== 'document' && ['png', 'jpeg', 'webp'].includes(imageSize(bytes)?.format ?? '');
      const fileName = url.searchParams.get('name') || 'file';
      const mimeType = String(req.headers['content-type'] || 'application/octet-stream');
      customerSends(asPhoto ? photoMessage({ from: customer, bytes, caption }) : documentMessage({ from: customer, bytes, file_name: fileName, mime_type: mimeType, caption }));
      json(res, 202, { ok: true });
    },
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof BadRequest || error instanceof SyntaxError) json(res, 400, { error: error.message });
      else json(res, 500, { error: String(error) });
    });
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = routes[`${req.method} ${url.pathname}`];
    if (route) return route(req, res, url);
    const fileId = /^\/api\/files\/([^/]+)$/.exec(url.pathname)?.[1];
    if (req.method === 'GET' && fileId) return serveFile(fake, res, decodeURIComponent(fileId), url.searchParams.has('download'));
    const page = req.method === 'GET' ? PAGE_FILES[url.pathname] : undefined;
    if (!page) return json(res, 404, { error: 'not found' });
    res.writeHead(200, { 'content-type': page.type, 'cache-control': 'no-store', 'content-security-policy': PAGE_POLICY });
    res.end(readFileSync(new URL(`./page/${page.file}`, import.meta.url)));
  }
  const pagePort = await listen(server, options.pagePort).catch(async (error: unknown) => {
    await fake.stop();
    throw error;
  });

  return {
    fake,
    apiUrl,
    token: fake.token,
    pageUrl: `http://127.0.0.1:${pagePort}/`,
    async stop() {
      for (const res of live) res.end();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await fake.stop();
    },
  };
}

/** The page loads only its own script, style and the chat's images. */
const PAGE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'";

/** The command menu the bot set for the customer's language, or its default one. */
function commandsFor(fake: FakeBotApi, customer: User) {
  const own = customer.language_code ? fake.commands({ language_code: customer.language_code }) : [];
  return own.length > 0 ? own : fake.commands();
}

function serveFile(fake: FakeBotApi, res: ServerResponse, fileId: string, download: boolean): void {
  const file = fake.fileBytes(fileId);
  if (!file) return json(res, 404, { error: 'no such file' });
  // Photos are registered as image/jpeg whatever they are: the bytes say better.
  const format = imageSize(file.bytes)?.format;
  const type = format ? `image/${format}` : (file.mime_type ?? 'application/octet-stream');
  const headers: Record<string, string> = { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
  if (download || !format) headers['content-disposition'] = `attachment; filename*=UTF-8''${encodeURIComponent(file.file_name ?? 'file')}`;
  res.writeHead(200, headers);
  res.end(file.bytes);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BadRequest(`larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}
