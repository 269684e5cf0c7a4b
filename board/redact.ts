/**
 * Redaction of what the board shows: job data, return values, logs and failure reasons.
 * Payloads are designed to carry no secret (references only), so this is a safety net.
 */

const MASK = '***';

// a key whose value is masked whatever it holds; bare "key" is not secret (S3 keys, restore keys)
const SECRET_KEY =
  /passw(or)?d|passphrase|(^|[^a-z])pass($|[^a-z])|secret|token|api[-_]?key|access[-_]?key|private[-_]?key|authori[sz]ation|credential|cookie|session/i;

const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@]*):[^\s/@]*@/gi;
const BEARER = /\b(bearer)\s+[A-Za-z0-9._~+/=-]+/gi;
const KEY_VALUE =
  /\b(password|passwd|pwd|secret|token|api[-_]?key|access[-_]?key|secret[-_]?access[-_]?key)(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s&,;"')\]}]+)/gi;

/** True when a property name looks like it holds a secret (password, token, secret, API key...). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** Masks the secrets inside a free-text string: URL passwords, `Bearer ...`, `password=...`. */
export function redactString(value: string): string {
  return value
    .replace(URL_PASSWORD, `$1:${MASK}@`)
    .replace(BEARER, `$1 ${MASK}`)
    .replace(KEY_VALUE, `$1$2${MASK}`);
}

/**
 * A deep copy of `value` with secrets inside strings masked and, unless `keys` is false, the
 * values of secret-looking keys masked. Never mutates its input; cycles and very deep values are
 * cut rather than followed.
 */
export function redactSecrets(value: unknown, { keys = true, maxDepth = 32 } = {}): unknown {
  const seen = new WeakSet<object>();
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return redactString(v);
    if (v === null || typeof v !== 'object') return v;
    if (depth > maxDepth || seen.has(v)) return '[cut]';
    seen.add(v);
    try {
      if (Array.isArray(v)) return v.map((item) => walk(item, depth + 1));
      if (v instanceof Date) return v;
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) {
        out[k] = keys && isSecretKey(k) && item !== null && item !== '' ? MASK : walk(item, depth + 1);
      }
      return out;
    } finally {
      seen.delete(v);
    }
  };
  return walk(value, 0);
}
