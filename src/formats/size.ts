/** A byte count as people read it: `10 MB`, `1.5 MB`, `64 KB`. */
export function formatSize(bytes: number): string {
  const mb = bytes / 1048576;
  if (mb >= 1) return `${Number(mb.toFixed(1))} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}
