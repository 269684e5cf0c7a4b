import { describe, expect, it } from 'vitest';
import {
  backupKey,
  expiredBackups,
  isBackupKey,
  sidecarKey,
  timestamp,
  type BackupSidecar,
} from './store.js';

function sidecar(key: string, createdAt: string): BackupSidecar {
  return {
    format: 'dcat-quality-backup/1',
    key,
    size: 1,
    sha256: '0'.repeat(64),
    createdAt,
    source: { host: 'h', port: 5432, user: 'u', database: 'metabase' },
    pgDumpVersion: 'pg_dump (PostgreSQL) 15.2',
    serverVersion: '15.2',
    trigger: 'test',
  };
}

describe('backup keys', () => {
  it('are <prefix><database>/<UTC timestamp>.dump, sortable, without colons', () => {
    const date = new Date('2025-03-04T05:06:07.089Z');
    expect(timestamp(date)).toBe('20250304T050607.089Z');
    expect(backupKey('backups/', 'metabase', date)).toBe('backups/metabase/20250304T050607.089Z.dump');
    expect(backupKey('backups/', 'a/b', date)).toBe('backups/a%2Fb/20250304T050607.089Z.dump');
    expect(sidecarKey('backups/metabase/x.dump')).toBe('backups/metabase/x.dump.json');
  });

  it('recognises only keys this tool writes', () => {
    expect(isBackupKey('backups/metabase/20250304T050607.089Z.dump', 'backups/')).toBe(true);
    expect(isBackupKey('backups/metabase/x.dump.json', 'backups/')).toBe(false);
    expect(isBackupKey('other/metabase/x.dump', 'backups/')).toBe(false);
    expect(isBackupKey('backups/x.dump', 'backups/')).toBe(false);
    expect(isBackupKey('backups/a/b/x.dump', 'backups/')).toBe(false);
  });
});

describe('retention', () => {
  it('expires everything after the newest `keep`', () => {
    const all = [1, 2, 3, 4, 5].map((d) =>
      sidecar(`b/m/2025010${d}T000000.000Z.dump`, `2025-01-0${d}T00:00:00.000Z`),
    );
    expect(expiredBackups(all, 3).map((b) => b.key)).toEqual([all[1]!.key, all[0]!.key]);
    expect(expiredBackups(all, 5)).toEqual([]);
    expect(expiredBackups(all.reverse(), 4).map((b) => b.key)).toEqual([all.at(-1)!.key]);
  });
});
