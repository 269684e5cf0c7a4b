import { memo } from '../../shared/memo.js';
/** INSEE geographic codes from id.insee.fr IRIs (communes and departements). */

export interface InseePlace {
  kind: 'commune' | 'departement';
  code: string;
}

export type InseeParse = InseePlace | { kind: 'commune' | 'departement'; invalid: string } | null;

const INSEE_IRI = /^https?:\/\/id\.insee\.fr\/geo\/(commune|departement)\/([^/?#]+)\/*$/i;
const COMMUNE_CODE = /^(?:\d{5}|2[AB]\d{3})$/;
const DEPARTEMENT_CODE = /^(?:\d{2,3}|2[AB])$/;

/**
 * `http(s)://id.insee.fr/geo/commune/<code>` or `.../departement/<code>` (trailing slashes
 * allowed) -> its kind and code (Corsican letters upper-cased). Other IRIs give null; a
 * well-formed IRI with a code that is not an INSEE code gives `invalid`.
 */
export const parseInseeIri = memo(parseInseeIriOnce);

function parseInseeIriOnce(iri: string): InseeParse {
  const m = INSEE_IRI.exec(iri.trim());
  if (!m) return null;
  const kind = m[1]!.toLowerCase() as InseePlace['kind'];
  const code = m[2]!.toUpperCase();
  const ok = kind === 'commune' ? COMMUNE_CODE.test(code) : DEPARTEMENT_CODE.test(code);
  return ok ? { kind, code } : { kind, invalid: code };
}

/** The departement of a commune code: 3 characters overseas (97x, 98x), else 2 (2A/2B for Corsica). */
export function departementOfCommune(commune: string): string {
  return /^9[78]/.test(commune) ? commune.slice(0, 3) : commune.slice(0, 2);
}
