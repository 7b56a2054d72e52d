import { useT } from '../i18n/i18n.js';
import { fileSize } from '../format.js';
import type { AttachmentView } from '../types.js';

/** Screenshots as thumbnails, the whole image scaled down, that open full size; other files as links. */
export function Attachments({ list, onOpen }: { list: AttachmentView[]; onOpen(a: AttachmentView): void }) {
  const t = useT();
  if (list.length === 0) return null;
  return (
    <ul class="attachments">
      {list.map((a) =>
        a.mimeType.startsWith('image/') ? (
          <li key={a.id}>
            <button type="button" class="thumb" onClick={() => onOpen(a)} title={t.openFullSize} data-testid="attachment-thumb">
              <img src={a.url} alt={`${t.screenshot}${a.fileName ? `: ${a.fileName}` : ''} (${t.openFullSize})`} loading="lazy" width={160} height={120} />
            </button>
          </li>
        ) : (
          <li key={a.id}>
            <a class="file" href={a.url} download={a.fileName ?? true} data-testid="attachment-file">
              {a.fileName ?? t.file} ({fileSize(a.size)})
            </a>
          </li>
        ),
      )}
    </ul>
  );
}
