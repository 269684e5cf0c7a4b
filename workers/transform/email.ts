/** Contact e-mails out of vcard:hasEmail values as the exporter writes them. */
import { memo } from '../../shared/memo.js';

export type EmailResult = { email: string } | { reason: string };

const LOCAL = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~.-]+$/u;
const DOMAIN = /^(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+[\p{L}]{2,}$/u;

/**
 * Accepts `mailto:x@y`, a wrongly resolved relative IRI `https://host/dcat/catalog/x@y` (its tail
 * after the last '/'), or a bare address; percent-decodes, lower-cases and checks it looks like an
 * e-mail. Failures give a short reason (never the address itself).
 */
export const extractEmail = memo(extractEmailOnce);

function extractEmailOnce(raw: string): EmailResult {
  let s = raw.trim();
  if (/^mailto:/i.test(s)) s = s.slice('mailto:'.length).split('?')[0]!;
  else if (s.includes('/')) s = s.slice(s.lastIndexOf('/') + 1);
  s = s.replace(/^mailto:/i, '');
  try {
    s = decodeURIComponent(s);
  } catch {
    return { reason: 'bad_percent_encoding' };
  }
  s = s.trim().toLowerCase();
  if (!s) return { reason: 'empty' };
  const at = s.lastIndexOf('@');
  if (at < 0) return { reason: 'no_at_sign' };
  const local = s.slice(0, at);
  const domain = s.slice(at + 1);
  const localOk =
    LOCAL.test(local) && !local.startsWith('.') && !local.endsWith('.') && !local.includes('..');
  if (!localOk || !DOMAIN.test(domain)) return { reason: 'invalid_format' };
  return { email: s };
}
