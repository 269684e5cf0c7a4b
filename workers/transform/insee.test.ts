import { describe, expect, it } from 'vitest';
import { departementOfCommune, parseInseeIri } from './insee.js';

describe('parseInseeIri', () => {
  it('reads communes and departements over http or https, with trailing slashes', () => {
    expect(parseInseeIri('http://id.insee.fr/geo/commune/74079')).toEqual({ kind: 'commune', code: '74079' });
    expect(parseInseeIri('https://id.insee.fr/geo/commune/2a004/')).toEqual({
      kind: 'commune',
      code: '2A004',
    });
    expect(parseInseeIri('http://id.insee.fr/geo/departement/971//')).toEqual({
      kind: 'departement',
      code: '971',
    });
  });

  it('ignores other IRIs and flags malformed codes', () => {
    expect(parseInseeIri('_:N0123456789abcdef0123456789abcdef')).toBeNull();
    expect(parseInseeIri('http://id.insee.fr/geo/region/84')).toBeNull();
    expect(parseInseeIri('http://example.org/geo/commune/74079')).toBeNull();
    expect(parseInseeIri('http://id.insee.fr/geo/commune/740')).toEqual({ kind: 'commune', invalid: '740' });
    expect(parseInseeIri('http://id.insee.fr/geo/departement/2C')).toEqual({
      kind: 'departement',
      invalid: '2C',
    });
  });
});

describe('departementOfCommune', () => {
  it.each([
    ['74079', '74'],
    ['01001', '01'],
    ['97105', '971'],
    ['97611', '976'],
    ['98735', '987'],
    ['2A004', '2A'],
    ['2B033', '2B'],
  ])('%s -> %s', (commune, dep) => {
    expect(departementOfCommune(commune)).toBe(dep);
  });
});
