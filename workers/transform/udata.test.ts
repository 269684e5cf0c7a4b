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
  type Props,
} from '../../test/helpers/fair-records.js';
import { computeUdata, udataFrequency, updatedInTime } from './udata.js';

const RUN_DATE = '2024-06-16';
const EU = 'http://publications.europa.eu/resource/authority/frequency/';
const DC = 'http://purl.org/cld/freq/';
const udata = (record = fullRecord(), urlStatus?: Map<string, boolean>) =>
  computeUdata(record, { runDate: RUN_DATE, urlStatus });

describe('computeUdata: criteria met / 9, as udata computes it', () => {
  it('a record meeting every criterion scores 1, URL checks off (availability unknown = met)', () => {
    const { row, notes } = udata();
    expect(row).toEqual({
      udata_description_length: true,
      udata_license: true,
      udata_temporal_coverage: true,
      udata_spatial_coverage: true,
      udata_update_frequency: true,
      udata_updated_in_time: true,
      udata_open_format: true,
      udata_resources_available: true,
      udata_resources_documented: true,
      udata_score: 1,
    });
    expect(notes).toEqual([]);
  });

  it('URL checks on: a URL that fails makes the resources unavailable, 8/9', () => {
    const ok = new Map([
      [ACCESS_URL, true],
      [DOWNLOAD_URL, true],
    ]);
    expect(udata(fullRecord(), ok).row).toMatchObject({ udata_resources_available: true, udata_score: 1 });
    const { row } = udata(
      fullRecord(),
      new Map([
        [ACCESS_URL, true],
        [DOWNLOAD_URL, false],
      ]),
    );
    expect(row.udata_resources_available).toBe(false);
    expect(row.udata_score).toBeCloseTo(8 / 9, 10);
  });

  it('an empty dataset meets nothing (no resources: the three resource criteria fail)', () => {
    const { row } = udata(buildRecord());
    expect(row.udata_score).toBe(0);
    expect(Object.values(row).filter((v) => v === true)).toEqual([]);
  });

  it('always divides by 9', () => {
    const { row } = udata(fullRecord((p) => delete p.dataset['dcterms:temporal']));
    expect(row.udata_score).toBeCloseTo(8 / 9, 10);
    const bare = udata(buildRecord({ dataset: { 'dcterms:description': lit('D'.repeat(101)) } }));
    expect(bare.row.udata_score).toBeCloseTo(1 / 9, 10);
  });
});

describe('each criterion', () => {
  it('description longer than 100 characters (code points; 100 is not enough)', () => {
    const withDescription = (d: string) =>
      udata(fullRecord((p) => (p.dataset['dcterms:description'] = lit(d, 'fr')))).row
        .udata_description_length;
    expect(withDescription('é'.repeat(101))).toBe(true);
    expect(withDescription('😀'.repeat(100))).toBe(false);
    expect(withDescription('é'.repeat(100))).toBe(false);
    expect(
      udata(fullRecord((p) => delete p.dataset['dcterms:description'])).row.udata_description_length,
    ).toBe(false);
  });

  it('licence on a distribution, or license/rights on the dataset', () => {
    expect(udata(fullRecord((p) => delete p.distribution['dcterms:license'])).row.udata_license).toBe(false);
    const onDataset = fullRecord((p) => {
      delete p.distribution['dcterms:license'];
      p.dataset['dcterms:rights'] = lit('Licence Ouverte');
    });
    expect(udata(onDataset).row.udata_license).toBe(true);
  });

  it('temporal coverage: a period with start or end dates, a range, a year, a month', () => {
    const withTemporal = (v: ReturnType<typeof lit> | undefined, nodes = false) =>
      udata(
        fullRecord((p) => {
          if (v) p.dataset['dcterms:temporal'] = v;
          else delete p.dataset['dcterms:temporal'];
          if (nodes) p.nodes.push(node('_:p2', { 'dcterms:description': 'depuis toujours' }));
        }),
      ).row.udata_temporal_coverage;
    expect(withTemporal(undefined)).toBe(false);
    expect(withTemporal(lit('2020-01-01/2021-12-31'))).toBe(true);
    expect(withTemporal(lit('2020'))).toBe(true);
    expect(withTemporal(lit('2020-05'))).toBe(true);
    expect(withTemporal(lit('2020-05-01'))).toBe(false);
    expect(withTemporal(lit('depuis 2020'))).toBe(false);
    expect(withTemporal(ref('_:p2'), true)).toBe(false);
    expect(udata().row.udata_temporal_coverage).toBe(true); // _:period has dcat:startDate
  });

  it('spatial coverage: a WKT or GeoJSON geometry, or a bbox literal; an IRI alone is not', () => {
    const withSpatial = (...vs: ReturnType<typeof lit>[]) =>
      udata(
        fullRecord((p) => {
          p.dataset['dcterms:spatial'] = vs;
          p.nodes.push(
            node('_:geo', {
              'locn:geometry': lit('{"type":"Point","coordinates":[1,2]}', undefined, 'geo:geoJSONLiteral'),
            }),
          );
          p.nodes.push(node('_:bad', { 'locn:geometry': lit('{not json', undefined, 'geo:geoJSONLiteral') }));
          p.nodes.push(node('_:plain', { 'dcat:bbox': lit('POLYGON((0 0,1 0,1 1,0 1,0 0))') }));
        }),
      ).row.udata_spatial_coverage;
    expect(withSpatial(ref('http://id.insee.fr/geo/commune/74079'))).toBe(false);
    expect(withSpatial(ref('_:loc'))).toBe(true);
    expect(withSpatial(ref('_:geo'))).toBe(true);
    expect(withSpatial(ref('_:bad'))).toBe(false);
    expect(withSpatial(ref('_:plain'))).toBe(false);
    expect(withSpatial(lit('1.5,43.2,2.0,44.1'))).toBe(true);
    expect(withSpatial(lit('Haute-Savoie'))).toBe(false);
  });

  it('update frequency: Dublin Core and EU IRIs and ids; INSPIRE IRIs, EU UNKNOWN and others are not', () => {
    const withFrequency = (f?: ReturnType<typeof lit>) =>
      udata(
        fullRecord((p) => {
          if (f) p.dataset['dcterms:accrualPeriodicity'] = f;
          else delete p.dataset['dcterms:accrualPeriodicity'];
        }),
      );
    expect(withFrequency(ref(`${EU}ANNUAL`)).row.udata_update_frequency).toBe(true);
    expect(withFrequency(ref(`${DC}monthly`)).row.udata_update_frequency).toBe(true);
    expect(withFrequency(lit('threeTimesAWeek')).row.udata_update_frequency).toBe(true);
    expect(withFrequency(lit('ANNUAL_2')).row.udata_update_frequency).toBe(true);
    expect(withFrequency(ref(`${EU}UNKNOWN`)).row).toMatchObject({
      udata_update_frequency: false,
      udata_updated_in_time: false,
    });
    const inspire = withFrequency(
      ref('http://inspire.ec.europa.eu/metadata-codelist/MaintenanceFrequency/annually'),
    );
    expect(inspire.row.udata_update_frequency).toBe(false);
    expect(inspire.notes).toEqual([]); // known to the project's own table, not an unknown value
    const odd = withFrequency(ref('http://example.org/freq/sometimes'));
    expect(odd.row.udata_update_frequency).toBe(false);
    expect(odd.notes).toEqual(['unknown_frequency:http://example.org/freq/sometimes']);
    expect(withFrequency().row.udata_update_frequency).toBe(false);
    expect(withFrequency(lit('Mensuelle')).row.udata_update_frequency).toBe(false);
  });

  it('open format: a given format outside pdf, doc(x), word, xls(x), excel; no format is closed', () => {
    const withFormats = (...formats: (string | null)[]) =>
      udata(
        buildRecord({
          distributions: formats.map((f, i): Props =>
            f === null ? {} : { 'dcterms:format': ref(`_:f${i}`) },
          ),
          nodes: formats.flatMap((f, i) => (f === null ? [] : [node(`_:f${i}`, { 'rdfs:label': f })])),
        }),
      ).row.udata_open_format;
    expect(withFormats('PDF')).toBe(false);
    expect(withFormats('PDF', 'XLSX', 'DOCX')).toBe(false);
    expect(withFormats('PDF', 'CSV')).toBe(true);
    expect(withFormats('Microsoft Excel')).toBe(true); // not in udata's list as written
    expect(withFormats('Inconnu')).toBe(true);
    expect(withFormats(null)).toBe(false);
    expect(withFormats()).toBe(false);
    const euIri = buildRecord({
      distributions: [
        { 'dcterms:format': ref('http://publications.europa.eu/resource/authority/file-type/PDF') },
      ],
    });
    expect(udata(euIri).row.udata_open_format).toBe(false);
  });

  it('resources documented: any distribution with a description, or a documentation', () => {
    const two = buildRecord({
      distributions: [
        { 'dcterms:description': lit('documenté') },
        { 'dcterms:title': lit('sans description') },
      ],
    });
    expect(udata(two).row.udata_resources_documented).toBe(true);
    const none = buildRecord({ distributions: [{ 'dcterms:title': lit('sans description') }] });
    expect(udata(none).row.udata_resources_documented).toBe(false);
    const documentation = buildRecord({
      distributions: [
        {
          'dcterms:type': ref(
            'http://publications.europa.eu/resource/authority/distribution-type/DOCUMENTATION',
          ),
        },
      ],
    });
    expect(udata(documentation).row.udata_resources_documented).toBe(true);
  });

  it('resources available: unchecked URLs count as available, a failed one does not', () => {
    const record = buildRecord({ distributions: [{ 'dcat:accessURL': ref(ACCESS_URL) }, {}] });
    expect(udata(record).row.udata_resources_available).toBe(true);
    expect(udata(record, new Map([[ACCESS_URL, true]])).row.udata_resources_available).toBe(true);
    expect(udata(record, new Map([[ACCESS_URL, false]])).row.udata_resources_available).toBe(false);
  });
});

describe('updated in time: last update + delta >= run date - 1 day (never the clock)', () => {
  const annual = udataFrequency(ref(`${EU}ANNUAL`));
  const daily = udataFrequency(ref(`${DC}daily`));
  const monthly = udataFrequency(ref(`${EU}MONTHLY`));

  it('annual is 365 days', () => {
    expect(updatedInTime(annual, '2023-06-17', '2024-06-16')).toBe(true); // 2024 is a leap year
    expect(updatedInTime(annual, '2023-06-16', '2024-06-16')).toBe(true);
    expect(updatedInTime(annual, '2023-06-15', '2024-06-16')).toBe(false);
  });

  it('daily: one day of cadence plus one of grace', () => {
    expect(updatedInTime(daily, '2024-06-14', '2024-06-16')).toBe(true);
    expect(updatedInTime(daily, '2024-06-14', '2024-06-17')).toBe(false);
  });

  it('monthly is 31 days', () => {
    expect(updatedInTime(monthly, '2024-01-31', '2024-03-03')).toBe(true);
    expect(updatedInTime(monthly, '2024-01-31', '2024-03-04')).toBe(false);
  });

  it('frequencies without a delta are always in time; unknown never; no date: the run date', () => {
    expect(updatedInTime(udataFrequency(ref(`${EU}IRREG`)), undefined, RUN_DATE)).toBe(true);
    expect(updatedInTime(udataFrequency(ref(`${EU}AS_NEEDED`)), '1990-01-01', RUN_DATE)).toBe(true);
    expect(updatedInTime(udataFrequency(ref(`${EU}UNKNOWN`)), RUN_DATE, RUN_DATE)).toBe(false);
    expect(updatedInTime(undefined, RUN_DATE, RUN_DATE)).toBe(false);
    expect(updatedInTime(annual, undefined, RUN_DATE)).toBe(true);
  });

  it("the dataset's dct:modified wins over its distributions' dates", () => {
    const record = fullRecord((p) => {
      p.dataset['dcterms:modified'] = date('2020-01-01');
      p.distribution['dcterms:modified'] = date('2024-06-01');
    });
    expect(udata(record).row.udata_updated_in_time).toBe(false);
    const noDatasetDate = fullRecord((p) => {
      delete p.dataset['dcterms:modified'];
      p.distribution['dcterms:modified'] = date('2024-06-01');
    });
    expect(udata(noDatasetDate).row.udata_updated_in_time).toBe(true);
  });

  it('the same record and run date give the same answer on any day', () => {
    const record = fullRecord((p) => (p.dataset['dcterms:modified'] = date('2023-06-16')));
    expect(computeUdata(record, { runDate: '2024-06-16' }).row.udata_updated_in_time).toBe(true);
    expect(computeUdata(record, { runDate: '2024-06-18' }).row.udata_updated_in_time).toBe(false);
  });

  it('rejects a run date that is not YYYY-MM-DD', () => {
    expect(() => updatedInTime(annual, '2024-01-01', '16/06/2024')).toThrow(/runDate/);
  });
});
