import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, redactConfig } from './config.js';

describe('config', () => {
  it('has working defaults', () => {
    const c = parseConfig({});
    expect(c.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(c.ETL_CRON).toBe('0 0 * * *');
    expect(c.ETL_TZ).toBe('Europe/Paris');
    expect(c.S3_FORCE_PATH_STYLE).toBe(true);
    expect(c.CHUNK_SIZE).toBe(100);
    expect(c.BACKUP_KEEP).toBe(14);
  });

  it('parses numbers and booleans from strings', () => {
    const c = parseConfig({ CHUNK_SIZE: '50', S3_FORCE_PATH_STYLE: 'false', BOARD_READ_ONLY: '1' });
    expect(c.CHUNK_SIZE).toBe(50);
    expect(c.S3_FORCE_PATH_STYLE).toBe(false);
    expect(c.BOARD_READ_ONLY).toBe(true);
  });

  it('lists every bad key in one error, without showing secrets', () => {
    let error: unknown;
    try {
      parseConfig({
        REDIS_URL: 'http://nope',
        DATABASE_URL: 'not a url',
        CHUNK_SIZE: '-3',
        S3_FORCE_PATH_STYLE: 'maybe',
        URL_CHECKS: 'sometimes',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(
      ['CHUNK_SIZE', 'DATABASE_URL', 'REDIS_URL', 'S3_FORCE_PATH_STYLE', 'URL_CHECKS'].sort(),
    );
    expect((error as Error).message).toContain('CHUNK_SIZE');
  });

  it('redacts secrets and URL passwords', () => {
    const c = parseConfig({
      DATABASE_URL: 'postgres://u:hunter2@db/x',
      S3_SECRET_ACCESS_KEY: 'topsecret',
      BOARD_PASSWORD: 'pw-of-sixteen-chars',
    });
    const text = JSON.stringify(redactConfig(c));
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('topsecret');
    expect(text).not.toContain('pw-of-sixteen-chars');
  });

  it('refuses board credentials under 16 characters, without printing them', () => {
    expect(() => parseConfig({ BOARD_PASSWORD: 'short', BOARD_TOKEN: 'tiny' })).toThrow(
      /BOARD_PASSWORD: must be at least 16 characters[\s\S]*BOARD_TOKEN: must be at least 16 characters/,
    );
    try {
      parseConfig({ BOARD_PASSWORD: 'short' });
    } catch (err) {
      expect((err as Error).message).not.toContain('short');
    }
    expect(parseConfig({ BOARD_PASSWORD: '' }).BOARD_PASSWORD).toBe('');
  });

  it('says in plain words what is wrong with a cron pattern or a time zone', () => {
    expect(() =>
      parseConfig({ ETL_CRON: 'bogus', ETL_TZ: 'Mars/Olympus', BACKUP_CRON: '61 * * * *' }),
    ).toThrow(
      /ETL_CRON: "bogus" is not a cron pattern[\s\S]*ETL_TZ: "Mars\/Olympus" is not a time zone[\s\S]*BACKUP_CRON: "61 \* \* \* \*" is not a cron pattern/,
    );
    expect(parseConfig({ BACKUP_CRON: '' }).BACKUP_CRON).toBe('');
  });
});
