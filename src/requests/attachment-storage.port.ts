/**
 * Where attachment bytes live. Content-addressed: the same bytes are stored
 * once. The returned key is what the attachment row keeps in `storage_key`.
 */
export interface AttachmentStorage {
  put(sha256: string, data: Buffer): Promise<string>;
  /** Throws if the key is unknown. */
  get(storageKey: string): Promise<Buffer>;
}
