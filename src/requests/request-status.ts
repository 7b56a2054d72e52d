import type { RequestStatus } from './request.types.js';

/**
 * The status graph of a support request. Reopening (from `solution_provided`
 * or `closed`) always goes back to `in_progress`.
 */
const NEXT: Record<RequestStatus, readonly RequestStatus[]> = {
  new: ['in_progress', 'awaiting_customer', 'solution_provided', 'closed'],
  in_progress: ['awaiting_customer', 'solution_provided', 'closed'],
  awaiting_customer: ['in_progress', 'solution_provided', 'closed'],
  solution_provided: ['in_progress', 'closed'],
  closed: ['in_progress'],
};

export const REQUEST_STATUSES: readonly RequestStatus[] = Object.keys(NEXT) as RequestStatus[];

export function canTransition(from: RequestStatus, to: RequestStatus): boolean {
  return NEXT[from].includes(to);
}

export function allowedTransitions(from: RequestStatus): readonly RequestStatus[] {
  return NEXT[from];
}

