import { compactIri, type GraphNode, type Literal, type Value } from '../../shared/record.js';

type Json = Record<string, unknown>;

interface TermDef {
  /** Expanded IRI, or a keyword (`@id`, `@type`... when the term is an alias); null: explicitly unmapped. */
  id: string | null;
  /** `@id`, `@vocab`, `@json`, `@none`, or an expanded datatype IRI. */
  type?: string;
  /** Default language of the term's plain strings; null: none, undefined: the context's. */
  lang?: string | null;
  container?: string;
}

/** How the values of one JSON key are read, resolved once per key and context. */
interface PropInfo {
  /** Canonical property name (compactIri of the expanded IRI). */
  name: string;
  /** Set when the key is an alias of a keyword. */
  keyword?: string;
  type?: string;
  /** Canonical datatype name for coerced literals. */
  dt?: string;
  lang?: string | null;
  container?: string;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * An active JSON-LD context: term definitions, `@vocab`, `@base`, `@language`. Only what DCAT
 * exports use is supported: prefixes, string and object term definitions (`@id`, `@type` incl.
 * `@id`/`@vocab` coercion, `@language`, `@container`), keyword aliases. Remote contexts (URLs)
 * are not fetched: they are ignored.
 */
export class JsonLdContext {
  private readonly raw: Map<string, unknown>;
  private readonly defs = new Map<string, TermDef | null>();
  private readonly resolving = new Set<string>();
  private readonly props = new Map<string, PropInfo | null>();
  private readonly types = new Map<string, string>();
  vocab: string | undefined;
  base: string | undefined;
  language: string | undefined;

  private constructor(parent?: JsonLdContext) {
    this.raw = new Map(parent?.raw);
    this.vocab = parent?.vocab;
    this.base = parent?.base;
    this.language = parent?.language;
  }

  static empty(): JsonLdContext {
    return new JsonLdContext();
  }

  /** This context with a local `@context` value applied (object, array, null, or ignored URL). */
  extend(local: unknown): JsonLdContext {
    let ctx = new JsonLdContext(this);
    for (const item of Array.isArray(local) ? local : [local]) {
      if (item === null) ctx = new JsonLdContext();
      else if (isObject(item)) ctx.apply(item);
    }
    return ctx;
  }

  private apply(local: Json): void {
    for (const [key, value] of Object.entries(local)) {
      switch (key) {
        case '@vocab':
          // resolved after the terms, below
          break;
        case '@base':
          this.base = typeof value === 'string' ? value : undefined;
          break;
        case '@language':
          this.language = typeof value === 'string' ? value : undefined;
          break;
        default:
          if (!key.startsWith('@')) this.raw.set(key, value);
      }
    }
    if ('@vocab' in local) {
      const v = local['@vocab'];
      this.vocab = typeof v === 'string' ? (this.expandIri(v, true) ?? v) : undefined;
    }
    // the next item of an array context may redefine terms resolved above
    this.defs.clear();
    this.props.clear();
    this.types.clear();
  }

  private def(term: string): TermDef | null | undefined {
    const known = this.defs.get(term);
    if (known !== undefined || this.defs.has(term)) return known;
    if (!this.raw.has(term)) return undefined;
    if (this.resolving.has(term)) return null; // a cycle: leave the term unmapped
    this.resolving.add(term);
    const raw = this.raw.get(term);
    let def: TermDef | null;
    if (raw === null) {
      def = { id: null };
    } else if (typeof raw === 'string') {
      def = { id: this.termIri(raw, term) };
    } else if (isObject(raw)) {
      const idRaw = raw['@id'];
      let id: string | null;
      if (idRaw === null || raw['@reverse'] !== undefined) id = null;
      else if (typeof idRaw === 'string') id = this.termIri(idRaw, term);
      else if (term.includes(':')) id = this.expandIri(term, false);
      else id = this.vocab !== undefined ? this.vocab + term : null;
      def = { id };
      const type = raw['@type'];
      if (typeof type === 'string')
        def.type = type.startsWith('@') ? type : (this.expandIri(type, true) ?? type);
      const lang = raw['@language'];
      if (lang === null || typeof lang === 'string') def.lang = lang;
      const container = raw['@container'];
      const containers = Array.isArray(container) ? container : [container];
      def.container = containers.find(
        (c): c is string =>
          typeof c === 'string' && ['@list', '@set', '@language', '@index', '@id', '@type'].includes(c),
      );
    } else {
      def = null;
    }
    this.resolving.delete(term);
    this.defs.set(term, def);
    return def;
  }

  private termIri(value: string, term: string): string | null {
    if (value.startsWith('@')) return value;
    if (value === term) return value.includes(':') ? this.expandIri(value, false) : null;
    return this.expandIri(value, true);
  }

  /**
   * Expands a term, compact IRI (`dcat:Dataset`), absolute IRI or blank node id to a full IRI.
   * `vocab`: a property or type name (terms and `@vocab` apply; an unmappable name gives null);
   * otherwise a node id (only prefixes and `@base` apply).
   */
  expandIri(value: string, vocab: boolean): string | null {
    if (value.charCodeAt(0) === 0x40) return value;
    if (vocab) {
      const d = this.def(value);
      if (d !== undefined) return d?.id ?? null;
    }
    const colon = value.indexOf(':');
    if (colon > 0) {
      const prefix = value.slice(0, colon);
      if (prefix === '_' || value.startsWith('//', colon + 1)) return value;
      const d = this.def(prefix);
      if (d?.id && !d.id.startsWith('@')) return d.id + value.slice(colon + 1);
      return value;
    }
    if (vocab) return this.vocab !== undefined ? this.vocab + value : null;
    if (this.base !== undefined) {
      try {
        return new URL(value, this.base).href;
      } catch {
        return value;
      }
    }
    return value;
  }

  /** A `@type` value, expanded then written with the canonical prefixes. */
  typeName(value: string): string {
    let out = this.types.get(value);
    if (out === undefined) {
      out = compactIri(this.expandIri(value, true) ?? value);
      this.types.set(value, out);
    }
    return out;
  }

  /** How a JSON key is read (null: the key maps to nothing and is dropped). */
  prop(key: string): PropInfo | null {
    const cached = this.props.get(key);
    if (cached !== undefined) return cached;
    let info: PropInfo | null = null;
    const d = this.def(key);
    if (d !== undefined) {
      if (d?.id?.startsWith('@')) info = { name: '', keyword: d.id };
      else if (d?.id) info = this.withCoercion({ name: compactIri(d.id) }, d);
    } else {
      const iri = this.expandIri(key, true);
      if (iri !== null && iri.includes(':') && !iri.startsWith('_:')) info = { name: compactIri(iri) };
    }
    this.props.set(key, info);
    return info;
  }

  private withCoercion(info: PropInfo, d: TermDef): PropInfo {
    if (d.type === '@id' || d.type === '@vocab') info.type = d.type;
    else if (d.type !== undefined && !d.type.startsWith('@')) info.dt = compactIri(d.type);
    if (d.lang !== undefined) info.lang = d.lang;
    if (d.container !== undefined) info.container = d.container;
    return info;
  }
}

/**
 * Turns parsed JSON-LD elements into record nodes (shared/record.ts): keys and types expanded
 * through the context and written with the canonical prefixes, every property an array of
 * `{v, lang, dt}` literals and `{id}` refs. An embedded node object becomes a node of its own
 * (with a generated blank id `_:e<element>.<n>` when it has none, stable from one read to the
 * next) and a ref. Node ids stay full IRIs (prefixed ids are expanded).
 */
export class Expander {
  private ctx: JsonLdContext;
  private index = 0;
  private counter = 0;
  private readonly refsOnly: boolean;
  /** Literals met and left out (refsOnly). */
  private literals = 0;
  /** The types array shared by the nodes of a single type, by type name. */
  private readonly typeLists = new Map<string, string[]>();

  /**
   * `refsOnly`: leave the literals out (the nodes keep their ids, types and references, with the
   * same generated ids): what the resolver looks at, for a fraction of the objects.
   */
  constructor(context?: unknown, opts: { refsOnly?: boolean } = {}) {
    this.ctx = context === undefined ? JsonLdContext.empty() : JsonLdContext.empty().extend(context);
    this.refsOnly = opts.refsOnly ?? false;
  }

  /** Replaces the document's top-level context. */
  setContext(context: unknown): void {
    this.ctx = JsonLdContext.empty().extend(context);
  }

  /** The nodes of one `@graph` element: the element's own node first, then the nodes it embeds. */
  expand(element: unknown, index: number): GraphNode[] {
    const out: GraphNode[] = [];
    this.index = index;
    this.counter = 0;
    this.element(element, this.ctx, out);
    return out;
  }

  private element(element: unknown, ctx: JsonLdContext, out: GraphNode[]): void {
    if (Array.isArray(element)) {
      for (const e of element) this.element(e, ctx, out);
    } else if (isObject(element) && !('@value' in element) && !('@list' in element) && !('@set' in element)) {
      this.node(element, ctx, out, true);
    }
  }

  private typeList(name: string): string[] {
    let list = this.typeLists.get(name);
    if (list === undefined) this.typeLists.set(name, (list = [name]));
    return list;
  }

  private blankId(): string {
    return `_:e${this.index}.${this.counter++}`;
  }

  private nodeId(obj: Json, ctx: JsonLdContext): string {
    let raw = obj['@id'];
    if (raw === undefined) {
      for (const k in obj) {
        if (k.charCodeAt(0) !== 0x40 && ctx.prop(k)?.keyword === '@id') {
          raw = obj[k];
          break;
        }
      }
    }
    return typeof raw === 'string' ? (ctx.expandIri(raw, false) ?? raw) : this.blankId();
  }

  /** Expands a node object into `out`; returns its id. */
  private node(obj: Json, ctx: JsonLdContext, out: GraphNode[], top: boolean): string {
    if (obj['@context'] !== undefined) ctx = ctx.extend(obj['@context']);
    // the id first, so that generated ids number nodes in document order
    const node: GraphNode = { id: this.nodeId(obj, ctx), types: [], p: {} };
    const at = out.length;
    out.push(node);
    let isGraph = false;
    let hasContent = false;
    for (const key in obj) {
      const val = obj[key];
      let kw: string | undefined;
      let info: PropInfo | null = null;
      if (key.charCodeAt(0) === 0x40) {
        kw = key;
      } else {
        info = ctx.prop(key);
        if (info === null) continue;
        kw = info.keyword;
      }
      if (kw !== undefined) {
        switch (kw) {
          case '@type':
            for (const t of Array.isArray(val) ? val : [val]) {
              if (typeof t !== 'string') continue;
              const name = ctx.typeName(t);
              if (!node.types.includes(name)) node.types.push(name);
              hasContent = true;
            }
            break;
          case '@graph':
          case '@included':
            isGraph = isGraph || kw === '@graph';
            this.element(val, ctx, out);
            break;
          default:
          // @context, @index, @reverse, @nest...: nothing to record
        }
        continue;
      }
      if (info === null) continue;
      const existing = node.p[info.name];
      const vals = existing ?? [];
      const literals = this.literals;
      this.value(val, info, ctx, out, vals);
      if (vals.length > 0) {
        hasContent = true;
        // an array grown by push() holds 16 slots or more: the node keeps an exact copy (most
        // properties have one value; the nodes a resolver holds outlive the young generation)
        if (!existing) node.p[info.name] = vals.slice();
      } else if (this.literals !== literals) {
        hasContent = true;
      }
    }
    // one array per type name for the nodes of one type (most): the nodes never change it
    if (node.types.length === 1) node.types = this.typeList(node.types[0]!);
    else if (node.types.length > 1) node.types = node.types.slice();
    // a named-graph wrapper with nothing of its own is not a node
    if (top && isGraph && !hasContent) out.splice(at, 1);
    return node.id;
  }

  private value(val: unknown, info: PropInfo, ctx: JsonLdContext, out: GraphNode[], vals: Value[]): void {
    if (val === null || val === undefined) return;
    if (Array.isArray(val)) {
      for (const v of val) this.value(v, info, ctx, out, vals);
      return;
    }
    switch (typeof val) {
      case 'string':
        if (info.type === '@id') vals.push({ id: ctx.expandIri(val, false) ?? val });
        else if (info.type === '@vocab') vals.push({ id: ctx.expandIri(val, true) ?? val });
        else if (this.refsOnly) this.literals++;
        else vals.push(this.plain(val, info, ctx, true));
        return;
      case 'number':
      case 'boolean':
        if (this.refsOnly) this.literals++;
        else vals.push(this.plain(String(val), info, ctx, false));
        return;
      case 'object':
        break;
      default:
        return;
    }
    const o = val as Json;
    if ('@value' in o) {
      const v = o['@value'];
      if (v === null || v === undefined) return;
      if (this.refsOnly) {
        this.literals++;
        return;
      }
      // a JSON literal (@type @json) keeps its JSON text
      const lit: Literal = {
        v: typeof v === 'object' ? JSON.stringify(v) : `${v as string | number | boolean}`,
      };
      const lang = o['@language'];
      if (typeof lang === 'string' && lang) lit.lang = lang;
      const type = o['@type'];
      if (typeof type === 'string') lit.dt = ctx.typeName(type);
      vals.push(lit);
      return;
    }
    if ('@list' in o || '@set' in o) {
      this.value(o['@list'] ?? o['@set'], info, ctx, out, vals);
      return;
    }
    if (info.container === '@language') {
      for (const [lang, v] of Object.entries(o)) {
        for (const s of Array.isArray(v) ? v : [v]) {
          if (typeof s !== 'string') continue;
          if (this.refsOnly) this.literals++;
          else vals.push(lang === '@none' ? { v: s } : { v: s, lang });
        }
      }
      return;
    }
    if (info.container === '@index' || info.container === '@id' || info.container === '@type') {
      const inner: PropInfo = { ...info };
      delete inner.container;
      for (const v of Object.values(o)) this.value(v, inner, ctx, out, vals);
      return;
    }
    let onlyId = true;
    for (const k in o) {
      if (k !== '@id' && k !== '@index') {
        onlyId = false;
        break;
      }
    }
    if (onlyId) {
      const ref = o['@id'];
      if (typeof ref === 'string') vals.push({ id: ctx.expandIri(ref, false) ?? ref });
      return;
    }
    vals.push({ id: this.node(o, ctx, out, false) });
  }

  private plain(v: string, info: PropInfo, ctx: JsonLdContext, isString: boolean): Literal {
    if (info.dt !== undefined) return { v, dt: info.dt };
    if (!isString) return { v };
    const lang = info.lang !== undefined ? info.lang : ctx.language;
    return lang ? { v, lang } : { v };
  }
}
