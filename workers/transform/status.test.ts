import { describe, expect, it } from 'vitest';
import { lastSegment, mapStatus } from './status.js';

describe('mapStatus', () => {
  it('maps EU and ISO codes, from IRIs or literals, whatever the case', () => {
    expect(mapStatus('http://publications.europa.eu/resource/authority/dataset-status/DEVELOP')).toEqual({
      known: true,
      label: 'Under development',
    });
    expect(
      mapStatus('http://inspire.ec.europa.eu/metadata-codelist/ProgressCode/historicalArchive/'),
    ).toEqual({
      known: true,
      label: 'Historical archive',
    });
    expect(mapStatus('https://x/codes#onGoing')).toEqual({ known: true, label: 'On going' });
    expect(mapStatus('On going')).toEqual({ known: true, label: 'On going' });
  });

  it('keeps unknown codes raw and gives null for nothing', () => {
    expect(mapStatus('http://publications.europa.eu/resource/authority/dataset-status/OP_DATPRO')).toEqual({
      known: false,
      raw: 'OP_DATPRO',
    });
    expect(mapStatus('  ')).toBeNull();
  });

  it('takes the last path or fragment segment', () => {
    expect(lastSegment('https://a/b/c//')).toBe('c');
    expect(lastSegment('https://a/b#frag')).toBe('frag');
    expect(lastSegment(' plain ')).toBe('plain');
  });
});
