import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ODD_VALUES,
  generateDump,
  measureDump,
  readBody,
  summarizeDump,
  writeDumpToDir,
  type GenOptions,
} from './generate.js';

type Node = Record<string, unknown> & { '@id': string; '@type'?: string | string[] };
interface Doc {
  '@context': Record<string, string>;
  '@graph': Node[];
}
interface File {
  key: string;
  text: string;
  doc: Doc;
}

const VCARD_EMAIL = 'http://www.w3.org/2006/vcard/ns#hasEmail';
const HYDRA_PAGED = 'http://www.w3.org/ns/hydra/core#PagedCollection';

async function load(opts: GenOptions): Promise<File[]> {
  const files: File[] = [];
  for await (const file of generateDump(opts)) {
    const raw = await readBody(file);
    const text = (opts.gzip ? gunzipSync(raw) : raw).toString('utf8');
    files.push({ key: file.key, text, doc: JSON.parse(text) as Doc });
  }
  return files;
}

const types = (n: Node): string[] => (n['@type'] === undefined ? [] : ([] as string[]).concat(n['@type']));
const isDataset = (n: Node) => types(n).includes('dcat:Dataset');
const asArray = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const refsOf = (v: unknown): string[] =>
  asArray(v)
    .map((x) => (x && typeof x === 'object' ? (x as { '@id'?: string })['@id'] : undefined))
    .filter((x): x is string => typeof x === 'string');
/** Every `{"@id": ...}` a node points to. */
function allRefs(node: Node): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(node)) if (!key.startsWith('@')) out.push(...refsOf(value));
  return out;
}

function sha(files: { key: string; text: string }[]): string {
  const h = createHash('sha256');
  for (const f of files) h.update(f.key).update(f.text);
  return h.digest('hex');
}

describe('generateDump', () => {
  const opts: GenOptions = { datasets: 2000, pages: 20 };
  let files: File[];
  beforeAll(async () => {
    files = await load(opts);
  });

  it('is deterministic by seed', async () => {
    const small = { datasets: 300, pages: 3, seed: 7 };
    const a = await load(small);
    const b = await load(small);
    expect(sha(a)).toBe(sha(b));
    expect(sha(await load({ ...small, seed: 8 }))).not.toBe(sha(a));
  });

  it('writes valid JSON-LD documents, pretty-printed like rdflib (sorted keys, indent 2)', () => {
    for (const f of files) {
      expect(Object.keys(f.doc)).toEqual(['@context', '@graph']);
      for (const p of ['dcat', 'dcterms', 'foaf', 'rdfs', 'xsd', 'geo'])
        expect(f.doc['@context'][p]).toMatch(/^http/);
      expect(f.doc['@context']).not.toHaveProperty('vcard');
      expect(Array.isArray(f.doc['@graph'])).toBe(true);
      expect(JSON.stringify(f.doc, null, 2)).toBe(f.text);
      for (const node of f.doc['@graph']) expect(Object.keys(node)).toEqual(Object.keys(node).sort());
    }
  });

  it('matches its summary', async () => {
    const summary = summarizeDump(opts);
    expect(summary.files).toBe(files.length);
    expect(summary.keys).toEqual(files.map((f) => f.key));
    expect(files[0]?.key).toBe('page-0001.json');
    const datasetNodes = files.flatMap((f) => f.doc['@graph'].filter(isDataset));
    expect(summary.datasetNodes).toBe(datasetNodes.length);
    expect(summary.datasets).toBe(new Set(datasetNodes.map((n) => n['@id'])).size);
    expect(summary.datasets).toBe(2000);
    const series = new Set(
      datasetNodes.filter((n) => types(n).includes('dcat:DatasetSeries')).map((n) => n['@id']),
    );
    expect(summary.series).toBe(series.size);
    expect(summary.series / summary.datasets).toBeGreaterThan(0.3);
    expect(summary.series / summary.datasets).toBeLessThan(0.5);
    const measured = await measureDump(opts);
    expect(measured.bytes).toBe(files.reduce((s, f) => s + Buffer.byteLength(f.text), 0));
  });

  it('duplicates a few datasets on the next page, by default and on request', () => {
    const pagesOf = new Map<string, number[]>();
    files.forEach((f, k) => {
      for (const n of f.doc['@graph'].filter(isDataset))
        pagesOf.set(n['@id'], [...(pagesOf.get(n['@id']) ?? []), k]);
    });
    const dup = [...pagesOf.values()].filter((p) => p.length > 1);
    expect(dup.length).toBe(6); // 3 per 1,000
    for (const p of dup) expect(p[1]).toBe((p[0] ?? 0) + 1);
    expect(summarizeDump({ datasets: 100, pages: 4, duplicates: 5 }).datasetNodes).toBe(105);
    expect(summarizeDump({ datasets: 100, pages: 4, duplicates: 0 }).datasetNodes).toBe(100);
    expect(summarizeDump({ datasets: 100, pages: 1, duplicates: 5 }).datasetNodes).toBe(100);
  });

  it('keeps ids unique within a file, resolves every blank reference there, and reuses ids across files', () => {
    const idsByFile = files.map((f) => f.doc['@graph'].map((n) => n['@id']));
    for (const [k, ids] of idsByFile.entries()) {
      expect(new Set(ids).size, files[k]?.key).toBe(ids.length);
      const own = new Set(ids);
      for (const node of files[k]?.doc['@graph'] ?? []) {
        for (const id of allRefs(node)) if (id.startsWith('_:')) expect(own.has(id), id).toBe(true);
      }
      for (const id of ids) if (id.startsWith('_:')) expect(id).toMatch(/^_:N[0-9a-f]{32}$/);
    }
    const blankSets = idsByFile.map((ids) => new Set(ids.filter((id) => id.startsWith('_:'))));
    let reused = 0;
    for (let k = 1; k < blankSets.length; k++) {
      for (const id of blankSets[k] ?? []) if (blankSets[k - 1]?.has(id)) reused++;
    }
    expect(reused).toBeGreaterThan(0);
  });

  it('puts most blank nodes right after their dataset, some before it and some far after', () => {
    let near = 0;
    let total = 0;
    let before = 0;
    let farAfter = 0;
    for (const f of files) {
      const graph = f.doc['@graph'];
      const pos = new Map(graph.map((n, i) => [n['@id'], i]));
      for (const [i, node] of graph.entries()) {
        for (const id of allRefs(node).filter((r) => r.startsWith('_:'))) {
          const at = pos.get(id) ?? -1;
          if (at < i) before++;
          if (at > i + 40) farAfter++;
          if (isDataset(node)) {
            total++;
            if (at > i && at <= i + 15) near++;
          }
        }
      }
    }
    expect(before).toBeGreaterThan(0);
    expect(farAfter).toBeGreaterThan(0);
    expect(near / total).toBeGreaterThan(0.6);
  });

  it('has every node type of the real export, in similar proportions', () => {
    const graph = files[3]?.doc['@graph'] ?? [];
    const count = (t: string) => graph.filter((n) => types(n).includes(t)).length;
    const datasets = count('dcat:Dataset');
    expect(datasets).toBe(100);
    expect(count('dcat:DatasetSeries')).toBeGreaterThan(20);
    expect(count('dcat:Distribution') / datasets).toBeGreaterThan(1.8);
    expect(count('dcat:Distribution') / datasets).toBeLessThan(3.3);
    expect(count('dcterms:MediaTypeOrExtent')).toBe(count('dcat:Distribution'));
    expect(count('dcat:DataService')).toBe(count('dcat:Distribution'));
    expect(count('http://www.w3.org/2006/vcard/ns#Kind') / datasets).toBeGreaterThan(4);
    expect(count('dcterms:RightsStatement') / datasets).toBeGreaterThan(1.5);
    expect(count('dcat:CatalogRecord')).toBe(datasets);
    expect(count('dcterms:Location')).toBeGreaterThan(90);
    expect(count('dcat:Catalog')).toBeGreaterThan(70);
    expect(count('foaf:Organization')).toBeGreaterThan(15);
    expect(count('foaf:Organization')).toBeLessThan(70);
    expect(count('dcterms:ProvenanceStatement')).toBeGreaterThan(0);
    expect(count(HYDRA_PAGED)).toBe(1);
  });

  it('lists the page datasets in the exporting catalogue and pages with hydra', () => {
    for (const [k, f] of files.entries()) {
      const graph = f.doc['@graph'];
      const exporting = graph.filter((n) => n['dcat:dataset'] !== undefined);
      expect(exporting).toHaveLength(1);
      expect(new Set(refsOf(exporting[0]?.['dcat:dataset']))).toEqual(
        new Set(graph.filter(isDataset).map((n) => n['@id'])),
      );
      const hydra = graph.find((n) => types(n).includes(HYDRA_PAGED));
      expect(hydra?.['http://www.w3.org/ns/hydra/core#totalItems']).toEqual({
        '@type': 'xsd:integer',
        '@value': '2000',
      });
      expect(hydra?.['http://www.w3.org/ns/hydra/core#nextPage'] !== undefined).toBe(k < files.length - 1);
    }
  });

  it('contains the odd cases of the real catalogue', () => {
    const all = files.flatMap((f) => f.doc['@graph']);
    const datasets = all.filter(isDataset);
    const tally = (pred: (n: Node) => boolean) => all.filter(pred).length;

    // organisations without a name, shared by several datasets of a page
    const orgs = all.filter((n) => types(n).includes('foaf:Organization'));
    expect(orgs.filter((n) => n['foaf:name'] === undefined).length).toBeGreaterThan(0);
    expect(orgs.some((n) => n['@id'].startsWith('_:'))).toBe(true);
    expect(orgs.some((n) => n['@id'].startsWith('https://'))).toBe(true);
    const holders = files[0]?.doc['@graph'].flatMap((n) => refsOf(n['dcterms:rights_holder'])) ?? [];
    expect(new Set(holders).size).toBeLessThan(holders.length);
    expect(datasets.some((n) => Array.isArray(n['dcterms:rights_holder']))).toBe(true);

    // INSEE codes: overseas and Corsica
    const spatial = datasets.flatMap((n) => refsOf(n['dcterms:spatial']));
    for (const code of [
      'commune/97105',
      'commune/2A004',
      'commune/74079',
      'departement/2B',
      'departement/974',
    ]) {
      expect(spatial, code).toContain(`http://id.insee.fr/geo/${code}`);
    }
    expect(
      datasets.some((n) => !Array.isArray(n['dcterms:spatial']) && n['dcterms:spatial'] !== undefined),
    ).toBe(true);

    // e-mails: mailto, wrongly resolved https, without prefix
    const emails = all.map((n) => n[VCARD_EMAIL]).filter((v) => v !== undefined);
    const emailIds = emails.flatMap(refsOf);
    expect(emailIds.some((e) => e.startsWith('mailto:'))).toBe(true);
    expect(emailIds.some((e) => /^https:\/\/[^/]+\/dcat\/catalog\/[^/]+@[^/]+$/.test(e))).toBe(true);
    expect(emails.some((e) => typeof e === 'string')).toBe(true);
    expect(tally((n) => n['http://www.w3.org/2006/vcard/ns#fn'] !== undefined)).toBeGreaterThan(0);
    expect(tally((n) => n['http://www.w3.org/2006/vcard/ns#hasURL'] !== undefined)).toBeGreaterThan(0);
    const withContact = datasets.filter((n) => n['dcat:contactPoint'] !== undefined).length / datasets.length;
    expect(withContact).toBeGreaterThan(0.4);
    expect(withContact).toBeLessThan(0.6);

    // keywords with commas and slashes; one value or an array for the same property in a file
    const keywords = datasets.flatMap((n) => asArray(n['dcat:keyword']) as { '@value': string }[]);
    expect(keywords.some((k) => k['@value'].includes(','))).toBe(true);
    expect(keywords.some((k) => k['@value'].includes('/'))).toBe(true);
    const page = files[0]?.doc['@graph'].filter(isDataset) ?? [];
    for (const prop of ['dcat:theme', 'dcat:keyword', 'dcterms:spatial', 'dcat:contactPoint']) {
      expect(
        page.some((n) => Array.isArray(n[prop])),
        prop,
      ).toBe(true);
      expect(
        page.some((n) => n[prop] !== undefined && !Array.isArray(n[prop])),
        prop,
      ).toBe(true);
    }
    const labels = all
      .filter((n) => types(n).includes('dcterms:RightsStatement'))
      .map((n) => n['rdfs:label']);
    expect(labels.some(Array.isArray)).toBe(true);
    const texts = labels
      .flatMap(asArray)
      .map((l) => (typeof l === 'string' ? l : (l as { '@value': string })['@value']));
    expect(texts).toContain("Pas de restriction d'accès public selon INSPIRE");
    expect(texts).toContain(
      "Aucun des articles de la loi ne peut être invoqué pour justifier d'une restriction d'accès public.",
    );
    expect(texts.some((t) => t.split('\n').length > 3)).toBe(true);

    // series: an array @type, members and inSeries often on another page
    expect(datasets.some((n) => Array.isArray(n['@type']))).toBe(true);
    const pageOf = new Map<string, number>();
    files.forEach((f, k) => f.doc['@graph'].filter(isDataset).forEach((n) => pageOf.set(n['@id'], k)));
    let crossPage = 0;
    files.forEach((f, k) => {
      for (const n of f.doc['@graph'].filter(isDataset)) {
        for (const s of refsOf(n['dcat:inSeries'])) if (pageOf.get(s) !== k) crossPage++;
      }
    });
    expect(crossPage).toBeGreaterThan(0);
    expect(datasets.some((n) => n['dcat:seriesMember'] !== undefined)).toBe(true);
    const modifiedSeries = datasets.filter(
      (n) => Array.isArray(n['@type']) && n['dcterms:modified'] !== undefined,
    );
    expect(modifiedSeries.length / datasets.length).toBeLessThan(0.05);

    // missing values and rare oddities
    expect(datasets.some((n) => n['dcterms:title'] === undefined)).toBe(true);
    expect(datasets.some((n) => n['dcterms:description'] === undefined)).toBe(true);
    expect(datasets.every((n) => n['dcterms:issued'] !== undefined)).toBe(true);
    const dates = datasets.flatMap((n) => [n['dcterms:issued'], n['dcterms:modified'], n['dcterms:created']]);
    const dateValues = dates.filter(Boolean) as { '@type': string; '@value': string }[];
    expect(dateValues.some((d) => d['@type'] === 'xsd:dateTime')).toBe(true);
    expect(dateValues.some((d) => ODD_VALUES.unparseableDates.includes(d['@value']))).toBe(true);
    const statuses = datasets.flatMap((n) => refsOf(n['http://www.w3.org/ns/adms#status']));
    expect(statuses.some((s) => s.includes('/dataset-status/'))).toBe(true);
    expect(statuses.some((s) => s.includes('/ISO19139ProgressCode/'))).toBe(true);
    expect(statuses).toContain(ODD_VALUES.unknownStatus);

    // distributions
    const dists = all.filter((n) => types(n).includes('dcat:Distribution'));
    const licences = dists.map((n) => refsOf(n['dcterms:license'])[0]);
    const etalab = licences.filter((l) => l === 'https://spdx.org/licenses/etalab-2.0').length;
    expect(etalab / dists.length).toBeGreaterThan(0.7);
    expect(licences.some((l) => l === undefined)).toBe(true);
    expect(licences.some((l) => l !== undefined && !l.includes('etalab-2.0'))).toBe(true);
    for (const prop of ['dcat:downloadURL', 'dcat:mediaType', 'dcat:byteSize', 'dcterms:description']) {
      expect(
        dists.some((n) => n[prop] !== undefined),
        prop,
      ).toBe(true);
    }
    const formats = new Set(
      all
        .filter((n) => types(n).includes('dcterms:MediaTypeOrExtent'))
        .map((n) => JSON.stringify(n['rdfs:label'])),
    );
    for (const label of ['ESRI Shapefile (SHP)', 'MapInfo TAB', 'Inconnu'])
      expect(formats).toContain(JSON.stringify(label));
    const sources = all
      .filter((n) => types(n).includes('dcat:Catalog') && n['dcat:dataset'] === undefined)
      .map((n) => JSON.stringify(n['dcterms:title']));
    expect(new Set(sources).size).toBeLessThan(25);
    expect(sources.some((t) => t.includes('GéoIDE Catalogue'))).toBe(true);
    expect(tally((n) => types(n).includes('dcterms:PeriodOfTime'))).toBeGreaterThan(0);
  });

  it('gzips to the same JSON', async () => {
    const small = { datasets: 200, pages: 2 };
    const plain = await load(small);
    const zipped = await load({ ...small, gzip: true });
    expect(zipped.map((f) => f.key)).toEqual(['page-0001.json.gz', 'page-0002.json.gz']);
    expect(zipped.map((f) => f.text)).toEqual(plain.map((f) => f.text));
  });

  it('writes one big file holding every dataset in single mode (plain and gzip)', async () => {
    const single = { datasets: 450, pages: 3, single: true };
    const [file, ...rest] = await load(single);
    expect(rest).toHaveLength(0);
    expect(file?.key).toBe('catalog.json');
    const graph = file?.doc['@graph'] ?? [];
    const ids = graph.map((n) => n['@id']);
    expect(new Set(ids).size).toBe(ids.length);
    const datasets = graph.filter(isDataset);
    expect(datasets).toHaveLength(450);
    expect(new Set(datasets.map((n) => n['@id'])).size).toBe(450);
    expect(JSON.stringify(file?.doc, null, 2)).toBe(file?.text);
    expect(graph.filter((n) => types(n).includes(HYDRA_PAGED))).toHaveLength(0);
    const exporting = graph.filter((n) => n['dcat:dataset'] !== undefined);
    expect(exporting).toHaveLength(1);
    expect(refsOf(exporting[0]?.['dcat:dataset'])).toHaveLength(450);
    const own = new Set(ids);
    for (const node of graph)
      for (const id of allRefs(node)) if (id.startsWith('_:')) expect(own.has(id)).toBe(true);
    expect(summarizeDump(single)).toMatchObject({
      files: 1,
      datasets: 450,
      datasetNodes: 450,
      keys: ['catalog.json'],
    });

    const [zipped] = await load({ ...single, gzip: true });
    expect(zipped?.key).toBe('catalog.json.gz');
    expect(zipped?.text).toBe(file?.text);
  });

  it('rejects impossible options', () => {
    expect(() => summarizeDump({ datasets: 10, pages: 11 })).toThrow(RangeError);
    expect(() => summarizeDump({ datasets: 0, pages: 1 })).toThrow(RangeError);
    expect(() => summarizeDump({ datasets: 10, pages: 2, host: 'a/b' })).toThrow(RangeError);
  });
});

describe('writeDumpToDir', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dq-gen-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the files, reports their size and cleans stale pages on request', async () => {
    await writeFile(join(dir, 'page-0099.json'), '{}');
    await writeFile(join(dir, 'notes.txt'), 'kept');
    const summary = await writeDumpToDir(dir, { datasets: 150, pages: 3, gzip: true }, { clean: true });
    const names = (await readdir(dir)).sort();
    expect(names).toEqual(['notes.txt', 'page-0001.json.gz', 'page-0002.json.gz', 'page-0003.json.gz']);
    let bytes = 0;
    for (const name of summary.keys) bytes += (await stat(join(dir, name))).size;
    expect(summary.bytes).toBe(bytes);
    expect(summary.files).toBe(3);
    const page = JSON.parse(gunzipSync(await readFile(join(dir, 'page-0002.json.gz'))).toString()) as Doc;
    expect(page['@graph'].filter(isDataset).length).toBeGreaterThanOrEqual(50);

    const single = await writeDumpToDir(dir, { datasets: 150, pages: 3, single: true });
    expect(single.bytes).toBe((await stat(join(dir, 'catalog.json'))).size);
  });
});
