/**
 * The fake whatsapp-web.js: pairing, LocalAuth sessions, delivery, media,
 * disconnects and the bot's sends, driven through the channel's WaDriver port.
 */
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WaClient, WaDriver, WaMessage } from '../../../src/channels/whatsapp/whatsapp.client.port.js';
import {
  FakeMessageMedia,
  FakeWhatsApp,
  STATUS_BROADCAST,
  WA_ERRORS,
  type FakeWaClient,
  type FakeWaMessage,
  type FakeWhatsAppOptions,
} from './fake-whatsapp.js';

const USER = '79001234567@c.us';
const QR_FORMAT = /^2@[A-Za-z0-9+/]{86}==,[A-Za-z0-9+/]{43}=,[A-Za-z0-9+/]{43}=,[A-Za-z0-9+/]{43}=,1$/;

let tmp: string;
let fake: FakeWhatsApp;
let sessionDir: string;
const fakes: FakeWhatsApp[] = [];

function makeFake(options: FakeWhatsAppOptions = {}): FakeWhatsApp {
  fake = new FakeWhatsApp({ qrIntervalMs: 30, ...options });
  fakes.push(fake);
  return fake;
}

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-wa-'));
  sessionDir = path.join(tmp, 'wa-session');
  makeFake();
});

afterEach(async () => {
  for (const f of fakes.splice(0)) {
    await f.shutdown();
    expect(f.pendingTimers()).toBe(0);
    expect(f.aliveClients()).toHaveLength(0);
  }
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Records a client's messages, as the adapter would. */
function collect(client: WaClient): WaMessage[] {
  const got: WaMessage[] = [];
  client.on('message', (m) => {
    got.push(m);
  });
  return got;
}

async function until(check: () => boolean, timeoutMs = 1000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await sleep(2);
  }
}

/** A client on `dir`, paired (through a QR if needed) and ready. */
async function readyClient(driver: WaDriver, dir = sessionDir): Promise<FakeWaClient> {
  const client = driver.createClient(dir) as FakeWaClient;
  const ready = once(client, 'ready');
  await client.initialize();
  if (client.state === 'qr') fake.scan(dir);
  await ready;
  return client;
}

describe('pairing and LocalAuth sessions', () => {
  it('an unpaired session shows a QR, a new one every qrIntervalMs, then authenticated and ready after the scan', async () => {
    const client = fake.driver.createClient(sessionDir) as FakeWaClient;
    const qrs: string[] = [];
    client.on('qr', (qr) => {
      qrs.push(qr);
    });
    await client.initialize();
    // The first code is emitted before initialize() resolves.
    expect(qrs).toHaveLength(1);
    expect(qrs[0]).toMatch(QR_FORMAT);
    await until(() => qrs.length >= 3);
    expect(new Set(qrs).size).toBe(qrs.length);
    // Only the ref part changes between refreshes; the keys are per browser registration.
    expect(new Set(qrs.map((q) => q.split(',').slice(1).join(','))).size).toBe(1);

    const ready = once(client, 'ready');
    const scanned = fake.scan(sessionDir);
    expect(scanned).toBe(qrs[qrs.length - 1]);
    await ready;
    const before = qrs.length;
    await sleep(100);
    expect(qrs).toHaveLength(before); // the QR timer stopped
    expect(client.pendingTimers).toBe(0);
    expect(client.emittedNames().filter((e) => e !== 'qr')).toEqual(['authenticated', 'ready']);
    expect(client.state).toBe('ready');
    expect(client.info?.wid._serialized).toBe(fake.ownWid);
    expect(fake.isPaired(sessionDir)).toBe(true);
    // LocalAuth's folder: <dataPath>/session, with the profile inside.
    expect(fs.existsSync(path.join(sessionDir, 'session', 'fake-whatsapp-session.json'))).toBe(true);
    expect(fs.existsSync(path.join(sessionDir, 'session', 'Default'))).toBe(true);
  });

  it('a second initialize on the same session dir goes straight to authenticated + ready, with no QR', async () => {
    const first = await readyClient(fake.driver);
    await first.destroy();

    const second = fake.driver.createClient(sessionDir) as FakeWaClient;
    const ready = once(second, 'ready');
    await second.initialize();
    await ready;
    expect(second.emittedNames()).toEqual(['authenticated', 'ready']);
    expect(second.qrCodes).toHaveLength(0);
  });

  it('scanNextQr waits for the next code shown and scans it; clientId changes the folder name', async () => {
    makeFake({ clientId: 'support-bot' });
    const client = fake.driver.createClient(sessionDir) as FakeWaClient;
    const scanned = fake.scanNextQr();
    const ready = once(client, 'ready');
    await client.initialize();
    expect(await scanned).toBe(client.qrCodes[0]);
    await ready;
    expect(fs.existsSync(path.join(sessionDir, 'session-support-bot', 'fake-whatsapp-session.json'))).toBe(true);
  });

  it('destroy() stops the QR timer, emits nothing and leaves no timer', async () => {
    const client = fake.driver.createClient(sessionDir) as FakeWaClient;
    await client.initialize();
    await until(() => client.qrCodes.length >= 2);
    expect(client.pendingTimers).toBeGreaterThan(0);
    await client.destroy();
    const shown = client.qrCodes.length;
    expect(client.pendingTimers).toBe(0);
    expect(fake.pendingTimers()).toBe(0);
    await sleep(100);
    expect(client.qrCodes).toHaveLength(shown);
    expect(client.emittedNames()).not.toContain('disconnected');
    await client.destroy(); // twice is fine, as in the library
  });

  it('qrMaxRetries ends with disconnected "Max qrcode retries reached"', async () => {
    makeFake({ qrMaxRetries: 2 });
    const client = fake.driver.createClient(sessionDir) as FakeWaClient;
    const disconnected = once(client, 'disconnected');
    await client.initialize();
    expect(await disconnected).toEqual([WA_ERRORS.maxQrRetries]);
    expect(client.qrCodes).toHaveLength(3);
    expect(client.alive).toBe(false);
  });

  it('failInitialize makes initialize() reject; failAuth emits auth_failure and destroys the client', async () => {
    fake.failInitialize(new Error('Failed to launch the browser process!'));
    const client = fake.driver.createClient(sessionDir) as FakeWaClient;
    await expect(client.initialize()).rejects.toThrow('Failed to launch the browser process!');
    expect(client.alive).toBe(false);
    expect(fake.maxAliveAtOnce).toBe(0);

    fake.failAuth('restore failed');
    const failures: string[] = [];
    client.on('auth_failure', (m) => {
      failures.push(m);
    });
    await client.initialize(); // resolves, as the library's does after auth_failure
    expect(failures).toEqual(['restore failed']);
    expect(client.alive).toBe(false);
  });
});

describe('delivery', () => {
  it('delivers only to a ready client, the queued messages in order after ready, each once', async () => {
    fake.pair(sessionDir);
    const a = fake.userSends({ body: 'one', notifyName: 'Ivan' });
    const b = fake.userSends({ body: 'two' });
    const client = fake.driver.createClient(sessionDir) as FakeWaClient;
    const got = collect(client);
    const readyAt: number[] = [];
    client.on('ready', () => {
      readyAt.push(got.length);
    });
    await client.initialize();
    expect(got).toHaveLength(0);
    await until(() => got.length === 2);
    expect(readyAt).toEqual([0]); // ready came first
    const c = fake.userSends({ body: 'three' });
    await until(() => got.length === 3);
    expect(got).toEqual([a, b, c]);
    expect(got.map((m) => m.body)).toEqual(['one', 'two', 'three']);

    const m = got[0] as WaMessage;
    expect(m).toMatchObject({ from: USER, to: fake.ownWid, type: 'chat', fromMe: false, hasMedia: false, isStatus: false, broadcast: false });
    expect(m._data?.notifyName).toBe('Ivan');
    expect(m.id._serialized).toBe(`false_${USER}_${m.id.id}`);
    expect(m.timestamp).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(m.timestamp).toBeGreaterThan(Date.now() / 1000 - 60);
    await sleep(20);
    expect(got).toHaveLength(3);
    // message_create comes with every message.
    expect(client.emittedNames().filter((e) => e === 'message_create')).toHaveLength(3);
  });

  it('messages sent before any device was linked reach the first client that gets paired', async () => {
    fake.userSends({ body: 'anyone there?' });
    const client = fake.driver.createClient(sessionDir) as FakeWaClient;
    const got = collect(client);
    await client.initialize();
    fake.scan(sessionDir);
    await until(() => got.length === 1);
    expect(got[0]?.body).toBe('anyone there?');
  });

  it("offlineMessages 'drop' loses what arrives while the device is offline", async () => {
    makeFake({ offlineMessages: 'drop', pairedSessions: [sessionDir] });
    const lost = fake.userSends({ body: 'while offline' });
    const client = await readyClient(fake.driver);
    const got = collect(client);
    await sleep(20);
    expect(got).toHaveLength(0);
    expect(fake.dropped).toEqual([lost]);
  });

  it('ids are unique; redeliver emits the same message object again', async () => {
    const client = await readyClient(fake.driver);
    const got = collect(client);
    const sent = Array.from({ length: 50 }, (_, i) => fake.userSends({ body: `m${i}` }));
    await until(() => got.length === 50);
    expect(new Set(got.map((m) => m.id._serialized)).size).toBe(50);
    expect(got[0]?.id.id).toMatch(/^[0-9A-F]{32}$/);

    fake.redeliver(sent[7] as FakeWaMessage);
    await until(() => got.length === 51);
    expect(got[50]).toBe(sent[7]);
    expect(got[50]?.id._serialized).toBe(got[7]?.id._serialized);
  });

  it('the account’s own phone: message_create with fromMe, never message', async () => {
    const client = await readyClient(fake.driver);
    const got = collect(client);
    const created: WaMessage[] = [];
    client.on('message_create', (m: WaMessage) => {
      created.push(m);
    });
    const own = fake.phoneSends({ to: USER, body: 'hi, this is Anna from support' });
    await until(() => created.length === 1);
    await sleep(10);
    expect(got).toHaveLength(0);
    expect(created[0]).toBe(own);
    expect(own).toMatchObject({ fromMe: true, from: fake.ownWid, to: USER });
    expect(own.id._serialized).toBe(`true_${USER}_${own.id.id}`);
  });

  it('group and status messages have the library’s shapes', async () => {
    const client = await readyClient(fake.driver);
    const got = collect(client);
    const group = fake.groupMessage({ group: '120363025246125486@g.us', author: USER, body: 'hello group' });
    const status = fake.statusBroadcast({ author: '79005550000@c.us', body: 'on vacation' });
    await until(() => got.length === 2);
    expect(group).toMatchObject({ from: '120363025246125486@g.us', author: USER, isStatus: false });
    expect(group.id._serialized).toBe(`false_120363025246125486@g.us_${group.id.id}_${USER}`);
    expect(status).toMatchObject({ from: STATUS_BROADCAST, author: '79005550000@c.us', isStatus: true, body: 'on vacation' });
    // The page model's Wids reach _data as plain objects; Message.from is the string.
    expect(group._data.from).toEqual({ server: 'g.us', user: '120363025246125486', _serialized: '120363025246125486@g.us' });
  });

  it('other types: sticker and voice have media, a location body is a thumbnail, a vcard body the card', async () => {
    await readyClient(fake.driver);
    const sticker = fake.userSendsOther('sticker');
    const voice = fake.userSendsOther('ptt');
    const location = fake.userSendsOther('location');
    const vcard = fake.userSendsOther('vcard');
    expect(sticker).toMatchObject({ type: 'sticker', hasMedia: true, body: '' });
    expect(sticker._data.mimetype).toBe('image/webp');
    expect(voice).toMatchObject({ type: 'ptt', hasMedia: true });
    expect(voice._data.mimetype).toBe('audio/ogg; codecs=opus');
    expect(location).toMatchObject({ type: 'location', hasMedia: false, location: { latitude: 55.7539, longitude: 37.6208 } });
    expect(location.body).toMatch(/^\/9j\//);
    expect(vcard.body).toMatch(/^BEGIN:VCARD/);
    expect(vcard.vCards).toEqual([vcard.body]);
    expect(() => fake.userSendsOther('gp2')).toThrow(/group_join/);
  });
});

describe('media', () => {
  it('the size and type are known before the download; downloadMedia returns the bytes in base64', async () => {
    const client = await readyClient(fake.driver);
    const got = collect(client);
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5, 0xff, 0xd9]);
    fake.userSendsImage({ bytes, mimetype: 'image/jpeg', caption: 'my screen' });
    fake.userSendsImage({ bytes: Buffer.from('%PDF-1.4 hello'), mimetype: 'application/pdf', asDocument: true, filename: 'invoice.pdf' });
    await until(() => got.length === 2);
    const [image, doc] = got as [WaMessage, WaMessage];

    expect(image).toMatchObject({ type: 'image', hasMedia: true, body: 'my screen' });
    expect(image._data).toMatchObject({ size: bytes.length, mimetype: 'image/jpeg' });
    const media = await image.downloadMedia();
    expect(media).toBeInstanceOf(FakeMessageMedia);
    expect(Buffer.from(media?.data ?? '', 'base64')).toEqual(bytes);
    expect(media).toMatchObject({ mimetype: 'image/jpeg', filesize: bytes.length });

    expect(doc).toMatchObject({ type: 'document', hasMedia: true, body: '' });
    expect(doc._data).toMatchObject({ filename: 'invoice.pdf', mimetype: 'application/pdf', size: 14 });
    expect((await doc.downloadMedia())?.filename).toBe('invoice.pdf');

    // A text message has nothing to download.
    expect(await fake.userSends({ body: 'x' }).downloadMedia()).toBeUndefined();
  });

  it('expired media resolves undefined, a failed download rejects, a declared size needs no bytes', async () => {
    const client = await readyClient(fake.driver);
    const got = collect(client);
    const expired = fake.userSendsImage({ bytes: Buffer.from('a'), download: 'expired' });
    const big = fake.userSendsImage({ bytes: Buffer.from('b'), mimetype: 'video/mp4', declaredSize: 120 * 1024 * 1024 });
    await until(() => got.length === 2);
    expect(await expired.downloadMedia()).toBeUndefined();
    expect(big).toMatchObject({ type: 'video' });
    expect(big._data.size).toBe(120 * 1024 * 1024);
    fake.failNextDownload({ error: new Error('boom') });
    await expect(big.downloadMedia()).rejects.toThrow('boom');
    fake.failNextDownload('expired');
    expect(await big.downloadMedia()).toBeUndefined();
    expect(await big.downloadMedia()).toBeInstanceOf(FakeMessageMedia);
    expect(big.downloadCount).toBe(3);

    // Once the browser is closed, the page is gone.
    await client.destroy();
    await expect(big.downloadMedia()).rejects.toThrow(WA_ERRORS.sessionClosed);
  });
});

describe('the bot sends', () => {
  it('records text and media with time, chat, bytes and caption; waitForSent; message_create for own sends', async () => {
    const client = await readyClient(fake.driver);
    fake.userSends({ body: 'hi' });
    const t0 = Date.now();
    const waiting = fake.waitForSent(USER, 2);
    const msg = await client.sendMessage(USER, 'Hello! Describe your problem.');
    expect(msg.id.fromMe).toBe(true);
    expect(msg.id._serialized).toBe(`true_${USER}_${msg.id.id}`);
    expect(msg.id.id).toMatch(/^3EB0[0-9A-F]{16}$/);
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    await client.sendMessage(USER, fake.driver.createMedia('image/png', png, 'shot.png'), { caption: 'Here it is' });
    const sent = await waiting;
    expect(sent.map((s) => s.kind)).toEqual(['text', 'media']);
    expect(sent[0]).toMatchObject({ chatId: USER, text: 'Hello! Describe your problem.', body: 'Hello! Describe your problem.', clientIndex: 0 });
    expect(sent[0]?.at).toBeGreaterThanOrEqual(t0);
    expect(sent[1]).toMatchObject({ caption: 'Here it is', body: 'Here it is', media: { mimetype: 'image/png', filename: 'shot.png', bytes: png } });
    expect(sent[1]?.message).toMatchObject({ type: 'image', hasMedia: true, body: 'Here it is', fromMe: true });
    await until(() => client.emittedNames().filter((e) => e === 'message_create').length === 3);
    expect(fake.sent()).toHaveLength(2);
  });

  it('rejects like the library: invalid wid, no LID for an unknown number, non-media objects, failNextSend', async () => {
    const client = await readyClient(fake.driver);
    fake.userSends({ body: 'hi' });
    await expect(client.sendMessage('+79001234567@c.us', 'x')).rejects.toThrow(WA_ERRORS.invalidWid);
    await expect(client.sendMessage('79001234567', 'x')).rejects.toThrow(WA_ERRORS.invalidWid);
    await expect(client.sendMessage('79009999999@c.us', 'x')).rejects.toThrow(WA_ERRORS.noLid);
    await expect(client.sendMessage(USER, { mimetype: 'image/png', data: 'AAAA' })).rejects.toThrow(/instanceof MessageMedia/);
    fake.failNextSend(new Error('network down'));
    await expect(client.sendMessage(USER, 'x')).rejects.toThrow('network down');
    await expect(client.sendMessage(USER, 'x')).resolves.toBeDefined();
    expect(fake.sendCalls.map((c) => c.ok)).toEqual([false, false, false, false, false, true]);
    await expect(fake.waitForSent(USER, 5, 30)).rejects.toThrow(/not sent within 30 ms/);

    makeFake({ unknownChats: 'accept' });
    const other = await readyClient(fake.driver, path.join(tmp, 'other'));
    await expect(other.sendMessage('79009999999@c.us', 'x')).resolves.toBeDefined();
  });

  it('before ready and before initialize, sendMessage rejects', async () => {
    const client = fake.driver.createClient(sessionDir);
    await expect(client.sendMessage(USER, 'x')).rejects.toThrow(WA_ERRORS.notInitialized);
    await client.initialize();
    await expect(client.sendMessage(USER, 'x')).rejects.toThrow(WA_ERRORS.notInjected);
  });
});

describe('disconnects', () => {
  it('disconnect(CONFLICT) emits disconnected and kills the client; a new client is ready without a QR', async () => {
    const client = await readyClient(fake.driver);
    fake.userSends({ body: 'hi' });
    const reasons: string[] = [];
    client.on('disconnected', (r) => {
      reasons.push(r);
    });
    fake.disconnect('CONFLICT');
    expect(reasons).toEqual(['CONFLICT']);
    expect(client.alive).toBe(false);
    await expect(client.sendMessage(USER, 'still there?')).rejects.toThrow(WA_ERRORS.sessionClosed);
    expect(() => fake.disconnect('TIMEOUT')).toThrow(/does not emit/);

    const again = await readyClient(fake.driver);
    expect(again.qrCodes).toHaveLength(0);
    await expect(again.sendMessage(USER, 'back')).resolves.toBeDefined();
  });

  it('disconnect(UNPAIRED) forgets the session: the next initialize shows a QR', async () => {
    const client = await readyClient(fake.driver);
    fake.disconnect('UNPAIRED');
    expect(client.alive).toBe(false);
    expect(fake.isPaired(sessionDir)).toBe(false);
    const next = fake.driver.createClient(sessionDir) as FakeWaClient;
    await next.initialize();
    expect(next.state).toBe('qr');
  });

  it('logoutFromPhone: disconnected LOGOUT, the folder is wiped, a new QR is needed', async () => {
    const client = await readyClient(fake.driver);
    const disconnected = once(client, 'disconnected');
    const qr = once(client, 'qr');
    fake.logoutFromPhone();
    expect(await disconnected).toEqual(['LOGOUT']);
    expect(fs.existsSync(path.join(sessionDir, 'session', 'fake-whatsapp-session.json'))).toBe(false);
    expect(fs.existsSync(path.join(sessionDir, 'session'))).toBe(true); // LocalAuth recreates it empty
    expect(fake.isPaired(sessionDir)).toBe(false);
    // Like the library, the same client's page reloads to a QR; sends fail meanwhile.
    await qr;
    expect(client.state).toBe('qr');
    await expect(client.sendMessage(USER, 'x')).rejects.toThrow(WA_ERRORS.notInjected);

    // A restart needs a new scan too.
    await client.destroy();
    const next = fake.driver.createClient(sessionDir) as FakeWaClient;
    const ready = once(next, 'ready');
    await next.initialize();
    expect(next.state).toBe('qr');
    fake.scan(sessionDir);
    await ready;
  });

  it('logoutFromPhone with no client running unpairs the session for the next start', async () => {
    const client = await readyClient(fake.driver);
    await client.destroy();
    fake.logoutFromPhone(sessionDir);
    const next = fake.driver.createClient(sessionDir) as FakeWaClient;
    await next.initialize();
    expect(next.state).toBe('qr');
  });
});

describe('clients alive at once', () => {
  it('counts running browsers; a second browser on the same session dir is refused like puppeteer', async () => {
    const a = await readyClient(fake.driver);
    const b = fake.driver.createClient(sessionDir);
    await expect(b.initialize()).rejects.toThrow(WA_ERRORS.browserAlreadyRunning(path.join(sessionDir, 'session')));
    expect(fake.profileLockConflicts).toBe(1);
    expect(fake.aliveClients()).toEqual([a]);
    expect(fake.maxAliveAtOnce).toBe(1);

    await a.destroy();
    await readyClient(fake.driver);
    expect(fake.maxAliveAtOnce).toBe(1);
    expect(fake.clients).toHaveLength(3);

    // Another session dir is another linked device: two browsers, both get every message.
    const other = await readyClient(fake.driver, path.join(tmp, 'second'));
    expect(fake.maxAliveAtOnce).toBe(2);
    const gotOther = collect(other);
    const gotMain = collect(fake.clients[2] as FakeWaClient);
    fake.userSends({ body: 'to every device' });
    await until(() => gotOther.length === 1 && gotMain.length === 1);
  });

  it('a client re-created inside a disconnected handler can start: the old browser is closed by then', async () => {
    const client = await readyClient(fake.driver);
    let restarted: Promise<void> | undefined;
    client.on('disconnected', () => {
      restarted = fake.driver.createClient(sessionDir).initialize();
    });
    fake.disconnect('CONFLICT');
    await restarted;
    await until(() => fake.readyClients().length === 1);
    expect(fake.maxAliveAtOnce).toBe(1);
  });

  it('listener errors do not break delivery and are recorded', async () => {
    const client = await readyClient(fake.driver);
    const got = collect(client);
    client.on('message', () => {
      throw new Error('adapter bug');
    });
    fake.userSends({ body: 'a' });
    fake.userSends({ body: 'b' });
    await until(() => got.length === 2);
    expect(fake.listenerErrors).toHaveLength(2);
  });
});
