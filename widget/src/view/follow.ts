/** Scrolled this close to the end, the visitor is back at the newest message. */
const END_SLACK = 24;
/** Room left above a message scrolled to the top of the view. */
const TOP_GAP = 8;

/**
 * Keeps new messages in view while the visitor follows the conversation, and
 * announces them with the "new message" button while the visitor has scrolled
 * up to read earlier ones. A message is brought into view by its first line:
 * one taller than the view is scrolled to its top, not to its end.
 *
 * "Following" is decided from what the visitor did (scrolling up stops it;
 * scrolling back to the end, sending, opening the chat or the button resume
 * it), never from measuring after a message was added: by then the message
 * has already made the conversation taller.
 */
export class Follower {
  private following = true;
  /** The message last brought into view, kept there while content around it grows. */
  private target: HTMLElement | null = null;
  /** The first message that arrived while the visitor read earlier ones. */
  private unseen: HTMLElement | null = null;
  /** scrollTop as last seen or set, to tell the visitor's scrolling up from ours. */
  private lastTop = 0;
  /** scrollTop the widget itself last set. */
  private ownTop = -1;

  constructor(
    private readonly scroller: HTMLElement,
    private readonly pill: HTMLButtonElement,
  ) {
    scroller.addEventListener('scroll', () => this.onScroll(), { passive: true });
    // An image in a message loaded and made it taller.
    scroller.addEventListener('load', () => this.settle(), true);
    pill.addEventListener('click', () => this.jump(this.unseen));
  }

  /** A message was added: into view while following; otherwise the button, for the bot's and agents'. */
  reveal(el: HTMLElement | null, announce: boolean): void {
    if (!el) return;
    if (this.following) {
      this.target = el;
      return this.apply();
    }
    if (!announce || this.unseen) return;
    this.unseen = el;
    this.pill.hidden = false;
  }

  /** Follows again: from `el`'s first line (or the end) if the conversation is taller than the view. */
  jump(el: HTMLElement | null = null): void {
    this.following = true;
    this.setUnseen(null);
    this.target = el;
    this.apply();
  }

  /** Content changed size (a message re-rendered, the typing line): stay where the widget put the view. */
  settle(): void {
    if (this.following && Math.abs(this.scroller.scrollTop - this.ownTop) <= 1) this.apply();
  }

  private apply(): void {
    const s = this.scroller;
    const end = s.scrollHeight - s.clientHeight;
    const top = this.target?.isConnected ? this.target.getBoundingClientRect().top - s.getBoundingClientRect().top + s.scrollTop - TOP_GAP : end;
    s.scrollTop = Math.max(0, Math.min(end, top));
    this.lastTop = this.ownTop = s.scrollTop;
  }

  private onScroll(): void {
    const s = this.scroller;
    const top = s.scrollTop;
    if (s.scrollHeight - s.clientHeight - top <= END_SLACK) this.following = true;
    // Content shrinking or added above moves scrollTop too, but only the visitor moves it up from the end.
    else if (top < this.lastTop - 1) this.following = false;
    this.lastTop = top;
    if (this.following || (this.unseen && this.inView(this.unseen))) this.setUnseen(null);
  }

  private inView(el: HTMLElement): boolean {
    const view = this.scroller.getBoundingClientRect();
    const box = el.getBoundingClientRect();
    return box.top >= view.top && box.top + 20 <= view.bottom;
  }

  private setUnseen(el: HTMLElement | null): void {
    this.unseen = el;
    this.pill.hidden = !el;
  }
}
