import { describe, expect, it } from 'vitest';
import { EU_FILE_TYPES, EU_LICENCES, EU_MACHINE_READABLE, EU_NON_PROPRIETARY } from './eu-lists.js';
import {
  accessRightCode,
  formatCode,
  frequency,
  isEuFileType,
  isMachineReadable,
  isNonProprietary,
  licenceCode,
  mediaType,
} from './lookup.js';
import {
  FORMAT_EXTENSIONS,
  FORMAT_LABELS,
  IANA_MEDIA_TYPES,
  LICENCE_ALIASES,
  UNREGISTERED_MEDIA_TYPES,
} from './mappings.js';

const code = (m: { code: string | null }) => m.code;

describe('generated EU lists', () => {
  it('hold the published counts', () => {
    expect(EU_FILE_TYPES.length).toBeGreaterThanOrEqual(200);
    expect(EU_MACHINE_READABLE).toHaveLength(20);
    expect(EU_NON_PROPRIETARY).toHaveLength(29);
    expect(Object.keys(EU_LICENCES).length).toBeGreaterThanOrEqual(150);
    expect(EU_LICENCES.ETALAB_2_0).toContain('https://www.etalab.gouv.fr/licence-ouverte-open-licence/');
  });

  it('every code the project maps to exists in the EU tables', () => {
    const formatTargets = [
      ...Object.values(FORMAT_LABELS),
      ...Object.values(FORMAT_EXTENSIONS),
      ...Object.values(IANA_MEDIA_TYPES).filter((c): c is string => c !== null),
      ...Object.values(UNREGISTERED_MEDIA_TYPES),
    ];
    expect(formatTargets.filter((c) => !isEuFileType(c))).toEqual([]);
    expect(Object.values(LICENCE_ALIASES).filter((c) => !(c in EU_LICENCES))).toEqual([]);
  });

  it('machine-readable and non-proprietary lists', () => {
    expect(isMachineReadable('CSV')).toBe(true);
    expect(isMachineReadable('SHP')).toBe(true);
    expect(isMachineReadable('PDF')).toBe(false);
    expect(isNonProprietary('GEOJSON')).toBe(true);
    expect(isNonProprietary('SHP')).toBe(false);
    expect(isNonProprietary('XLSX')).toBe(false);
  });
});

describe('formatCode', () => {
  it.each([
    ['ESRI Shapefile (SHP)', 'SHP'],
    ['MapInfo TAB', 'TAB'],
    ['GeoJSON', 'GEOJSON'],
    ['CSV', 'CSV'],
    ['csv', 'CSV'],
    ['JSON-LD', 'JSON_LD'],
    ['Microsoft Excel', 'XLS'],
    ['Tableur (XLSX)', 'XLSX'],
    ['Fichier Shapefile', 'SHP'],
    ['Export CSV.', 'CSV'],
    ['Archive 7z', '7Z'],
    ['.shp', 'SHP'],
    ['.geojson', 'GEOJSON'],
    ['OGC:WMS', 'WMS_SRVC'],
    ['text/csv', 'CSV'],
    ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'XLSX'],
    ['http://publications.europa.eu/resource/authority/file-type/CSV', 'CSV'],
    ['https://publications.europa.eu/resource/authority/file-type/GEOJSON', 'GEOJSON'],
    ['https://www.iana.org/assignments/media-types/application/geo+json', 'GEOJSON'],
    ['http://www.opengis.net/def/format/geopackage', 'GPKG'],
  ])('%s -> %s', (label, expected) => {
    expect(formatCode(label)).toEqual({ status: 'known', code: expected });
  });

  it('"Inconnu" and empty labels are placeholders, not unknown', () => {
    expect(formatCode('Inconnu')).toEqual({ status: 'placeholder', code: null });
    expect(formatCode(' ')).toEqual({ status: 'placeholder', code: null });
  });

  it('unmapped labels and unknown EU codes are unknown', () => {
    expect(formatCode('Format maison')).toEqual({ status: 'unknown', code: null });
    expect(formatCode('Norme ISO 19115')).toEqual({ status: 'unknown', code: null });
    expect(formatCode('http://example.org/formats/%E0%A4%A')).toEqual({ status: 'unknown', code: null });
    expect(formatCode('http://publications.europa.eu/resource/authority/file-type/NOPE')).toEqual({
      status: 'unknown',
      code: null,
    });
  });
});

describe('mediaType', () => {
  it('recognises IANA types, with parameters and as IRIs', () => {
    expect(mediaType('text/csv; charset=utf-8')).toEqual({ type: 'text/csv', iana: true, code: 'CSV' });
    expect(mediaType('https://www.iana.org/assignments/media-types/application/zip')).toEqual({
      type: 'application/zip',
      iana: true,
      code: 'ZIP',
    });
  });

  it('maps unregistered types without calling them IANA', () => {
    expect(mediaType('application/x-shapefile')).toEqual({
      type: 'application/x-shapefile',
      iana: false,
      code: 'SHP',
    });
    expect(mediaType('application/x-unheard-of')).toEqual({
      type: 'application/x-unheard-of',
      iana: false,
      code: null,
    });
  });

  it('is undefined for what is not a media type', () => {
    expect(mediaType('CSV')).toBeUndefined();
    expect(mediaType('http://publications.europa.eu/resource/authority/file-type/CSV')).toBeUndefined();
  });
});

describe('licenceCode', () => {
  it.each([
    ['https://spdx.org/licenses/etalab-2.0', 'ETALAB_2_0'],
    ['https://spdx.org/licenses/etalab-2.0.html', 'ETALAB_2_0'],
    ['etalab-2.0', 'ETALAB_2_0'],
    ['lo-2.0', 'ETALAB_2_0'],
    ['Licence Ouverte / Open Licence version 2.0', 'ETALAB_2_0'],
    ['https://www.etalab.gouv.fr/licence-ouverte-open-licence', 'ETALAB_2_0'],
    ['https://www.etalab.gouv.fr/wp-content/uploads/2017/04/ETALAB-Licence-Ouverte-v2.0.pdf', 'ETALAB_2_0'],
    ['ODbL', 'ODC_BL'],
    ['https://spdx.org/licenses/ODbL-1.0', 'ODC_BL'],
    ['http://opendatacommons.org/licenses/odbl/1-0/', 'ODC_BL'],
    ['https://opendatacommons.org/licenses/odbl/summary/', 'ODC_BL'],
    ['CC-BY-4.0', 'CC_BY_4_0'],
    ['CC BY 4.0', 'CC_BY_4_0'],
    ['CC-BY', 'CC_BY'],
    ['https://creativecommons.org/licenses/by/4.0/', 'CC_BY_4_0'],
    ['https://creativecommons.org/licenses/by-sa/4.0/legalcode.fr', 'CC_BYSA_4_0'],
    ['https://creativecommons.org/licenses/by/3.0/at/legalcode', 'CC_BY_3_0_AT'],
    ['https://creativecommons.org/publicdomain/zero/1.0/', 'CC0'],
    ['CC0-1.0', 'CC0'],
    ['MIT', 'MIT'],
    ['Apache-2.0', 'APACHE_2_0'],
    ['https://opensource.org/licenses/Apache-2.0', 'APACHE_2_0'],
    ['http://publications.europa.eu/resource/authority/licence/CC_BY_4_0', 'CC_BY_4_0'],
    ['https://publications.europa.eu/resource/authority/licence/ETALAB_2_0', 'ETALAB_2_0'],
  ])('%s -> %s', (value, expected) => {
    expect(code(licenceCode(value))).toBe(expected);
  });

  it('placeholders and unknown licences', () => {
    expect(licenceCode('notspecified').status).toBe('placeholder');
    expect(licenceCode('Licence maison').status).toBe('unknown');
    expect(licenceCode('https://example.org/licence').status).toBe('unknown');
    expect(licenceCode('http://publications.europa.eu/resource/authority/licence/NOPE').status).toBe(
      'unknown',
    );
  });
});

describe('accessRightCode', () => {
  it('accepts the seven EU access-right IRIs only', () => {
    for (const c of [
      'CONFIDENTIAL',
      'NON_PUBLIC',
      'NORMAL',
      'OP_DATPRO',
      'PUBLIC',
      'RESTRICTED',
      'SENSITIVE',
    ]) {
      expect(accessRightCode(`http://publications.europa.eu/resource/authority/access-right/${c}`)).toBe(c);
    }
    expect(accessRightCode('https://publications.europa.eu/resource/authority/access-right/PUBLIC')).toBe(
      'PUBLIC',
    );
    expect(
      accessRightCode('http://publications.europa.eu/resource/authority/access-right/OPEN'),
    ).toBeUndefined();
    expect(accessRightCode('_:N0123456789abcdef0123456789abcdef')).toBeUndefined();
    expect(accessRightCode("Pas de restriction d'accès public selon INSPIRE")).toBeUndefined();
  });
});

describe('frequency', () => {
  it.each([
    ['http://publications.europa.eu/resource/authority/frequency/ANNUAL', 'annual', { months: 12 }],
    ['http://publications.europa.eu/resource/authority/frequency/MONTHLY_2', 'monthly', { months: 1 }],
    [
      'http://inspire.ec.europa.eu/metadata-codelist/MaintenanceFrequency/biannually',
      'semiannual',
      { months: 6 },
    ],
    ['http://inspire.ec.europa.eu/metadata-codelist/MaintenanceFrequency/asNeeded', 'as needed', null],
    ['http://purl.org/cld/freq/weekly', 'weekly', { days: 7 }],
    ['MD_MaintenanceFrequencyCode_quarterly', 'quarterly', { months: 3 }],
    ['Irrégulière', 'irregular', null],
    ['daily', 'daily', { days: 1 }],
  ])('%s', (value, label, period) => {
    expect(frequency(value)).toMatchObject({ label, known: true, period });
  });

  it('"unknown" is a frequency that is not known; nonsense is undefined', () => {
    expect(
      frequency('http://inspire.ec.europa.eu/metadata-codelist/MaintenanceFrequency/unknown'),
    ).toMatchObject({
      known: false,
    });
    expect(frequency('http://example.org/freq/whenever')).toBeUndefined();
  });
});
