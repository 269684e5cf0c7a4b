import { describe, expect, it } from 'vitest';
import { isSecretKey, redactSecrets, redactString } from './redact.js';

describe('redactSecrets', () => {
  it('masks secret-looking keys at any depth and leaves the rest alone', () => {
    const input = {
      runId: 3,
      key: 'backups/x.dump',
      objectKey: 'dcat/page-1.json',
      nested: [{ apiKey: 'k', S3_SECRET_ACCESS_KEY: 's', accessToken: 't', pass: 'p', empty: '' }],
      password: '',
      bypass: 'kept',
    };
    expect(redactSecrets(input)).toEqual({
      runId: 3,
      key: 'backups/x.dump',
      objectKey: 'dcat/page-1.json',
      nested: [{ apiKey: '***', S3_SECRET_ACCESS_KEY: '***', accessToken: '***', pass: '***', empty: '' }],
      password: '',
      bypass: 'kept',
    });
    expect(input.nested[0]!.apiKey).toBe('k');
  });

  it('masks passwords inside URLs and free text, keeps keys when asked', () => {
    expect(redactString('postgres://u:p%40ss@h:5432/db and redis://:pw@r:6379')).toBe(
      'postgres://u:***@h:5432/db and redis://:***@r:6379',
    );
    expect(redactString('postgres://u@h/db')).toBe('postgres://u@h/db');
    expect(redactString('Authorization: Bearer abc.def and token=xyz&a=1 (password: "x y")')).toBe(
      'Authorization: Bearer *** and token=***&a=1 (password: ***)',
    );
    expect(redactSecrets({ token: 'visible Bearer hidden' }, { keys: false })).toEqual({
      token: 'visible Bearer ***',
    });
  });

  it('survives cycles and shared references', () => {
    const shared = { v: 1 };
    const cyclic: Record<string, unknown> = { a: shared, b: shared };
    cyclic.self = cyclic;
    expect(redactSecrets(cyclic)).toEqual({ a: { v: 1 }, b: { v: 1 }, self: '[cut]' });
  });

  it('recognises secret key names', () => {
    for (const k of [
      'password',
      'DB_PASSWORD',
      'passwd',
      'client_secret',
      'refreshToken',
      'authorization',
      'credentials',
    ]) {
      expect(isSecretKey(k), k).toBe(true);
    }
    for (const k of ['key', 'objectKey', 'runId', 'keywords', 'passage', 'compass'])
      expect(isSecretKey(k), k).toBe(false);
  });
});
