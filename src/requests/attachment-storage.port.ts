/**
 * Where attachment bytes live. Content-addressed: the same bytes are stored
 * once. The returned key is what the attachment row keeps in `storage_key`.
 */
export interface AttachmentStorage {
  /** Stores the bytes (again: a put of stored bytes renews them, see `remove`). */
  put(sha256: string, data: Buffer): Promise<string>;
  /** Throws if the key is unknown. */
  get(storageKey: string): Promise<Buffer>;
}

/** A storage that can also let go of bytes nothing refers to any more (uploads never sent). */
export interface PrunableStorage extends AttachmentStorage {
  /**
   * Deletes the bytes under `storageKey` unless they were put at or after
   * `before` (an upload of the same bytes may be on its way into a new row).
   * Resolves true when they are gone (or were already).
   */
  remove(storageKey: string, before: Date): Promise<boolean>;
}
