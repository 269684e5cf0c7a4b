import { describe, expect, it } from 'vitest';
import { MQA_DIMENSIONS, MQA_INDICATORS, MQA_MAX_POINTS } from '../../shared/columns.js';
import {
  ACCESS_URL,
  DOWNLOAD_URL,
  buildRecord,
  date,
  fullProps,
  fullRecord,
  lit,
  node,
  ref,
} from '../../test/helpers/fair-records.js';
import { computeMqa, mqaRating, mqaRatingRaw, readDistributions } from './mqa.js';

const ALL_OK = new Map([
  [ACCESS_URL, true],
  [DOWNLOAD_URL, true],
]);
const pointsOf = (id: string) => MQA_INDICATORS.find((i) => i.id === id)!.points;

describe('MQA indicator table', () => {
  it('sums to 405 with the documented dimension maxima', () => {
    const max = Object.fromEntries(MQA_DIMENSIONS.map((d) => [d, 0]));
    for (const i of MQA_INDICATORS) max[i.dimension]! += i.points;
    expect(max).toEqual({
      findability: 100,
      accessibility: 100,
      interoperability: 110,
      reusability: 75,
      contextuality: 20,
    });
    expect(MQA_INDICATORS.reduce((s, i) => s + i.points, 0)).toBe(MQA_MAX_POINTS);
  });
});

describe('computeMqa on a record meeting every criterion', () => {
  it('URL checks off: network indicators and DCAT-AP compliance NULL, rating from the scaled total', () => {
    const row = computeMqa(fullRecord());
    expect(row.mqa_access_url_status).toBeNull();
    expect(row.mqa_download_url_status).toBeNull();
    expect(row.mqa_dcat_ap_compliance).toBeNull();
    expect(row.mqa_total).toBe(295);
    expect(row.mqa_assessable).toBe(295);
    expect(row.mqa_rating).toBe('excellent');
    expect(row.mqa_estimated).toBe(true);
    expect(row).toMatchObject({
      mqa_findability: 100,
      mqa_accessibility: 20,
      mqa_interoperability: 80,
      mqa_reusability: 75,
      mqa_contextuality: 20,
    });
  });

  it('URL checks on: 375 of 375 (only DCAT-AP compliance unassessed)', () => {
    const row = computeMqa(fullRecord(), { urlStatus: ALL_OK });
    expect(row.mqa_access_url_status).toBe(true);
    expect(row.mqa_download_url_status).toBe(true);
    expect(row.mqa_total).toBe(375);
    expect(row.mqa_assessable).toBe(375);
    expect(row.mqa_accessibility).toBe(100);
  });

  it('dimension points always add up to the total', () => {
    for (const row of [
      computeMqa(fullRecord()),
      computeMqa(buildRecord()),
      computeMqa(fullRecord(), { urlStatus: ALL_OK }),
    ]) {
      expect(MQA_DIMENSIONS.reduce((s, d) => s + (row[`mqa_${d}`] as number), 0)).toBe(row.mqa_total);
    }
  });
});

describe('computeMqa on an empty dataset', () => {
  it('scores 0, bad, every offline indicator false', () => {
    const row = computeMqa(buildRecord());
    expect(row.mqa_total).toBe(0);
    expect(row.mqa_rating).toBe('bad');
    for (const i of MQA_INDICATORS) {
      expect(row[`mqa_${i.id}`], i.id).toBe(i.needs ? null : false);
    }
  });

  it('with URL checks on, a dataset without distribution fails the URL statuses', () => {
    const row = computeMqa(buildRecord(), { urlStatus: new Map() });
    expect(row.mqa_access_url_status).toBe(false);
    expect(row.mqa_download_url_status).toBe(false);
    expect(row.mqa_assessable).toBe(375);
  });
});

type Edit = (p: ReturnType<typeof fullProps>) => void;

// one edit per indicator that makes it false (third: the indicators that depend on it and fall with it)
const FALSE_CASES: [string, Edit, string[]?][] = [
  ['keyword_availability', (p) => delete p.dataset['dcat:keyword']],
  ['category_availability', (p) => delete p.dataset['dcat:theme']],
  ['spatial_availability', (p) => delete p.dataset['dcterms:spatial']],
  ['temporal_availability', (p) => delete p.dataset['dcterms:temporal']],
  ['download_url_availability', (p) => delete p.distribution['dcat:downloadURL'], ['download_url_status']],
  [
    'media_type_availability',
    (p) => delete p.distribution['dcat:mediaType'],
    ['format_media_type_vocabulary'],
  ],
  [
    'format_media_type_vocabulary',
    (p) => (p.distribution['dcat:mediaType'] = lit('application/x-unheard-of')),
  ],
  ['licence_availability', (p) => delete p.distribution['dcterms:license'], ['known_licence']],
  ['known_licence', (p) => (p.distribution['dcterms:license'] = ref('https://example.org/my-licence'))],
  ['access_rights_vocabulary', (p) => (p.dataset['dcterms:accessRights'] = ref('_:rs'))],
  ['contact_point_availability', (p) => delete p.dataset['dcat:contactPoint']],
  ['publisher_availability', (p) => delete p.dataset['dcterms:publisher']],
  ['rights_availability', (p) => delete p.distribution['dcterms:rights']],
  ['byte_size_availability', (p) => delete p.distribution['dcat:byteSize']],
  ['date_issued_availability', (p) => delete p.dataset['dcterms:issued']],
  ['date_modified_availability', (p) => delete p.dataset['dcterms:modified']],
];

describe('each indicator, true then false', () => {
  const full = computeMqa(fullRecord(), { urlStatus: ALL_OK });

  it.each(FALSE_CASES)('%s', (id, edit, also = []) => {
    expect(full[`mqa_${id}`]).toBe(true);
    const row = computeMqa(fullRecord(edit), { urlStatus: ALL_OK });
    for (const lost of [id, ...also]) expect(row[`mqa_${lost}`], lost).toBe(false);
    const others = MQA_INDICATORS.filter((i) => i.id !== id && !also.includes(i.id));
    for (const i of others) expect(row[`mqa_${i.id}`], i.id).toBe(full[`mqa_${i.id}`]);
    expect(row.mqa_total).toBe(
      [id, ...also].reduce((t, lost) => t - pointsOf(lost), full.mqa_total as number),
    );
    expect(row.mqa_assessable).toBe(full.mqa_assessable);
  });

  it('access_rights_availability (and so the vocabulary) false without accessRights', () => {
    const row = computeMqa(fullRecord((p) => delete p.dataset['dcterms:accessRights']));
    expect(row.mqa_access_rights_availability).toBe(false);
    expect(row.mqa_access_rights_vocabulary).toBe(false);
  });

  it('an Ecosphères RightsStatement blank node: available, not from the EU vocabulary', () => {
    const row = computeMqa(
      fullRecord((p) => {
        p.dataset['dcterms:accessRights'] = ref('_:rs');
        p.nodes.push(node('_:rs', { 'rdfs:label': "Pas de restriction d'accès public selon INSPIRE" }));
      }),
    );
    expect(row.mqa_access_rights_availability).toBe(true);
    expect(row.mqa_access_rights_vocabulary).toBe(false);
  });

  it('format_availability as piveau: any dct:format, "Inconnu" included; the vocabulary checks stay false for it', () => {
    for (const [edit, present] of [
      [(p: ReturnType<typeof fullProps>) => delete p.distribution['dcterms:format'], false],
      [(p: ReturnType<typeof fullProps>) => (p.nodes[0] = node('_:fmt', { 'rdfs:label': 'Inconnu' })), true],
    ] as const) {
      const row = computeMqa(fullRecord((p) => (edit(p), delete p.distribution['dcat:mediaType'])));
      expect(row.mqa_format_availability).toBe(present);
      expect(row.mqa_non_proprietary).toBe(false);
      expect(row.mqa_machine_readable).toBe(false);
      expect(row.mqa_format_media_type_vocabulary).toBe(false);
    }
  });

  it('mqa_rating_raw: the bands on the unscaled total (> 350, > 220, > 120)', () => {
    expect([351, 350, 221, 220, 121, 120, 0].map(mqaRatingRaw)).toEqual([
      'excellent',
      'good',
      'good',
      'sufficient',
      'sufficient',
      'bad',
      'bad',
    ]);
    const row = computeMqa(fullRecord());
    expect(row.mqa_rating_raw).toBe(mqaRatingRaw(row.mqa_total as number));
  });

  it('dcat_ap_compliance: NULL unless validated; 30 points when compliant', () => {
    const off = computeMqa(fullRecord());
    expect(off.mqa_dcat_ap_compliance).toBeNull();
    const yes = computeMqa(fullRecord(), { dcatApCompliant: true });
    const no = computeMqa(fullRecord(), { dcatApCompliant: false });
    expect(yes.mqa_dcat_ap_compliance).toBe(true);
    expect(no.mqa_dcat_ap_compliance).toBe(false);
    expect(yes.mqa_assessable).toBe((off.mqa_assessable as number) + 30);
    expect(yes.mqa_total).toBe((off.mqa_total as number) + 30);
    expect(no.mqa_total).toBe(off.mqa_total);
  });

  it('access_url_status and download_url_status follow the URL answers', () => {
    const row = computeMqa(fullRecord(), {
      urlStatus: new Map([
        [ACCESS_URL, false],
        [DOWNLOAD_URL, true],
      ]),
    });
    expect(row.mqa_access_url_status).toBe(false);
    expect(row.mqa_download_url_status).toBe(true);
    expect(row.mqa_total).toBe(375 - 50);
  });

  it('dates count on the distribution when the dataset has none', () => {
    const row = computeMqa(
      fullRecord((p) => {
        delete p.dataset['dcterms:issued'];
        delete p.dataset['dcterms:modified'];
        p.distribution['dcterms:issued'] = date('2020-01-01');
        p.distribution['dcterms:modified'] = date('2020-01-02');
      }),
    );
    expect(row.mqa_date_issued_availability).toBe(true);
    expect(row.mqa_date_modified_availability).toBe(true);
  });
});

describe('formats as catalogues write them', () => {
  const withFormat = (label: string) =>
    computeMqa(
      fullRecord((p) => {
        p.nodes[0] = node('_:fmt', { 'rdfs:label': label });
        delete p.distribution['dcat:mediaType'];
      }),
    );

  it('"ESRI Shapefile (SHP)": machine-readable, proprietary', () => {
    expect(withFormat('ESRI Shapefile (SHP)')).toMatchObject({
      mqa_format_availability: true,
      mqa_machine_readable: true,
      mqa_non_proprietary: false,
    });
  });

  it('"GeoJSON": machine-readable and non-proprietary', () => {
    expect(withFormat('GeoJSON')).toMatchObject({ mqa_machine_readable: true, mqa_non_proprietary: true });
  });

  it('"MapInfo TAB": a format, on neither list', () => {
    expect(withFormat('MapInfo TAB')).toMatchObject({
      mqa_format_availability: true,
      mqa_machine_readable: false,
      mqa_non_proprietary: false,
    });
  });

  it('an unmapped label is a format (available) and a run note', () => {
    const record = fullRecord((p) => (p.nodes[0] = node('_:fmt', { 'rdfs:label': 'Format maison' })));
    expect(computeMqa(record).mqa_format_availability).toBe(true);
    expect(readDistributions(record).notes).toEqual(['unknown_format:Format maison']);
  });

  it('format and media type vocabulary needs both: an EU format and an IANA media type', () => {
    const noMedia = withFormat('CSV');
    expect(noMedia.mqa_format_media_type_vocabulary).toBe(false);
    expect(computeMqa(fullRecord()).mqa_format_media_type_vocabulary).toBe(true);
  });

  it('non-proprietary from the media type when the format is missing', () => {
    const row = computeMqa(
      fullRecord((p) => {
        delete p.distribution['dcterms:format'];
        p.distribution['dcat:mediaType'] = lit('application/geo+json');
      }),
    );
    expect(row).toMatchObject({
      mqa_format_availability: false,
      mqa_non_proprietary: true,
      mqa_machine_readable: true,
    });
  });
});

describe('best-distribution rule', () => {
  it('takes every distribution-level indicator from the single best distribution', () => {
    const p = fullProps();
    // d1: format + licence only (20 + 20 + 10 + 20 + 20 = 90 points); d2: download URL, byte size, rights (30)
    const d1 = {
      'dcterms:format': ref('_:fmt'),
      'dcterms:license': ref('https://spdx.org/licenses/etalab-2.0'),
    };
    const d2 = {
      'dcat:downloadURL': ref(DOWNLOAD_URL),
      'dcat:byteSize': lit('10'),
      'dcterms:rights': ref('_:rights'),
    };
    const row = computeMqa(buildRecord({ dataset: p.dataset, distributions: [d2, d1], nodes: p.nodes }));
    expect(row).toMatchObject({
      mqa_format_availability: true,
      mqa_licence_availability: true,
      mqa_known_licence: true,
      mqa_download_url_availability: false,
      mqa_byte_size_availability: false,
      mqa_rights_availability: false,
    });
  });

  it('keeps the first of two equally good distributions', () => {
    const a = { 'dcat:byteSize': lit('10') };
    const b = { 'dcterms:rights': lit('libre') };
    const row = computeMqa(buildRecord({ distributions: [a, b] }));
    expect(row.mqa_byte_size_availability).toBe(true);
    expect(row.mqa_rights_availability).toBe(false);
  });
});

describe('mqaRating', () => {
  it.each([
    [0, 'bad'],
    [120, 'bad'],
    [121, 'sufficient'],
    [220, 'sufficient'],
    [221, 'good'],
    [350, 'good'],
    [351, 'excellent'],
    [405, 'excellent'],
  ])('%i of 405 -> %s', (total, rating) => {
    expect(mqaRating(total, 405)).toBe(rating);
  });

  it('scales to 405 when fewer points were assessable (exact comparison at the edges)', () => {
    // 295 assessable: 121 x 295 / 405 = 88.1 -> 88 is bad, 89 sufficient
    expect(mqaRating(88, 295)).toBe('bad');
    expect(mqaRating(89, 295)).toBe('sufficient');
    // 221 x 295 / 405 = 160.97; 351 x 295 / 405 = 255.67
    expect(mqaRating(160, 295)).toBe('sufficient');
    expect(mqaRating(161, 295)).toBe('good');
    expect(mqaRating(255, 295)).toBe('good');
    expect(mqaRating(256, 295)).toBe('excellent');
  });

  it('edges through computeMqa: a record losing 5 points drops a band', () => {
    // full offline record: 295/295; without keywords, theme, spatial, temporal (-100),
    // contact (-20), publisher (-10), and 5 more points of dates: 160 -> sufficient; 165 -> good
    const weak: Edit = (p) => {
      for (const k of [
        'dcat:keyword',
        'dcat:theme',
        'dcterms:spatial',
        'dcterms:temporal',
        'dcat:contactPoint',
        'dcterms:publisher',
      ]) {
        delete p.dataset[k];
      }
    };
    const good = computeMqa(fullRecord(weak));
    expect(good.mqa_total).toBe(165);
    expect(good.mqa_rating).toBe('good');
    const sufficient = computeMqa(fullRecord((p) => (weak(p), delete p.dataset['dcterms:issued'])));
    expect(sufficient.mqa_total).toBe(160);
    expect(sufficient.mqa_rating).toBe('sufficient');
  });
});
