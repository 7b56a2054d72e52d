/**
 * How the widget looks where issue 11 found it wanting, in Chromium against
 * the fake web chat server: the primary choice, spent choices, dashes at line
 * starts, a refused upload, and the demo page on a phone.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, BrowserContextOptions, Locator, Page } from 'playwright-core';
import { haveChromium, saveScreenshot } from '../e2e/support/browser.js';
import { UPLOAD_REFUSALS } from './fake-webchat-server.js';
import { makePng } from './png.js';
import { dashesAtLineStart, splitNumbers } from './widget-geometry.js';
import { openHost, startHarness, ui, visitorOf, type Harness } from './widget-harness.js';

const DESKTOP = { viewport: { width: 1366, height: 800 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

/** The bot's request-type and help texts, whose dashes a narrow bubble used to wrap to a line start. */
const RU_DASHES = [
  'Выберите тип заявки. Инцидент — у вас что-то перестало работать; массовый инцидент — проблема затронула многих; консультация — нужен совет; запрос на доработку — предложение что-то изменить.',
  'Коротко сформулируйте тему заявки — от 5 до 120 символов.',
  'Опишите проблему подробнее: что произошло, когда и что вы уже пробовали — от 10 до 4000 символов.',
  'Команды:\n/new — новая заявка\n/status — ваши открытые заявки (/status SR-1042 — одна заявка)\n/cancel — отменить оформление заявки\n/lang ru или /lang en — язык общения',
  'Не удалось создать заявку — извините, у нас сбой. Попробуйте отправить её ещё раз.',
  'Рады, что проблема решена! Заявка SR-1042 закрыта. Если понадобится помощь — пишите.',
  'Формат: /status — все открытые заявки, /status SR-1042 — одна заявка.',
];

/** The gateway's texts with a request or phone number where a bubble on a phone or a desktop used to wrap it. */
const NUMBERS = [
  'Жаль, что не помогло. Заявка SR-1002 снова в работе, сообщение передано специалисту.',
  'Спасибо! Ответ передан специалисту по заявке SR-1002.',
  'Thank you! Your answer has been passed to support for request SR-1001.',
  'Sorry it didn\'t help. Request SR-1001 is back in progress and your message was passed to support.',
  'Заявка SR-10427 создана. Специалист скоро возьмётся за неё.',
  'Не похоже на e-mail или номер телефона. Например: name@example.com или +7 900 123-45-67.',
  "That doesn't look like an e-mail address or a phone number. For example: name@example.com or +1 202 555 0143.",
];

type Css = Record<'backgroundColor' | 'color' | 'fontSize' | 'fontWeight' | 'borderColor' | 'cursor', string> & { height: number };

function cssOf(button: Locator): Promise<Css> {
  return button.evaluate((el) => {
    const cs = (el.ownerDocument.defaultView as unknown as { getComputedStyle(e: unknown): Record<string, string> }).getComputedStyle(el);
    const box = (el as unknown as { getBoundingClientRect(): { height: number } }).getBoundingClientRect();
    return { backgroundColor: cs.backgroundColor!, color: cs.color!, fontSize: cs.fontSize!, fontWeight: cs.fontWeight!, borderColor: cs.borderTopColor!, cursor: cs.cursor!, height: box.height };
  });
}

describe.skipIf(!haveChromium())('how the widget looks (needs /usr/bin/chromium)', () => {
  let h: Harness;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());
  afterEach(async () => {
    h.fake.clearFaults();
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });

  async function openChat(query: Record<string, string> = {}, options: BrowserContextOptions = {}): Promise<Page> {
    const { context, page } = await openHost(h, query, options);
    contexts.push(context);
    await ui(page).launcher.click();
    await page.locator('.msg.bot .choice').first().waitFor();
    return page;
  }

  for (const [device, options] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
    it(`makes Submit look primary and spent choices compact and inactive (${device})`, async () => {
      const page = await openChat({ locale: 'ru', accent: '#0b5fff' }, options);
      const v = await visitorOf(h, page);
      const summary = [{ id: 'confirm', label: 'Отправить' }, { id: 'edit', label: 'Изменить' }, { id: 'cancel', label: 'Отменить' }];
      h.fake.botSays(v.id, { text: 'Проверьте заявку:\nТип: Инцидент\nТема: Не входит в портал\nОписание: С утра пишет «сессия истекла».\nСкриншот: нет', choices: summary });
      const choice = (id: string) => page.locator(`[role="log"] .msg:last-child .choice[data-choice="${id}"]`);
      await choice('confirm').waitFor();
      const [submit, edit, cancel] = (await Promise.all(['confirm', 'edit', 'cancel'].map((id) => cssOf(choice(id))))) as [Css, Css, Css];
      expect(submit).toMatchObject({ backgroundColor: 'rgb(11, 95, 255)', color: 'rgb(255, 255, 255)' });
      expect(edit).toMatchObject({ backgroundColor: 'rgb(255, 255, 255)', color: 'rgb(11, 95, 255)' });
      expect(cancel).toEqual(edit);
      await saveScreenshot(page, `widget-summary-choices-${device}`);

      // A choice pressed: the summary's buttons are spent, smaller, grey and inert.
      await choice('edit').click();
      const spent = page.locator('[role="log"] .choice[data-choice="confirm"]');
      await expect.poll(() => spent.isDisabled()).toBe(true);
      const old = await cssOf(spent);
      expect(old.height).toBeLessThan(submit.height - 6);
      expect(Number.parseFloat(old.fontSize)).toBeLessThan(Number.parseFloat(submit.fontSize));
      expect([old.backgroundColor, old.color, old.cursor]).not.toContain('rgb(11, 95, 255)');
      expect(old.cursor).toBe('default');
      expect(old.borderColor).not.toBe('rgb(11, 95, 255)');
      await saveScreenshot(page, `widget-spent-choices-${device}`);
    });
  }

  it('never starts a wrapped line with a dash nor splits a request or phone number, on a phone and on a desktop', async () => {
    for (const options of [PHONE, DESKTOP, { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true }]) {
      const page = await openChat({ locale: 'ru' }, options);
      const v = await visitorOf(h, page);
      for (const text of [...NUMBERS, ...RU_DASHES]) h.fake.botSays(v.id, { text });
      await page.getByText('Формат: /status', { exact: false }).waitFor();
      expect(await dashesAtLineStart(page)).toEqual([]);
      expect(await splitNumbers(page)).toEqual([]);
      // The number is still one piece of text to copy.
      expect(await page.locator('.bubble', { hasText: 'Спасибо! Ответ передан' }).textContent()).toBe(NUMBERS[1]);
      if (options === PHONE) {
        await page.locator('[role="log"] .msg', { hasText: 'Выберите тип заявки' }).scrollIntoViewIfNeeded();
        await saveScreenshot(page, 'widget-dashes-phone');
      }
    }
  });

  it('keeps the demo page usable on a phone: the search field and its hint fit the screen', async () => {
    const phone = await h.browser.newContext({ ...PHONE, reducedMotion: 'reduce' });
    contexts.push(phone);
    const demo = await phone.newPage();
    await demo.goto(`${h.fake.url}/`);
    await demo.locator('.launcher').waitFor();
    const fit = await demo.evaluate(() => {
      type Box = { left: number; right: number; width: number };
      type Node = { getBoundingClientRect(): Box; placeholder: string; clientWidth: number };
      const g = globalThis as unknown as {
        document: { querySelector(s: string): Node; documentElement: { scrollWidth: number }; createElement(t: 'canvas'): { getContext(k: '2d'): { font: string; measureText(t: string): { width: number } } } };
        getComputedStyle(e: Node): Record<string, string>;
      };
      const main = g.document.querySelector('main');
      const input = g.document.querySelector('.search input');
      const button = g.document.querySelector('.search button');
      const m = g.getComputedStyle(main);
      const contentRight = main.getBoundingClientRect().right - Number.parseFloat(m.paddingRight!);
      const cs = g.getComputedStyle(input);
      const ctx = g.document.createElement('canvas').getContext('2d');
      ctx.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
      const room = input.clientWidth - Number.parseFloat(cs.paddingLeft!) - Number.parseFloat(cs.paddingRight!);
      return {
        pageWidth: g.document.documentElement.scrollWidth,
        inputInside: input.getBoundingClientRect().right <= contentRight + 0.5,
        buttonInside: button.getBoundingClientRect().right <= contentRight + 0.5,
        hintFits: ctx.measureText(input.placeholder).width <= room,
      };
    });
    await saveScreenshot(demo, 'widget-demo-phone');
    expect(fit).toEqual({ pageWidth: 390, inputInside: true, buttonInside: true, hintFits: true });
  });

  for (const [locale, device, options] of [['en', 'desktop', DESKTOP], ['ru', 'phone', PHONE]] as const) {
    it(`says why the server refused an upload and keeps the composer usable (${locale}, ${device})`, async () => {
      const page = await openChat({ locale }, options);
      const w = ui(page);
      const error = page.locator('[role="dialog"] form .error');
      const expected = {
        en: {
          notAnImage: 'Only images (PNG, JPEG, WebP, GIF) can be attached.',
          tooLarge: 'The file is too large: the limit is 10\u00a0MB.',
          pixelFlood: 'The image is too large: 20000×20000\u00a0pixels. Images may have up to 50\u00a0megapixels and 20000\u00a0pixels on a side.',
          unsent: 'Too many files were uploaded and not sent (the limit is 30\u00a0MB). Send your message without a file, or try again later.',
          rateLimited: 'Too many uploads in a short time. Please wait a minute and try again.',
        },
        ru: {
          notAnImage: 'Можно прикрепить только изображение (PNG, JPEG, WebP, GIF).',
          tooLarge: 'Файл слишком большой: можно не больше 10\u00a0МБ.',
          pixelFlood: 'Изображение слишком большое: 20000×20000\u00a0пикселей. Можно не больше 50\u00a0мегапикселей и 20000\u00a0пикселей по каждой стороне.',
          unsent: 'Слишком много загруженных, но не отправленных файлов (можно не больше 30\u00a0МБ). Отправьте сообщение без файла или попробуйте позже.',
          rateLimited: 'Слишком много загрузок подряд. Подождите минуту и попробуйте снова.',
        },
      }[locale];
      const attach = async (name: string, buffer: Buffer) => {
        const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.locator('[role="dialog"] .attach').click()]);
        await chooser.setFiles({ name, mimeType: 'image/png', buffer });
        await w.preview.waitFor();
      };
      /** The preview's thumbnails: 'loading' until each has loaded or failed, then 'shown', 'broken' (the browser's broken-image icon) or 'none'. */
      const thumbnail = () =>
        w.preview.locator('img').evaluateAll((imgs) => {
          const states = imgs.map((i) => {
            const img = i as unknown as { complete: boolean; naturalWidth: number };
            return !img.complete ? 'loading' : img.naturalWidth ? 'shown' : 'broken';
          });
          return states.find((st) => st !== 'shown') ?? (states.length ? 'shown' : 'none');
        });
      const settledThumbnail = async () => {
        await expect.poll(thumbnail).not.toBe('loading');
        return thumbnail();
      };

      // Bytes that are not an image, named like one: no broken thumbnail, then the server's refusal in words.
      await attach('a-very-long-file-name-of-a-screenshot-taken-2024-05-01-at-12.33.45.png', Buffer.from('%PDF-1.7 not an image'));
      expect(await settledThumbnail()).toBe('none');
      await saveScreenshot(page, `widget-upload-not-image-preview-${device}`);
      for (const kind of ['notAnImage', 'tooLarge', 'pixelFlood', 'unsent', 'rateLimited'] as const) {
        const refusal = UPLOAD_REFUSALS[kind];
        if (kind !== 'notAnImage') {
          await attach(`${kind}.png`, makePng(40, 30));
          expect(await settledThumbnail()).toBe('shown');
        }
        h.fake.faults.uploadError = { ...refusal };
        await w.textbox.fill(`Typed with ${kind}`);
        await w.textbox.press('Enter');
        await error.filter({ hasText: /\S/ }).waitFor();
        expect(await error.textContent()).toBe(expected[kind]);
        expect(await settledThumbnail()).not.toBe('broken');
        // The typed text stays; a refused file is dropped, one refused for now stays to try again.
        expect(await w.textbox.inputValue()).toBe(`Typed with ${kind}`);
        expect(await w.preview.isVisible()).toBe(kind === 'rateLimited');
        if (kind === 'pixelFlood') await saveScreenshot(page, `widget-upload-refused-${device}`);
        if (kind === 'rateLimited') await w.preview.locator('button').click();
      }
      // The composer still works: the text goes alone, then another file goes through.
      await w.textbox.press('Enter');
      await page.locator('.msg.customer.sent', { hasText: 'Typed with rateLimited' }).waitFor();
      expect(await error.textContent()).toBe('');
      await attach('good.png', makePng(80, 60));
      await w.textbox.press('Enter');
      await page.locator('.msg.customer.sent a.shot img').waitFor();
      await w.preview.waitFor({ state: 'hidden' });
      const v = await visitorOf(h, page);
      expect(v.messages.filter((m) => m.from === 'customer').map((m) => [m.text, m.attachments?.length ?? 0])).toEqual([
        ['Typed with rateLimited', 0],
        [null, 1],
      ]);
    });
  }
});
