import { describe, expect, it } from 'vitest';
import { FAIR_COLUMNS } from '../../shared/columns.js';
import {
  ACCESS_URL,
  DOWNLOAD_URL,
  buildRecord,
  fullRecord,
  lit,
  node,
  ref,
} from '../../test/helpers/fair-records.js';
import { computeFair } from './fair.js';
import type { UrlChecker, UrlCheckResult } from './url-check.js';

function fakeChecker(answers: Record<string, boolean>): UrlChecker & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    check(url: string): Promise<UrlCheckResult> {
      calls.push(url);
      const ok = answers[url] ?? false;
      return Promise.resolve(ok ? { ok, status: 200 } : { ok, status: 404, error: 'HTTP 404' });
    },
  };
}

describe('computeFair', () => {
  it('returns exactly the FAIR_COLUMNS keys, with values of the declared types', async () => {
    const { row } = await computeFair(fullRecord(), { runDate: '2024-06-16' });
    expect(Object.keys(row).sort()).toEqual(FAIR_COLUMNS.map((c) => c.name).sort());
    for (const c of FAIR_COLUMNS) {
      const v = row[c.name];
      if (v === null) continue;
      const expected = { boolean: 'boolean', integer: 'number', real: 'number', text: 'string' }[
        c.type as string
      ];
      expect(typeof v, c.name).toBe(expected);
      if (c.type === 'integer') expect(Number.isInteger(v), c.name).toBe(true);
    }
  });

  it('without a URL checker the MQA network indicators stay NULL (udata: unknown counts as available)', async () => {
    const { row } = await computeFair(fullRecord(), { runDate: '2024-06-16' });
    expect(row).toMatchObject({
      mqa_access_url_status: null,
      mqa_download_url_status: null,
      udata_resources_available: true,
      mqa_assessable: 295,
      mqa_estimated: true,
    });
  });

  it('with a URL checker: each distinct URL checked once, answers used by MQA and udata', async () => {
    const urls = fakeChecker({ [ACCESS_URL]: true, [DOWNLOAD_URL]: false });
    const record = fullRecord((p) => (p.dataset['dcterms:description'] = lit('court')));
    // a second distribution sharing the access URL
    record.nodes.set('_:d2', node('_:d2', { 'dcat:accessURL': ref(ACCESS_URL) }));
    record.nodes.get(record.uri)!.p['dcat:distribution']!.push(ref('_:d2'));
    const { row } = await computeFair(record, { runDate: '2024-06-16', urls });
    expect(urls.calls.sort()).toEqual([ACCESS_URL, DOWNLOAD_URL].sort());
    expect(row).toMatchObject({
      mqa_access_url_status: true,
      mqa_download_url_status: false,
      udata_resources_available: false,
      mqa_assessable: 375,
      mqa_total: 375 - 30,
    });
  });

  it('collects the unknown values once per dataset', async () => {
    const record = buildRecord({
      dataset: { 'dcterms:accrualPeriodicity': lit('de temps en temps') },
      distributions: [
        { 'dcterms:format': ref('_:f'), 'dcterms:license': ref('https://example.org/licence') },
        { 'dcterms:format': ref('_:f'), 'dcat:mediaType': lit('application/x-unheard-of') },
      ],
      nodes: [node('_:f', { 'rdfs:label': 'Format maison' })],
    });
    const { notes, row } = await computeFair(record, { runDate: '2024-06-16' });
    expect(notes.sort()).toEqual([
      'unknown_format:Format maison',
      'unknown_frequency:de temps en temps',
      'unknown_licence:https://example.org/licence',
      'unknown_media_type:application/x-unheard-of',
    ]);
    // unknown values score as unknown, never as errors
    expect(row).toMatchObject({
      mqa_format_availability: true,
      mqa_known_licence: false,
      udata_update_frequency: false,
    });
  });
});
