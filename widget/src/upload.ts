import type { UploadResult } from './protocol';

/** An upload the server refused or that never reached it; `message` is fit to show. */
export class UploadError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'UploadError';
  }
}

function serverMessage(xhr: XMLHttpRequest): string | null {
  try {
    const body = JSON.parse(xhr.responseText) as { error?: { message?: unknown } };
    return typeof body.error?.message === 'string' ? body.error.message : null;
  } catch {
    return null;
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
      reject(new UploadError(serverMessage(xhr) ?? fallbackMessage, xhr.status));
    };
    xhr.onerror = () => reject(new UploadError(fallbackMessage, 0));
    const form = new FormData();
    form.append('file', file, file instanceof File ? file.name : 'screenshot.png');
    xhr.send(form);
  });
}
