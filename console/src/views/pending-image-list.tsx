import { useT } from '../i18n/i18n.js';
import type { PendingImage } from './use-pending-images.js';

/** Thumbnails of the images the next reply carries, each with a button to take it off. */
export function PendingImageList({ images, onRemove }: { images: PendingImage[]; onRemove(key: number): void }) {
  const t = useT();
  if (images.length === 0) return null;
  return (
    <ul class="pending-images" aria-label={t.imagesToSend} data-testid="pending-images">
      {images.map((image) => {
        const state = image.attachment ? 'ready' : 'uploading';
        return (
          <li key={image.key} class={`pending-image ${state}`} aria-busy={!image.attachment} data-testid="pending-image" data-state={state}>
            <img src={image.preview} alt={image.name} width={64} height={64} />
            {!image.attachment && <span class="pending-state">{t.uploading}</span>}
            <button
              type="button"
              class="pending-remove"
              aria-label={t.removeImage(image.name)}
              title={t.removeImage(image.name)}
              onClick={() => onRemove(image.key)}
              data-testid="pending-remove"
            >
              ×
            </button>
          </li>
        );
      })}
    </ul>
  );
}
