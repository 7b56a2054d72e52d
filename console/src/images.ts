import { ApiError } from './api.js';
import type { Strings } from './i18n/i18n.js';

/** What the API accepts in a reply (checked again there, by content). */
export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const;

/** Images one reply can carry (messageBodySchema's `attachmentIds`). */
export const MAX_IMAGES = 10;

export function isSendableImage(file: { type: string }): boolean {
  return (IMAGE_TYPES as readonly string[]).includes(file.type);
}

/** The files of a paste or a drop (none for plain text). */
export function filesOf(data: DataTransfer | null): File[] {
  return data ? Array.from(data.files) : [];
}

/** Splits files to attach: images that fit beside the `pending` ones, and what to tell about the rest. */
export function sortFiles<F extends { type: string; name: string }>(t: Strings, files: F[], pending: number): { accepted: F[]; errors: string[] } {
  const accepted: F[] = [];
  const errors: string[] = [];
  for (const file of files) {
    if (!isSendableImage(file)) errors.push(t.notAnImage(file.name || t.file));
    else if (pending + accepted.length >= MAX_IMAGES) {
      errors.push(t.tooManyImages(MAX_IMAGES));
      break;
    } else accepted.push(file);
  }
  return { accepted, errors };
}

/** Why an upload was refused, in the agent's language; null for failures that are not about the file. */
export function uploadErrorText(t: Strings, err: unknown, name: string): string | null {
  if (!(err instanceof ApiError)) return null;
  if (err.status === 415) return t.notAnImage(name);
  // The server names its limit in English ("larger than 10 MB"); the number is kept.
  if (err.status === 413) return t.imageTooLarge(name, Number(/(\d+)\s*MB/.exec(err.message)?.[1]) || null);
  return null;
}
