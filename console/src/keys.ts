export interface MoveOptions {
  /** Past the last item back to the first (menus), or stop at the ends (the request list). */
  wrap: boolean;
  /** `j` / `k` move down / up too. */
  letters: boolean;
}

/**
 * Where a key moves the focus in a list of `count` items from `index`:
 * Up / Down, Home / End (and j / k where asked). null for any other key, so
 * the caller leaves it to the browser.
 */
export function moveFocus(key: string, index: number, count: number, o: MoveOptions): number | null {
  if (count === 0) return null;
  const last = count - 1;
  const step = (by: number) => {
    const to = index + by;
    if (o.wrap) return (to + count) % count;
    return Math.min(last, Math.max(0, to));
  };
  switch (key) {
    case 'ArrowDown':
      return step(1);
    case 'ArrowUp':
      return step(-1);
    case 'Home':
      return 0;
    case 'End':
      return last;
    case 'j':
      return o.letters ? step(1) : null;
    case 'k':
      return o.letters ? step(-1) : null;
    default:
      return null;
  }
}
