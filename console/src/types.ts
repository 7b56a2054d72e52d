/** The agent API's shapes, shared with the server (types only: nothing of the server is bundled). */
export type * from '../../src/console/console.api.js';

/** The package version, set by console/build.mjs. */
declare global {
  const __VERSION__: string;
}
