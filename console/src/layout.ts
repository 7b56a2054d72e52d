/** Below this width one pane shows at a time (keep in step with the media query in styles.css). */
const NARROW = '(max-width: 1023px)';

export function isNarrow(): boolean {
  return matchMedia(NARROW).matches;
}

/** Limits of the API's schemas, so the browser stops the agent first. */
export { LIMITS } from '../../src/console/console.limits.js';
