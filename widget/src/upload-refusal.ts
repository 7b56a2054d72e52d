import type { Strings } from './i18n';
import type { UploadError } from './upload';

/** A refusal after which sending the same file again cannot succeed. */
export function isFinalRefusal(err: UploadError): boolean {
  return err.status === 413 || err.status === 415;
}

/**
 * What to tell the visitor about a refused upload, in their language. The
 * server's error messages are English and meant for logs (protocol, "Files");
 * the figures a 413 names (the image's dimensions, the size limits) are read
 * from them when present, and the text stays right without them.
 */
export function describeRefusal(s: Strings, err: UploadError): string {
  if (err.status === 0) return s.offline;
  if (err.status === 415 || err.code === 'unsupported_media_type') return s.onlyImages;
  if (err.status === 429) return s.uploadsTooMany;
  if (err.status !== 413) return s.uploadFailed;
  const text = err.message;
  const pixels = /(\d+)\s*[×x]\s*(\d+) pixels/.exec(text);
  if (pixels) {
    const limits = /at most ([\d.]+) megapixels and (\d+) pixels/.exec(text);
    return s.imageTooLarge(pixels[1]!, pixels[2]!, limits ? { megapixels: limits[1]!, side: limits[2]! } : null);
  }
  const size = /([\d.]+) ?(KB|MB|GB)\b/.exec(text);
  const limit = size ? s.sizeText(size[1]!, size[2] as 'KB' | 'MB' | 'GB') : null;
  return /not sent/i.test(text) ? s.unsentTooMuch(limit) : s.fileOver(limit);
}
