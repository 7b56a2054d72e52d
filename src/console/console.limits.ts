/**
 * Sizes the agent API accepts, shared with the console (which stops the agent
 * before the server would): no imports, so the browser bundle can take it.
 */
export const LIMITS = {
  /** A reply, a note, a status comment, a canned response. Longer replies are split where the channel needs it. */
  text: 10_000,
  title: 100,
  /** A mass incident's title, in each language. */
  incidentTitle: 200,
  name: 100,
  passwordMin: 10,
} as const;
