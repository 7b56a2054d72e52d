import type { UploadResult } from './protocol';

/**
 * An upload the server refused (its status, error code and English message,
 * meant for logs) or that never reached it (status 0).
 */
export class UploadError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = 'UploadError';
  }
}

function serverError(xhr: XMLHttpRequest): { code: string | null; message: string | null } {
  try {
    const { error } = JSON.parse(xhr.responseText) as { error?: { code?: unknown; message?: unknown } };
    const text = (v: unknown) => (typeof v === 'string' ? v : null);
    return { code: text(error?.code), message: text(error?.message) };
  } catch {
    return { code: null, message: null };
  }
}

/**
 * `POST ${base}/webchat/uploads` with the file as field `file`. XMLHttpRequest
 * rather than fetch because only it reports upload progress.
 */
export function uploadFile(
  base: string,
  token: string,
  file: Blob,
  onProgress: (percent: number) => void,
  fallbackMessage: string,
): Promise<UploadResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${base}/webchat/uploads`);
    xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100));
    };
    xhr.onload = () => {
      if (xhr.status === 201 || xhr.status === 200) {
        try {
          return resolve(JSON.parse(xhr.responseText) as UploadResult);
        } catch {
          return reject(new UploadError(fallbackMessage, xhr.status));
        }
      }
      const { code, message } = serverError(xhr);
      reject(new UploadError(message ?? fallbackMessage, xhr.status, code));
    };
    xhr.onerror = () => reject(new UploadError(fallbackMessage, 0));
    const form = new FormData();
    form.append('file', file, file instanceof File ? file.name : 'screenshot.png');
    xhr.send(form);
  });
}
