import { describe, expect, it } from 'vitest';
import { foldForMatch, stripAccents, unique } from './text.js';

describe('text', () => {
  it('strips accents, including decomposed input', () => {
    expect(stripAccents('Prévention Île-de-France çà')).toBe('Prevention Ile-de-France ca');
    expect(stripAccents('Pre\u0301vention')).toBe('Prevention');
  });

  it('folds case, apostrophes and whitespace for matching', () => {
    expect(foldForMatch(' Pas de restriction\r\nd’accès\u00A0public\tselon INSPIRE ')).toBe(
      "pas de restriction d'acces public selon inspire",
    );
    expect(foldForMatch('l\u02BCeau l‘air')).toBe("l'eau l'air");
  });

  it('de-duplicates in order', () => {
    expect(unique(['b', 'a', 'b', 'c', 'a'])).toEqual(['b', 'a', 'c']);
  });
});
