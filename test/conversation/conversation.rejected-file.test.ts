import { describe, expect, it } from 'vitest';
import { transition } from '../../src/conversation/index.js';
import type { Reply } from './conversation.fixtures.js';
import { DESCRIPTION, message, stateAt, SUBJECT } from './conversation.fixtures.js';

const replies = (effects: { type: string }[]) => effects.filter((e): e is Reply => e.type === 'reply').map((e) => e.text);
const tooLarge = { reason: 'too_large' as const, limitBytes: 10 * 1024 * 1024 };
const unsupported = { reason: 'unsupported_type' as const, limitBytes: 10 * 1024 * 1024 };
const tooManyPixels = { reason: 'too_many_pixels' as const, width: 20_000, height: 20_000, maxPixels: 50_000_000, maxSide: 20_000, limitBytes: 10 * 1024 * 1024 };

describe('a file the gateway refused', () => {
  it.each([
    ['ru', tooLarge, 'больше 10 МБ'],
    ['en', tooLarge, 'larger than 10 MB'],
    ['ru', unsupported, 'только изображение'],
    ['en', unsupported, 'only images'],
    ['ru', tooManyPixels, 'изображение 20000×20000 пикселей слишком большое. Можно не больше 50 мегапикселей и не больше 20000 пикселей по каждой стороне'],
    ['en', tooManyPixels, 'the image is 20000×20000 pixels, which is too large. Images may have up to 50 megapixels and at most 20000 pixels on a side'],
  ] as const)('at the screenshot step (%s, %o) says why and asks again, keeping the draft', (locale, rejectedFile, expected) => {
    const draft = { type: 'incident' as const, subject: SUBJECT, description: DESCRIPTION };
    const state = stateAt('screenshot', { locale, draft });
    const { state: next, effects } = transition(state, message({ rejectedFile }));
    expect(next.step).toEqual({ kind: 'screenshot' });
    expect(next.draft).toEqual(draft);
    const texts = replies(effects);
    expect(texts[0]).toContain(expected);
    expect(effects.at(-1)).toMatchObject({ type: 'reply', choices: [{ id: 'skip' }] });
  });

  it('still takes the caption that came with it', () => {
    const state = stateAt('subject', { draft: { type: 'consultation' } });
    const { state: next, effects } = transition(state, message({ rejectedFile: unsupported, text: SUBJECT }));
    expect(next.draft.subject).toBe(SUBJECT);
    expect(next.step.kind).toBe('description');
    expect(replies(effects)[0]).toContain('Файл не принят');
  });

  it('is explained to a customer following a request, and nothing is forwarded', () => {
    const state = stateAt('idle', { active: { number: 'SR-1001', status: 'in_progress' } });
    const { effects } = transition(state, message({ rejectedFile: tooLarge }));
    expect(effects.map((e) => e.type)).toEqual(['reply']);
  });
});
