import { describe, expect, it } from 'vitest';
import {
  ACCESS_URL,
  DOWNLOAD_URL,
  buildRecord,
  date,
  fullRecord,
  lit,
  node,
  ref,
} from '../../test/helpers/fair-records.js';
import { computeUdata, updatedInTime } from './udata.js';
import { frequency } from './vocab/lookup.js';

const RUN_DATE = '2024-06-16';
const udata = (record = fullRecord(), urlStatus?: Map<string, boolean>) =>
  computeUdata(record, { runDate: RUN_DATE, urlStatus });

describe('computeUdata on a record meeting every criterion', () => {
  it('URL checks off: eight criteria met of eight assessed', () => {
    const { row, notes } = udata();
    expect(row).toEqual({
      udata_description_length: true,
      udata_license: true,
      udata_temporal_coverage: true,
      udata_spatial_coverage: true,
      udata_update_frequency: true,
      udata_updated_in_time: true,
      udata_open_format: true,
      udata_resources_available: null,
      udata_resources_documented: true,
      udata_score: 1,
    });
    expect(notes).toEqual([]);
  });

  it('URL checks on: nine criteria, each 1/9', () => {
    const ok = new Map([
      [ACCESS_URL, true],
      [DOWNLOAD_URL, true],
    ]);
    expect(udata(fullRecord(), ok).row).toMatchObject({ udata_resources_available: true, udata_score: 1 });
    const broken = new Map([
      [ACCESS_URL, true],
      [DOWNLOAD_URL, false],
    ]);
    const { row } = udata(fullRecord(), broken);
    expect(row.udata_resources_available).toBe(false);
    expect(row.udata_score).toBeCloseTo(8 / 9, 10);
  });

  it('an empty dataset meets nothing', () => {
    const { row } = udata(buildRecord());
    expect(row.udata_score).toBe(0);
    expect(Object.values(row).filter((v) => v === true)).toEqual([]);
  });
});

describe('each criterion', () => {
  it('description longer than 100 characters (100 is not enough)', () => {
    const withDescription = (d: string) =>
      udata(fullRecord((p) => (p.dataset['dcterms:description'] = lit(d, 'fr')))).row
        .udata_description_length;
    expect(withDescription('é'.repeat(101))).toBe(true);
    expect(withDescription('é'.repeat(100))).toBe(false);
    expect(
      udata(fullRecord((p) => delete p.dataset['dcterms:description'])).row.udata_description_length,
    ).toBe(false);
  });

  it('licence on a distribution or on the dataset; "notspecified" is none', () => {
    expect(udata(fullRecord((p) => delete p.distribution['dcterms:license'])).row.udata_license).toBe(false);
    const onDataset = fullRecord((p) => {
      delete p.distribution['dcterms:license'];
      p.dataset['dcterms:license'] = lit('ODbL');
    });
    expect(udata(onDataset).row.udata_license).toBe(true);
    expect(
      udata(fullRecord((p) => (p.distribution['dcterms:license'] = lit('notspecified')))).row.udata_license,
    ).toBe(false);
  });

  it('temporal and spatial coverage', () => {
    expect(udata(fullRecord((p) => delete p.dataset['dcterms:temporal'])).row.udata_temporal_coverage).toBe(
      false,
    );
    expect(udata(fullRecord((p) => delete p.dataset['dcterms:spatial'])).row.udata_spatial_coverage).toBe(
      false,
    );
  });

  it('update frequency: known, "unknown", unmapped (counted in the notes), missing', () => {
    const withFrequency = (f?: string) =>
      udata(
        fullRecord((p) => {
          if (f) p.dataset['dcterms:accrualPeriodicity'] = ref(f);
          else delete p.dataset['dcterms:accrualPeriodicity'];
        }),
      );
    expect(
      withFrequency('http://inspire.ec.europa.eu/metadata-codelist/MaintenanceFrequency/annually').row
        .udata_update_frequency,
    ).toBe(true);
    expect(
      withFrequency('http://inspire.ec.europa.eu/metadata-codelist/MaintenanceFrequency/unknown').row,
    ).toMatchObject({
      udata_update_frequency: false,
      udata_updated_in_time: false,
    });
    const odd = withFrequency('http://example.org/freq/sometimes');
    expect(odd.row.udata_update_frequency).toBe(false);
    expect(odd.notes).toEqual(['unknown_frequency:http://example.org/freq/sometimes']);
    expect(withFrequency().row.udata_update_frequency).toBe(false);
  });

  it('a frequency given as a labelled node', () => {
    const { row } = udata(
      fullRecord((p) => {
        p.dataset['dcterms:accrualPeriodicity'] = ref('_:freq');
        p.nodes.push(node('_:freq', { 'rdfs:label': 'Mensuelle' }));
        p.dataset['dcterms:modified'] = date('2024-06-01');
      }),
    );
    expect(row).toMatchObject({ udata_update_frequency: true, udata_updated_in_time: true });
  });

  it('open format: closed formats only (pdf, xls...) is false; unmapped labels count as open', () => {
    const withFormats = (...labels: string[]) =>
      udata(
        buildRecord({
          distributions: labels.map((_, i) => ({ 'dcterms:format': ref(`_:f${i}`) })),
          nodes: labels.map((l, i) => node(`_:f${i}`, { 'rdfs:label': l })),
        }),
      ).row.udata_open_format;
    expect(withFormats('PDF')).toBe(false);
    expect(withFormats('PDF', 'Microsoft Excel', 'DOCX')).toBe(false);
    expect(withFormats('PDF', 'CSV')).toBe(true);
    expect(withFormats('Format maison')).toBe(true);
    expect(withFormats('Inconnu')).toBe(false);
    expect(withFormats()).toBe(false);
  });

  it('resources documented: every distribution needs a description', () => {
    const two = buildRecord({
      distributions: [
        { 'dcterms:description': lit('documenté') },
        { 'dcterms:title': lit('sans description') },
      ],
    });
    expect(udata(two).row.udata_resources_documented).toBe(false);
    expect(udata(fullRecord()).row.udata_resources_documented).toBe(true);
  });

  it('resources available: a distribution without any URL is not available', () => {
    const record = buildRecord({ distributions: [{ 'dcat:accessURL': ref(ACCESS_URL) }, {}] });
    expect(udata(record, new Map([[ACCESS_URL, true]])).row.udata_resources_available).toBe(false);
  });
});

describe('updated in time, against the run date (never the clock)', () => {
  const annual = frequency('ANNUAL');
  const daily = frequency('DAILY');
  const monthly = frequency('MONTHLY');

  it('annual: modified + 1 year >= run date - 1 day', () => {
    expect(updatedInTime(annual, ['2023-06-15'], '2024-06-16')).toBe(true);
    expect(updatedInTime(annual, ['2023-06-15'], '2024-06-17')).toBe(false);
  });

  it('daily: one day of cadence plus one of grace', () => {
    expect(updatedInTime(daily, ['2024-06-14'], '2024-06-16')).toBe(true);
    expect(updatedInTime(daily, ['2024-06-14'], '2024-06-17')).toBe(false);
  });

  it('monthly from a month end: Jan 31 + 1 month = Feb 29 (2024)', () => {
    expect(updatedInTime(monthly, ['2024-01-31'], '2024-03-01')).toBe(true);
    expect(updatedInTime(monthly, ['2024-01-31'], '2024-03-02')).toBe(false);
  });

  it('the latest modification of dataset and distributions counts', () => {
    expect(updatedInTime(annual, ['2020-01-01', '2024-01-01T10:00:00', 'not a date'], RUN_DATE)).toBe(true);
  });

  it('irregular and as-needed frequencies are always in time; no date or no frequency never', () => {
    expect(updatedInTime(frequency('irregular'), [], RUN_DATE)).toBe(true);
    expect(updatedInTime(frequency('asNeeded'), ['1990-01-01'], RUN_DATE)).toBe(true);
    expect(updatedInTime(annual, [], RUN_DATE)).toBe(false);
    expect(updatedInTime(undefined, ['2024-06-16'], RUN_DATE)).toBe(false);
  });

  it('the same record and run date give the same answer on any day', () => {
    const record = fullRecord((p) => (p.dataset['dcterms:modified'] = date('2023-06-15')));
    expect(computeUdata(record, { runDate: '2024-06-16' }).row.udata_updated_in_time).toBe(true);
    expect(computeUdata(record, { runDate: '2024-06-17' }).row.udata_updated_in_time).toBe(false);
  });

  it('rejects a run date that is not YYYY-MM-DD', () => {
    expect(() => updatedInTime(annual, ['2024-01-01'], '16/06/2024')).toThrow(/runDate/);
  });
});
