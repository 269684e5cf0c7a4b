import { describe, expect, it } from 'vitest';
import type { DatasetRecord, GraphNode, Value } from '../../shared/record.js';
import {
  HashedIds,
  NodeTable,
  mergeNodes,
  newResolverStats,
  resolveDatasets,
  type ExpandedElement,
  type ResolverOptions,
} from './resolver.js';

const ref = (id: string): Value => ({ id });
const lit = (v: string): Value => ({ v });
const node = (id: string, types: string[], p: Record<string, Value[]> = {}): GraphNode => ({ id, types, p });
const dataset = (id: string, p: Record<string, Value[]> = {}) => node(id, ['dcat:Dataset'], p);

/** A re-openable element source over nodes (one element each), with a log of what was read. */
function elements(nodes: GraphNode[], log: string[] = []) {
  return (read: number): AsyncIterable<ExpandedElement[]> =>
    (async function* () {
      for (const [index, n] of nodes.entries()) {
        log.push(`read${read}:${n.id}`);
        await Promise.resolve();
        yield [{ index, nodes: [n] }];
      }
      log.push(`read${read}:end`);
    })();
}

async function resolve(nodes: GraphNode[], opts: Partial<ResolverOptions> = {}, log: string[] = []) {
  const out: DatasetRecord[] = [];
  for await (const r of resolveDatasets(elements(nodes, log), { key: 'k', ...opts })) {
    log.push(`emit:${r.uri}`);
    out.push(r);
  }
  return out;
}

describe('resolveDatasets', () => {
  it('emits a dataset as soon as it is complete, without waiting for IRIs that are never nodes', async () => {
    const log: string[] = [];
    const records = await resolve(
      [
        dataset('ex:a', { 'dcat:theme': [ref('http://themes/t')], 'dcterms:license': [ref('http://lic')] }),
        node('ex:other', ['foaf:Organization']),
      ],
      {},
      log,
    );
    expect(log).toEqual(['read0:ex:a', 'emit:ex:a', 'read0:ex:other', 'read0:end']);
    expect(records[0]).toEqual({
      uri: 'ex:a',
      source: { key: 'k', index: 0 },
      nodes: new Map([['ex:a', records[0]!.nodes.get('ex:a')]]),
    });
  });

  it('keeps file order: a later dataset complete first waits for the earlier one', async () => {
    const log: string[] = [];
    await resolve(
      [
        dataset('ex:a', { 'dcterms:accessRights': [ref('_:r')] }),
        dataset('ex:b'),
        node('_:r', ['dcterms:RightsStatement'], { 'rdfs:label': [lit('x')] }),
      ],
      {},
      log,
    );
    expect(log).toEqual(['read0:ex:a', 'read0:ex:b', 'read0:_:r', 'emit:ex:a', 'emit:ex:b', 'read0:end']);
  });

  it('includes a non-waited IRI node seen before, or while the dataset is held, not after', async () => {
    const records = await resolve([
      node('ex:before', ['skos:Concept']),
      dataset('ex:a', {
        'dcat:theme': [ref('ex:before'), ref('ex:during'), ref('ex:after')],
        'dcat:distribution': [ref('_:d')],
      }),
      node('ex:during', ['skos:Concept'], { 'skos:broader': [ref('_:b')] }),
      node('_:d', ['dcat:Distribution']),
      node('_:b', ['skos:Concept']),
      node('ex:after', ['skos:Concept']),
    ]);
    expect([...records[0]!.nodes.keys()].sort()).toEqual(['_:b', '_:d', 'ex:a', 'ex:before', 'ex:during']);
  });

  it('never follows refs into another dataset, even through a waited property', async () => {
    const records = await resolve([
      dataset('ex:a', { 'dcat:inSeries': [ref('ex:s')], 'dcterms:publisher': [ref('ex:s')] }),
      node('ex:s', ['dcat:Dataset', 'dcat:DatasetSeries'], { 'dcat:seriesMember': [ref('ex:a')] }),
    ]);
    expect(records.map((r) => [r.uri, [...r.nodes.keys()], r.dangling])).toEqual([
      ['ex:a', ['ex:a'], undefined],
      ['ex:s', ['ex:s'], undefined],
    ]);
  });

  it('merges a node described twice', async () => {
    const records = await resolve([
      node('_:k', ['vcard:Kind'], { 'vcard:fn': [lit('A')] }),
      dataset('ex:a', { 'dcat:contactPoint': [ref('_:k')], 'dcterms:accessRights': [ref('_:r')] }),
      node('_:k', ['vcard:Kind'], { 'vcard:fn': [lit('A'), lit('B')], 'vcard:hasEmail': [ref('_:e')] }),
      node('_:r', ['dcterms:RightsStatement']),
      node('_:e', ['x:Email']),
    ]);
    expect([...records[0]!.nodes.keys()].sort()).toEqual(['_:e', '_:k', '_:r', 'ex:a']);
    expect(records[0]!.nodes.get('_:k')).toEqual(
      node('_:k', ['vcard:Kind'], { 'vcard:fn': [lit('A'), lit('B')], 'vcard:hasEmail': [ref('_:e')] }),
    );
  });

  it('defers datasets beyond the pending budget and still resolves them fully', async () => {
    const nodes: GraphNode[] = [];
    for (let i = 0; i < 6; i++) {
      nodes.push(
        dataset(`ex:d${i}`, { 'dcterms:publisher': [ref('ex:org')], 'dcat:distribution': [ref(`_:d${i}`)] }),
      );
      nodes.push(node(`_:d${i}`, ['dcat:Distribution'], { 'dcterms:format': [ref('_:fmt')] }));
    }
    nodes.push(node('_:fmt', ['dcterms:MediaTypeOrExtent']));
    nodes.push(node('ex:org', ['foaf:Organization'], { 'foaf:name': [lit('O')] }));
    const reference = await resolve(nodes);
    const stats = newResolverStats();
    const bounded = await resolve(nodes, { maxPending: 2, stats });
    expect(stats.deferred).toBe(4);
    expect(stats.reads).toBeGreaterThan(1);
    expect(bounded.map((r) => r.uri)).toEqual(['ex:d4', 'ex:d5', 'ex:d0', 'ex:d1', 'ex:d2', 'ex:d3']);
    expect([...bounded].sort((a, b) => a.source.index - b.source.index)).toEqual(reference);
  });

  it('re-reads while the needed nodes lie before their referrers', async () => {
    // chain backwards: the dataset is last, each node points to the one before it
    const nodes: GraphNode[] = [node('_:n0', ['x:T'])];
    for (let i = 1; i < 5; i++) nodes.push(node(`_:n${i}`, ['x:T'], { 'x:next': [ref(`_:n${i - 1}`)] }));
    nodes.push(dataset('ex:a', { 'dcterms:provenance': [ref('_:n4')] }));
    const stats = newResolverStats();
    const records = await resolve(nodes, { maxNodes: 1, stats });
    expect([...records[0]!.nodes.keys()].sort()).toEqual(['_:n0', '_:n1', '_:n2', '_:n3', '_:n4', 'ex:a']);
    expect(records[0]!.dangling).toBeUndefined();
    // the first read, one re-read finding the dataset, then one per level of the backward chain
    expect(stats.reads).toBe(7);
  });
});

describe('shared nodes', () => {
  // an agent described once at the start; the datasets (each with its own distribution) that
  // refer to it come far beyond the memory bound: the first (when `first`) and the last
  const far = (org: GraphNode, first: boolean) => {
    const nodes: GraphNode[] = [org];
    for (let i = 0; i < 60; i++) {
      const publisher: Record<string, Value[]> =
        i === 59 || (first && i === 0) ? { 'dcterms:publisher': [ref(org.id)] } : {};
      nodes.push(
        dataset(`ex:d${i}`, { ...publisher, 'dcat:distribution': [ref(`_:dist${i}`)] }),
        node(`_:dist${i}`, ['dcat:Distribution'], { 'dcterms:title': [lit(`file ${i}`)] }),
      );
    }
    return nodes;
  };

  it.each([
    [
      'an organisation (by its type), first used by the last dataset',
      node('ex:org', ['foaf:Organization']),
      false,
    ],
    ['an untyped publisher (by its property), used by the first and the last', node('ex:org', []), true],
  ])('keeps %s in memory for the whole read: no re-read', async (_, org, first) => {
    const stats = newResolverStats();
    const records = await resolve(far(org, first), { maxNodes: 20, stats });
    expect(records).toHaveLength(60);
    expect(records[59]!.nodes.get(org.id)).toEqual(org);
    expect(stats).toMatchObject({ reads: 1, deferred: 0, records: 60 });
    expect(stats.evicted).toBeGreaterThan(60);
  });

  it("keeps the organisation while each record's own blank catalogue comes and goes: no re-read", async () => {
    // a CKAN export: every dataset's catalogue record points to a blank dcat:Catalog of its own
    const org = node('ex:org', ['foaf:Organization']);
    const nodes: GraphNode[] = [org];
    for (let i = 0; i < 60; i++) {
      nodes.push(
        dataset(`ex:d${i}`, {
          'foaf:isPrimaryTopicOf': [ref(`_:rec${i}`)],
          ...(i === 59 ? { 'dcterms:publisher': [ref(org.id)] } : {}),
        }),
        node(`_:rec${i}`, ['dcat:CatalogRecord'], { 'dcat:inCatalog': [ref(`_:cat${i}`)] }),
        node(`_:cat${i}`, ['dcat:Catalog'], { 'dcterms:title': [lit(`source ${i}`)] }),
      );
    }
    const stats = newResolverStats();
    const records = await resolve(nodes, { maxNodes: 20, stats });
    expect(records.map((r) => [...r.nodes.keys()])).toEqual(
      Array.from({ length: 60 }, (_, i) => [
        `ex:d${i}`,
        ...(i === 59 ? [org.id] : []),
        `_:rec${i}`,
        `_:cat${i}`,
      ]),
    );
    expect(stats).toMatchObject({ reads: 1, deferred: 0, records: 60 });
  });

  it('still resolves every dataset when more nodes are shared than a quarter of the bound keeps', async () => {
    const nodes: GraphNode[] = [];
    for (let i = 0; i < 40; i++) nodes.push(node(`ex:org${i}`, ['foaf:Organization']));
    for (let i = 0; i < 40; i++)
      nodes.push(dataset(`ex:d${i}`, { 'dcterms:publisher': [ref(`ex:org${i}`)] }));
    const stats = newResolverStats();
    const records = await resolve(nodes, { maxNodes: 20, stats });
    // the datasets whose organisation was evicted come after the others, by a re-read
    const byDataset = [...records].sort((x, y) => Number(x.uri.slice(4)) - Number(y.uri.slice(4)));
    expect(byDataset.map((r) => [...r.nodes.keys()].sort())).toEqual(
      Array.from({ length: 40 }, (_, i) => [`ex:d${i}`, `ex:org${i}`].sort()),
    );
    expect(stats.reads).toBeGreaterThan(1);
  });
});

describe('HashedIds', () => {
  it('remembers ids through its growth, and nothing else', () => {
    const ids = new HashedIds();
    for (let i = 0; i < 5_000; i++) ids.add(`https://example.org/node/${i}`);
    ids.add('https://example.org/node/1');
    expect(ids.size).toBe(5_000);
    for (let i = 0; i < 5_000; i++) expect(ids.has(`https://example.org/node/${i}`)).toBe(true);
    expect(ids.has('https://example.org/node/5000')).toBe(false);
    expect(ids.has('')).toBe(false);
    expect(new HashedIds().has('x')).toBe(false);
  });
});

describe('NodeTable', () => {
  it('finds, adds and deletes like a Map, through colliding hashes and runs that wrap around', () => {
    type Entry = Parameters<NodeTable['add']>[0];
    const table = new NodeTable();
    const model = new Map<string, Entry>();
    // few distinct hashes, near the end of the 1024 slots and equal modulo 1024: long runs, wrapping
    const hashes = [1019, 1020, 1021, 1022, 1023, 2043, 2044, 3071, 1, 2, 1025];
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let step = 0; step < 20_000; step++) {
      const id = `_:n${rand(300)}`;
      const hash = hashes[Number(id.slice(3)) % hashes.length]!;
      const present = model.get(id);
      expect(table.get(hash, id)).toBe(present);
      if (present === undefined && model.size < 400) {
        const e = { node: { id, types: [], p: {} }, hash } as unknown as Entry;
        table.add(e);
        model.set(id, e);
      } else if (present !== undefined && rand(2) === 0) {
        table.delete(present);
        model.delete(id);
      }
      expect(table.size).toBe(model.size);
    }
    for (const [id, e] of model) expect(table.get(e.hash, id)).toBe(e);
    expect([...table.values()].length).toBe(model.size);
  });
});

describe('mergeNodes', () => {
  it('unions types and values without duplicates', () => {
    expect(
      mergeNodes(
        node('a', ['x:A'], { p: [lit('1'), ref('r')] }),
        node('a', ['x:A', 'x:B'], { p: [ref('r'), { v: '1', lang: 'fr' }], q: [lit('2')] }),
      ),
    ).toEqual(node('a', ['x:A', 'x:B'], { p: [lit('1'), ref('r'), { v: '1', lang: 'fr' }], q: [lit('2')] }));
  });
});
