import type { RequestStatus } from './types.js';

/**
 * The moves between statuses the server allows, so the console can disable
 * the buttons of the others. Mirrors the request store's status graph.
 */
export const STATUS_MOVES: Readonly<Record<RequestStatus, readonly RequestStatus[]>> = {
  new: ['in_progress', 'awaiting_customer', 'solution_provided', 'closed'],
  in_progress: ['awaiting_customer', 'solution_provided', 'closed'],
  awaiting_customer: ['in_progress', 'solution_provided', 'closed'],
  solution_provided: ['in_progress', 'closed'],
  closed: ['in_progress'],
};

export function canMove(from: RequestStatus, to: RequestStatus): boolean {
  return STATUS_MOVES[from].includes(to);
}

/** Statuses an agent must explain to the customer with a comment. */
export function needsComment(to: RequestStatus): boolean {
  return to === 'awaiting_customer' || to === 'solution_provided';
}
