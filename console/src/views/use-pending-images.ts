import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useT } from '../i18n/i18n.js';
import { sortFiles, uploadErrorText } from '../images.js';
import type { AttachmentView } from '../types.js';
import { errorText } from './notices.js';

/** An image chosen for the next reply: uploaded at once, sent by its attachment id. */
export interface PendingImage {
  key: number;
  name: string;
  /** A blob: URL of the local file, for the thumbnail. */
  preview: string;
  /** null while uploading. */
  attachment: AttachmentView | null;
}

export function releaseImages(images: PendingImage[]): void {
  for (const image of images) URL.revokeObjectURL(image.preview);
}

let nextKey = 1;

export interface PendingImages {
  images: PendingImage[];
  uploading: boolean;
  /** Why the last files were not attached (null: all went well). */
  error: string | null;
  add(files: File[]): void;
  remove(key: number): void;
  /** Sent or thrown away: forget them all. */
  clear(): void;
  fail(error: string | null): void;
}

/**
 * The images of the reply being written. Each is uploaded as soon as it is
 * chosen or pasted; one the server refuses is taken off with the reason
 * (413 too large, 415 not an image). Uploads still running when the request
 * is left are dropped; uploaded ones stay with the draft (`initial`).
 */
export function usePendingImages(number: string, initial: PendingImage[]): PendingImages {
  const t = useT();
  const [images, setImages] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const live = useRef(true);
  const latest = useRef(images);
  latest.current = images;
  useEffect(
    () => () => {
      live.current = false;
      releaseImages(latest.current.filter((i) => !i.attachment));
    },
    [],
  );

  function upload(file: File, image: PendingImage) {
    api.uploadAttachment(number, file, image.name).then(
      (attachment) => live.current && setImages((list) => list.map((i) => (i.key === image.key ? { ...i, attachment } : i))),
      (err: unknown) => {
        if (!live.current) return;
        setImages((list) => list.filter((i) => i.key !== image.key));
        URL.revokeObjectURL(image.preview);
        setError(uploadErrorText(t, err, image.name) ?? errorText(t, err));
      },
    );
  }

  return {
    images,
    uploading: images.some((i) => !i.attachment),
    error,
    add(files) {
      const { accepted, errors } = sortFiles(t, files, images.length);
      setError(errors.length > 0 ? errors.join(' ') : null);
      const added = accepted.map((file) => ({ key: nextKey++, name: file.name || t.image, preview: URL.createObjectURL(file), attachment: null }));
      if (added.length === 0) return;
      setImages((list) => [...list, ...added]);
      added.forEach((image, i) => upload(accepted[i]!, image));
    },
    remove(key) {
      const gone = images.find((i) => i.key === key);
      if (gone) URL.revokeObjectURL(gone.preview);
      setImages((list) => list.filter((i) => i.key !== key));
    },
    clear() {
      releaseImages(images);
      setImages([]);
      setError(null);
    },
    fail: setError,
  };
}
