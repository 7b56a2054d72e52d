/** Sign-in, uploads and settings: the part of the RequestStore contract channels use beyond messages. */
import { describe, expect, it } from 'vitest';
import type { RequestStore } from '../../src/requests/request-store.port.js';
import type { RequestStoreHarness } from './request-store.contract.js';
import { expectStoreError } from './request-store.contract.js';
import type { Fixtures } from './request-store.fixtures.js';

interface Ctx {
  h: RequestStoreHarness;
  store: RequestStore;
  f: Fixtures;
}

export function defineVisitorContract(ctx: () => Ctx): void {
  describe('customers found by identity, tokens, unsent uploads and settings', () => {
    it('finds a customer by channel identity without creating one, and revokes its tokens', async () => {
      const { store, f } = ctx();
      expect(await store.findCustomer('webchat', 'v_nobody')).toBeNull();
      expect(await store.getCustomer('01900000-0000-7000-8000-000000000000')).toBeNull();
      const c = await f.customer('webchat');
      expect(await store.findCustomer('webchat', c.externalId)).toEqual({ ...c, tokensValidAfter: null });
      expect(await store.findCustomer('telegram', c.externalId)).toBeNull();
      const at = new Date('2026-12-01T10:00:00.000Z');
      await store.revokeVisitorTokens(c.id, at);
      expect((await store.findCustomer('webchat', c.externalId))?.tokensValidAfter).toEqual(at);
      await expectStoreError(store.revokeVisitorTokens('01900000-0000-7000-8000-000000000000', at), 'not_found');
    });

    it('counts the bytes a customer uploaded and did not send', async () => {
      const { store, f } = ctx();
      const c = await f.customer('webchat');
      const other = await f.customer('webchat');
      expect(await store.unsentUploadBytes(c.id)).toBe(0);
      const [a, b] = [await f.attachment(c.id), await f.attachment(c.id)];
      await f.attachment(other.id);
      expect(await store.unsentUploadBytes(c.id)).toBe(a.size + b.size);
      await f.inbound(c, { attachmentId: a.id });
      expect(await store.unsentUploadBytes(c.id)).toBe(b.size);
    });

    it('deletes uploads never sent once they are old, and says which stored bytes nothing refers to', async () => {
      const { store, f } = ctx();
      const c = await f.customer('webchat');
      const base = { customerId: c.id, mimeType: 'image/png', size: 10, fileName: 'x.png' };
      const sent = await store.createAttachment({ ...base, sha256: 'a'.repeat(64), storageKey: 'fs:shared' });
      const orphanSharing = await store.createAttachment({ ...base, sha256: 'a'.repeat(64), storageKey: 'fs:shared' });
      const orphanAlone = await store.createAttachment({ ...base, sha256: 'b'.repeat(64), storageKey: 'fs:alone' });
      const twins = [await store.createAttachment({ ...base, sha256: 'c'.repeat(64), storageKey: 'fs:twins' }), await store.createAttachment({ ...base, sha256: 'c'.repeat(64), storageKey: 'fs:twins' })];
      await f.inbound(c, { attachmentId: sent.id });

      expect(await store.deleteOrphanAttachments(new Date(Date.now() - 60_000), 100)).toEqual([]);
      const deleted = await store.deleteOrphanAttachments(new Date(Date.now() + 60_000), 100);
      expect(deleted.map((d) => d.id).sort()).toEqual([orphanSharing.id, orphanAlone.id, ...twins.map((t) => t.id)].sort());
      const byId = new Map(deleted.map((d) => [d.id, d]));
      expect(byId.get(orphanSharing.id)).toMatchObject({ storageKey: 'fs:shared', lastReference: false });
      expect(byId.get(orphanAlone.id)).toMatchObject({ storageKey: 'fs:alone', lastReference: true });
      // Both rows of the same bytes went in one batch: nothing refers to them any more.
      expect(twins.map((t) => byId.get(t.id)?.lastReference)).toEqual([true, true]);
      expect(await store.getAttachment(sent.id)).not.toBeNull();
      expect(await store.getAttachment(orphanAlone.id)).toBeNull();
    });

    it('deletes orphans in batches of the size asked', async () => {
      const { store, f } = ctx();
      const c = await f.customer('webchat');
      for (let i = 0; i < 5; i++) await f.attachment(c.id);
      const later = new Date(Date.now() + 60_000);
      expect(await store.deleteOrphanAttachments(later, 3)).toHaveLength(3);
      expect(await store.deleteOrphanAttachments(later, 3)).toHaveLength(2);
    });

    it('keeps the first value of a setting, under concurrent first callers too', async () => {
      const { store } = ctx();
      const values = await Promise.all(Array.from({ length: 8 }, (_, i) => store.ensureSetting('test.secret', `value-${i}`)));
      expect(new Set(values).size).toBe(1);
      expect(await store.ensureSetting('test.secret', 'another')).toBe(values[0]);
    });
  });
}
