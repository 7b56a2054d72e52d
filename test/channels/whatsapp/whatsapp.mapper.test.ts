import { describe, expect, it } from 'vitest';
import type { OutboundAttachment, OutboundMessage } from '../../../src/channels/channel.port.js';
import type { WaMessage } from '../../../src/channels/whatsapp/whatsapp.client.port.js';
import { mapWhatsappMessage, planWhatsappSends, withNumberedChoices } from '../../../src/channels/whatsapp/whatsapp.mapper.js';

const MAX = 1024 * 1024;

/** A received message as whatsapp-web.js gives it (https://docs.wwebjs.dev/Message.html). */
function message(fields: Partial<WaMessage> = {}): WaMessage {
  const from = fields.from ?? '79001234567@c.us';
  return {
    id: { fromMe: false, remote: from, id: '3EB0C767D26A1D8E0F1A', _serialized: `false_${from}_3EB0C767D26A1D8E0F1A` },
    from,
    to: '79990000000@c.us',
    body: 'Hello',
    type: 'chat',
    fromMe: false,
    hasMedia: false,
    timestamp: 1_764_100_000,
    isStatus: false,
    _data: { notifyName: 'Ivan' },
    downloadMedia: async () => undefined,
    ...fields,
  };
}

describe('mapWhatsappMessage', () => {
  it('maps a text message from a person, keyed by its serialized id', () => {
    expect(mapWhatsappMessage(message(), { maxBytes: MAX })).toEqual({
      kind: 'message',
      download: false,
      message: {
        channel: 'whatsapp',
        externalId: '79001234567@c.us',
        channelMessageId: 'false_79001234567@c.us_3EB0C767D26A1D8E0F1A',
        displayName: 'Ivan',
        text: 'Hello',
        receivedAt: new Date(1_764_100_000_000),
      },
    });
  });

  it('ignores groups, status broadcasts, its own messages and system messages', () => {
    const reasons = [
      message({ from: '120363025246125486@g.us', author: '79001234567@c.us' }),
      message({ from: 'status@broadcast', isStatus: true }),
      message({ fromMe: true }),
      message({ type: 'e2e_notification', body: '' }),
      message({ type: 'revoked' }),
    ].map((m) => mapWhatsappMessage(m, { maxBytes: MAX }));
    expect(reasons.map((r) => r.kind)).toEqual(['ignored', 'ignored', 'ignored', 'ignored', 'ignored']);
  });

  it('downloads images (also sent as documents), with the caption as text', () => {
    expect(mapWhatsappMessage(message({ type: 'image', hasMedia: true, body: 'the error', _data: { size: 5000, mimetype: 'image/jpeg' } }), { maxBytes: MAX }))
      .toMatchObject({ kind: 'message', download: true, message: { text: 'the error' } });
    expect(mapWhatsappMessage(message({ type: 'document', hasMedia: true, body: 'screen.png', _data: { size: 5000, mimetype: 'image/png' } }), { maxBytes: MAX }))
      .toMatchObject({ kind: 'message', download: true });
  });

  it('refuses other media and images over the limit without downloading', () => {
    for (const m of [
      message({ type: 'document', hasMedia: true, _data: { mimetype: 'application/pdf', size: 10 } }),
      message({ type: 'ptt', hasMedia: true }),
      message({ type: 'sticker', hasMedia: true }),
      message({ type: 'location', body: '' }),
    ]) {
      expect(mapWhatsappMessage(m, { maxBytes: MAX })).toMatchObject({ download: false, message: { refusedFile: { reason: 'unsupported_type' } } });
    }
    expect(mapWhatsappMessage(message({ type: 'image', hasMedia: true, _data: { size: MAX + 1 } }), { maxBytes: MAX }))
      .toMatchObject({ download: false, message: { refusedFile: { reason: 'too_large' } } });
  });
});

describe('planWhatsappSends', () => {
  const msg = (fields: Partial<OutboundMessage>): OutboundMessage => ({ messageId: '1', text: null, author: 'bot', locale: 'ru', ...fields });
  const image: OutboundAttachment = { id: 'a', mimeType: 'image/png', fileName: 'a.png', read: async () => Buffer.from('x') };

  it('turns choices into a numbered list with how to answer', () => {
    expect(withNumberedChoices('Choose the type.', [{ id: 'incident', label: 'Incident' }, { id: 'consultation', label: 'Consultation' }], 'en'))
      .toBe('Choose the type.\n\n1. Incident\n2. Consultation\n\nReply with the number or the name of an option.');
    expect(planWhatsappSends(msg({ text: 'Решено?', choices: [{ id: 'solved', label: 'Решено' }, { id: 'not_solved', label: 'Не решено' }] })))
      .toEqual([{ kind: 'text', text: 'Решено?\n\n1. Решено\n2. Не решено\n\nОтветьте номером или названием варианта.' }]);
  });

  it("signs an agent's reply, so that the customer tells a person from the bot", () => {
    expect(planWhatsappSends(msg({ author: 'agent', agentName: 'Анна', text: 'Готово.' }))).toEqual([{ kind: 'text', text: 'Анна (поддержка):\nГотово.' }]);
    expect(planWhatsappSends(msg({ author: 'agent', text: 'Готово.' }))).toEqual([{ kind: 'text', text: 'Специалист поддержки:\nГотово.' }]);
  });

  it('sends an image with the text as its caption', () => {
    expect(planWhatsappSends(msg({ text: 'see', attachments: [image] }))).toEqual([{ kind: 'media', attachment: image, caption: 'see' }]);
    expect(planWhatsappSends(msg({ text: 'plain' }))).toEqual([{ kind: 'text', text: 'plain' }]);
  });
});
