import { describe, expect, it } from 'vitest';
import { extractEmail } from './email.js';

describe('extractEmail', () => {
  it.each([
    ['mailto:Jean.Dupont@Example.gouv.fr', 'jean.dupont@example.gouv.fr'],
    ['MAILTO:x@y.fr?subject=a/b', 'x@y.fr'],
    [
      'https://ecologie.data.gouv.fr/dcat/catalog/ddt-contact@haute-savoie.gouv.fr',
      'ddt-contact@haute-savoie.gouv.fr',
    ],
    ['https://host/dcat/catalog/mailto:a@b.fr', 'a@b.fr'],
    ['https://host/dcat/catalog/a%40b.fr', 'a@b.fr'],
    ['  a+tag@sub.b.fr ', 'a+tag@sub.b.fr'],
    ['élodie@mairie-évian.fr', 'élodie@mairie-évian.fr'],
  ])('%j -> %s', (raw, email) => {
    expect(extractEmail(raw)).toEqual({ email });
  });

  it.each([
    ['', 'empty'],
    ['mailto:', 'empty'],
    ['https://host/dcat/catalog/', 'empty'],
    ['https://host/dcat/catalog/contact', 'no_at_sign'],
    ['a%E9@b.fr', 'bad_percent_encoding'],
    ['a@b', 'invalid_format'],
    ['a@@b.fr', 'invalid_format'],
    ['.a@b.fr', 'invalid_format'],
    ['a..b@c.fr', 'invalid_format'],
    ['jean dupont@b.fr', 'invalid_format'],
    ['a@-b.fr', 'invalid_format'],
  ])('%j -> %s', (raw, reason) => {
    expect(extractEmail(raw)).toEqual({ reason });
  });
});
