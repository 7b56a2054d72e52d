import { useT } from '../i18n/i18n.js';
import type { AttachmentView } from '../types.js';
import { Dialog } from './dialog.js';

/** A screenshot at full size over the page; Escape, the close button or a click beside it closes it. */
export function Lightbox({ attachment, onClose }: { attachment: AttachmentView; onClose(): void }) {
  const t = useT();
  return (
    <Dialog title={attachment.fileName ?? t.fullSize} onClose={onClose} class="lightbox" testid="lightbox">
      <a class="lightbox-frame" href={attachment.url} target="_blank" rel="noopener">
        <img src={attachment.url} alt={attachment.fileName ?? t.fullSize} data-testid="lightbox-image" />
      </a>
    </Dialog>
  );
}
