/**
 * What the visitor can see, measured in the page: where each bot and agent
 * message is at the moment it arrives, and whether a wrapped line of a message
 * starts with a dash. Shared by the widget tests (fake server) and the
 * end-to-end ones (real gateway).
 */
import type { Page } from 'playwright-core';

/** A bot or agent message as the widget added it, measured before anything else could run. */
export interface Arrival {
  id: string | null;
  from: string;
  /** The first 60 characters of its text. */
  text: string;
  /** Top and bottom of the text's first line, and of the conversation's visible area (viewport pixels). */
  firstLine: { top: number; bottom: number };
  view: { top: number; bottom: number };
  /** The first line lies wholly inside the visible area. */
  visible: boolean;
  scrollTop: number;
}

interface Box {
  top: number;
  bottom: number;
  height: number;
}
interface El {
  classList: { contains(c: string): boolean };
  getAttribute(n: string): string | null;
  querySelector(s: string): El | null;
  querySelectorAll(s: string): ArrayLike<El>;
  getBoundingClientRect(): Box;
  firstChild: TextNode | null;
  childNodes: ArrayLike<TextNode>;
  scrollTop: number;
  textContent: string | null;
  shadowRoot: El | null;
}
interface TextNode {
  nodeType: number;
  data: string;
}
interface Geometry {
  document: { querySelector(s: string): El | null; createRange(): { setStart(n: TextNode, o: number): void; setEnd(n: TextNode, o: number): void; getBoundingClientRect(): Box } };
  MutationObserver: new (fn: (records: { addedNodes: ArrayLike<El> }[]) => void) => { observe(target: El, options: object): void };
  __arrivals?: Arrival[];
}

/**
 * Starts recording every bot and agent message the widget adds to its log.
 * The MutationObserver runs right after the widget's own code for that
 * socket event, so the geometry is what the visitor gets to see, before any
 * later event could scroll.
 */
export async function watchArrivals(page: Page): Promise<void> {
  await page.evaluate(() => {
    const g = globalThis as unknown as Geometry;
    const root = g.document.querySelector('#relaydesk-widget')!.shadowRoot!;
    const log = root.querySelector('[role="log"]')!;
    const scroller = root.querySelector('.scroll')!;
    const arrivals: Arrival[] = (g.__arrivals = []);
    const measure = (msg: El): Arrival => {
      const bubble = msg.querySelector('.bubble')!;
      const text = Array.from(bubble.childNodes).find((n) => n.nodeType === 3 && n.data.length > 0);
      const range = g.document.createRange();
      if (text) {
        range.setStart(text, 0);
        range.setEnd(text, 1);
      }
      const line = text ? range.getBoundingClientRect() : bubble.getBoundingClientRect();
      const view = scroller.getBoundingClientRect();
      const visible = line.height > 0 && line.top >= view.top - 0.5 && line.bottom <= view.bottom + 0.5;
      return {
        id: msg.getAttribute('data-id'),
        from: msg.classList.contains('agent') ? 'agent' : 'bot',
        text: (bubble.textContent ?? '').slice(0, 60),
        firstLine: { top: line.top, bottom: line.bottom },
        view: { top: view.top, bottom: view.bottom },
        visible,
        scrollTop: scroller.scrollTop,
      };
    };
    new g.MutationObserver((records) => {
      for (const r of records) {
        for (const node of Array.from(r.addedNodes)) {
          if (node.classList?.contains('bot') || node.classList?.contains('agent')) arrivals.push(measure(node));
        }
      }
    }).observe(log, { childList: true });
  });
}

/** Every arrival recorded so far, oldest first. */
export function arrivals(page: Page): Promise<Arrival[]> {
  return page.evaluate(() => (globalThis as unknown as Geometry).__arrivals ?? []);
}

/**
 * Dashes (— or –) that begin a wrapped line of a message: the character before
 * the dash (past any spaces) sits on an earlier line. A dash the text itself
 * puts after a line break does not count.
 */
export function dashesAtLineStart(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const g = globalThis as unknown as Geometry;
    const root = g.document.querySelector('#relaydesk-widget')!.shadowRoot!;
    const found: string[] = [];
    const rectOf = (node: TextNode, i: number) => {
      const range = g.document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      return range.getBoundingClientRect();
    };
    for (const bubble of Array.from(root.querySelectorAll('[role="log"] .bubble'))) {
      for (const node of Array.from(bubble.childNodes).filter((n) => n.nodeType === 3)) {
        const s = node.data;
        for (let i = 1; i < s.length; i++) {
          if (s[i] !== '—' && s[i] !== '–') continue;
          let j = i - 1;
          while (j >= 0 && /[ \u00a0\t]/.test(s[j]!)) j--;
          if (j < 0 || s[j] === '\n') continue;
          if (rectOf(node, i).top > rectOf(node, j).top + 2) found.push(s.slice(Math.max(0, j - 20), i + 20));
        }
      }
    }
    return found;
  });
}

/**
 * Request numbers (SR-1042) and international phone numbers (+7 900 123-45-67)
 * that a message wraps across two lines: the number's first and last
 * characters sit on different lines.
 */
export function splitNumbers(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const g = globalThis as unknown as Geometry;
    const root = g.document.querySelector('#relaydesk-widget')!.shadowRoot!;
    const found: string[] = [];
    const topOf = (node: TextNode, i: number) => {
      const range = g.document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      return range.getBoundingClientRect().top;
    };
    const textsOf = (el: El): TextNode[] => Array.from(el.childNodes).flatMap((n) => (n.nodeType === 3 ? [n] : textsOf(n as unknown as El)));
    for (const bubble of Array.from(root.querySelectorAll('[role="log"] .bubble'))) {
      for (const node of textsOf(bubble)) {
        for (const m of node.data.matchAll(/[A-Z][A-Z0-9]{0,9}-\d+|\+\d[\d ()-]{5,18}\d/g)) {
          const first = m.index;
          const last = first + m[0].length - 1;
          if (topOf(node, last) > topOf(node, first) + 2) found.push(m[0]);
        }
      }
    }
    return found;
  });
}
