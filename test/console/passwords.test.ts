import { describe, expect, it } from 'vitest';
import { generatePassword, hashPassword, verifyPassword } from '../../src/console/passwords.js';
import { csrfMatches, hashToken, readCookie, tokenOf } from '../../src/console/sessions.js';

describe('passwords', () => {
  it('hashes with a salt and verifies only the right password', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
  });

  it('treats an unreadable hash as a mismatch', async () => {
    for (const stored of ['', 'plain', 'bcrypt$x$y', 'scrypt$16384$8$1$salt']) expect(await verifyPassword('x', stored)).toBe(false);
  });

  it('generates readable 20-character passwords', () => {
    const passwords = new Set(Array.from({ length: 50 }, generatePassword));
    expect(passwords.size).toBe(50);
    for (const p of passwords) expect(p).toMatch(/^[a-km-zA-HJ-NP-Z2-9]{20}$/);
  });
});

describe('session tokens', () => {
  it('takes a bearer token before the cookie, and refuses other schemes', () => {
    expect(tokenOf({ authorization: 'Bearer rd_abc' }, { relaydesk_session: 'rd_cookie' })).toEqual({ token: 'rd_abc', via: 'bearer' });
    expect(tokenOf({}, { relaydesk_session: 'rd_cookie' })).toEqual({ token: 'rd_cookie', via: 'cookie' });
    expect(tokenOf({ authorization: 'Basic YTpi' }, { relaydesk_session: 'rd_cookie' })).toBeNull();
    expect(tokenOf({}, {})).toBeNull();
  });

  it('reads a cookie from a raw header and compares CSRF tokens exactly', () => {
    expect(readCookie('a=1; relaydesk_session=rd_x%3D; b=2', 'relaydesk_session')).toBe('rd_x=');
    expect(readCookie('relaydesk_sessionX=1', 'relaydesk_session')).toBeUndefined();
    expect(csrfMatches('token-1', 'token-1')).toBe(true);
    expect(csrfMatches('token-1', 'token-2')).toBe(false);
    expect(csrfMatches('token-1', undefined)).toBe(false);
    expect(hashToken('rd_x')).toMatch(/^[0-9a-f]{64}$/);
  });
});
