/** Below this width one pane shows at a time (keep in step with the media query in styles.css). */
const NARROW = '(max-width: 1023px)';

export function isNarrow(): boolean {
  return matchMedia(NARROW).matches;
}

/** Limits of the API's schemas (src/console/console.schemas.ts), so the browser stops the agent first. */
export const LIMITS = { text: 4000, title: 100, name: 100, passwordMin: 10 } as const;
