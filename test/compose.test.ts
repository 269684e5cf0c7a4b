import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * docker-compose.yml is the whole system. There is no Docker engine here, but Debian's
 * docker-compose (1.29) resolves and validates a file without one: `docker-compose config`.
 * Without the binary the test is skipped with a message, and fails when CI=true (.ci/run installs it).
 */
const BIN = ['/usr/bin/docker-compose', '/usr/local/bin/docker-compose'].find((p) => existsSync(p));
if (!BIN && process.env.CI === 'true') {
  throw new Error('CI=true: the compose test needs docker-compose (apt-get install -y docker-compose)');
}
const ROOT = new URL('..', import.meta.url);
const ENV = { ...process.env, BOARD_PASSWORD: 'a-board-password-of-24ch' };

interface Service {
  image?: string;
  build?: { context: string; target?: string };
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] | string };
  depends_on?: Record<string, { condition: string }>;
  ports?: unknown[];
  restart?: string;
}

function config(env: NodeJS.ProcessEnv = ENV): { services: Record<string, Service> } {
  const out = execFileSync(BIN!, ['config'], { cwd: ROOT, env, encoding: 'utf8' });
  return parse(out) as { services: Record<string, Service> };
}

(BIN ? describe : describe.skip)(
  BIN
    ? 'docker-compose.yml'
    : 'docker-compose.yml: SKIPPED, no docker-compose (apt-get install docker-compose)',
  () => {
    const { services } = BIN ? config() : { services: {} as Record<string, Service> };
    const APP = ['workers', 'board', 'schedule'];

    it('starts every part of the system', () => {
      expect(Object.keys(services).sort()).toEqual(
        [
          'board',
          'metabase',
          'metabase-db',
          'minio',
          'minio-setup',
          'postgres',
          'redis',
          'sample-dump',
          'schedule',
          'workers',
        ].sort(),
      );
    });

    it('pins every image (no :latest) and builds the app from the Dockerfile', () => {
      for (const [name, s] of Object.entries(services)) {
        if (s.build) {
          expect(s.build.target, name).toBe(name === 'sample-dump' ? 'tools' : 'runtime');
          continue;
        }
        expect(s.image, name).toMatch(/:[^:]*\d[^:]*$/);
        expect(s.image, name).not.toMatch(/:latest$/);
      }
      for (const name of APP) expect(services[name]!.image).toBe('dcat-quality:local');
      expect(services.workers!.command).toEqual(['workers']);
      expect(services.board!.command).toEqual(['board']);
      expect(services.schedule!.command).toEqual(['schedule']);
      expect(services.schedule!.restart).toBe('no');
    });

    it('checks the health of every long-running service', () => {
      for (const name of ['redis', 'postgres', 'minio', 'metabase-db', 'metabase', 'workers', 'board']) {
        expect(services[name]!.healthcheck, name).toBeDefined();
      }
    });

    it('runs Redis as BullMQ needs it: noeviction, AOF', () => {
      const cmd = services.redis!.command!.join(' ');
      expect(cmd).toContain('--maxmemory-policy noeviction');
      expect(cmd).toContain('--appendonly yes');
    });

    it('orders the start: the app after healthy services and the bucket, Metabase after its database', () => {
      for (const name of APP) {
        expect(services[name]!.depends_on, name).toMatchObject({
          redis: { condition: 'service_healthy' },
          postgres: { condition: 'service_healthy' },
          'minio-setup': { condition: 'service_completed_successfully' },
        });
      }
      expect(services['minio-setup']!.depends_on).toMatchObject({ minio: { condition: 'service_healthy' } });
      expect(services.metabase!.depends_on).toMatchObject({
        'metabase-db': { condition: 'service_healthy' },
      });
      expect(services['sample-dump']!.depends_on).toMatchObject({
        'minio-setup': { condition: 'service_completed_successfully' },
      });
    });

    it('gives each app service the settings it needs, pointing at the compose services', () => {
      for (const name of [...APP, 'sample-dump']) {
        expect(services[name]!.environment, name).toMatchObject({
          REDIS_URL: 'redis://redis:6379',
          DATABASE_URL: expect.stringMatching(/@postgres:5432\/dcat_quality$/) as unknown,
          S3_ENDPOINT: 'http://minio:9000',
          S3_FORCE_PATH_STYLE: 'true',
          S3_BUCKET: 'dcat-quality',
          METABASE_DATABASE_URL: 'postgres://metabase@metabase-db:5432/metabase',
        });
      }
      expect(services.board!.environment).toMatchObject({
        BOARD_USER: 'operator',
        BOARD_PASSWORD: ENV.BOARD_PASSWORD,
      });
      expect(services.metabase!.environment).toMatchObject({
        MB_DB_TYPE: 'postgres',
        MB_DB_HOST: 'metabase-db',
      });
    });

    it('refuses to start the board without BOARD_PASSWORD', () => {
      const env = { ...process.env };
      delete env.BOARD_PASSWORD;
      const r = spawnSync(BIN!, ['config'], { cwd: ROOT, env, encoding: 'utf8' });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/BOARD_PASSWORD/);
    });

    it('takes its settings from .env as .env.example documents them', () => {
      const example = readFileSync(new URL('.env.example', ROOT), 'utf8');
      const compose = readFileSync(new URL('docker-compose.yml', ROOT), 'utf8');
      const used = [...new Set([...compose.matchAll(/\$\{([A-Z_]+)[:?-]/g)].map((m) => m[1]!))];
      expect(used.length).toBeGreaterThan(5);
      for (const key of used) expect(example, key).toMatch(new RegExp(`^#? ?${key}=`, 'm'));
    });
  },
);
