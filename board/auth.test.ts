import { describe, expect, it } from 'vitest';
import {
  BoardAuthConfigError,
  challenge,
  checkAuthorization,
  resolveCredentials,
  safeEqual,
} from './auth.js';

const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
const none = { BOARD_USER: '', BOARD_PASSWORD: '', BOARD_TOKEN: '' };

describe('resolveCredentials', () => {
  it('needs a user/password pair or a token, unless insecureDev', () => {
    expect(() => resolveCredentials(none)).toThrow(BoardAuthConfigError);
    expect(resolveCredentials(none, true)).toBeNull();
    expect(() => resolveCredentials({ ...none, BOARD_USER: 'u' })).toThrow(/go together/);
    expect(() => resolveCredentials({ ...none, BOARD_PASSWORD: 'p' }, true)).toThrow(/go together/);
    expect(resolveCredentials({ ...none, BOARD_USER: 'u', BOARD_PASSWORD: 'p' })).toEqual({
      basic: { user: 'u', password: 'p' },
    });
    expect(resolveCredentials({ ...none, BOARD_TOKEN: 't' }, true)).toEqual({ token: 't' });
  });
});

describe('checkAuthorization', () => {
  const creds = { basic: { user: 'op', password: 'p:w d' }, token: 'tok' };
  it('accepts the right basic pair (password may hold colons) and the right token', () => {
    expect(checkAuthorization(basic('op:p:w d'), creds)).toBe('ok');
    expect(checkAuthorization('bearer tok', creds)).toBe('ok');
    expect(checkAuthorization('  Bearer   tok ', creds)).toBe('ok');
  });
  it('tells wrong credentials from missing ones', () => {
    expect(checkAuthorization(undefined, creds)).toBe('missing');
    expect(checkAuthorization('', creds)).toBe('missing');
    expect(checkAuthorization('Negotiate abc', creds)).toBe('missing');
    expect(checkAuthorization(basic('op:wrong'), creds)).toBe('invalid');
    expect(checkAuthorization(basic('OP:p:w d'), creds)).toBe('invalid');
    expect(checkAuthorization(basic('nocolon'), creds)).toBe('invalid');
    expect(checkAuthorization('Bearer tok2', creds)).toBe('invalid');
    expect(checkAuthorization('Bearer tok', { basic: creds.basic })).toBe('invalid');
    expect(checkAuthorization(basic('op:p:w d'), { token: 'tok' })).toBe('invalid');
  });
  it('compares in constant time whatever the lengths', () => {
    expect(safeEqual('a', 'a')).toBe(true);
    expect(safeEqual('a', 'a'.repeat(1000))).toBe(false);
  });
  it('challenges with Basic when a pair is configured, else Bearer', () => {
    expect(challenge(creds)).toMatch(/^Basic realm=/);
    expect(challenge({ token: 't' })).toMatch(/^Bearer realm=/);
  });
});
