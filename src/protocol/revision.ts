/**
 * Revisions, versions and their ETags: one grammar for every header and
 * query parameter that carries them (Last-Event-ID, If-Match, If-None-Match,
 * `before=` cursors, `/versions/:n`).
 */

/**
 * The largest revision or version any request may name: 15 decimal digits,
 * inside Number.MAX_SAFE_INTEGER, so a parsed value is always exact. Every
 * cursor query parameter is bounded by it.
 */
export const REVISION_MAX = 999_999_999_999_999;

/** A number as text: decimal digits only, no leading zero (no sign, exponent, hex or blanks). */
const DECIMAL = /^(0|[1-9]\d*)$/;

/** The number `raw` names in decimal digits (`01`, `+5`, `1e3`, `0x10`, ` 1` are not), however large; undefined otherwise. */
export function parseDecimal(raw: string | undefined): number | undefined {
  return raw !== undefined && DECIMAL.test(raw) ? Number(raw) : undefined;
}

/** The revision `raw` names: decimal digits up to REVISION_MAX; undefined otherwise. */
export function parseRevisionToken(raw: string | undefined): number | undefined {
  const n = raw !== undefined && raw.length <= 15 ? parseDecimal(raw) : undefined;
  return n !== undefined && n <= REVISION_MAX ? n : undefined;
}

/** The strong ETag of a revision or version: `"12"`. */
export function formatEtag(n: number): string {
  return `"${n}"`;
}

/** One entity-tag of an If-Match / If-None-Match list (RFC 9110 §8.8.3). */
export interface EntityTag {
  weak: boolean;
  /** The text between the quotes. */
  opaque: string;
}

// etagc = "!" / %x23-7E / obs-text; a list is comma-separated with optional blanks.
const ENTITY_TAG = /^(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"$/;

/** `*`, a list of entity-tags, or undefined when the header is not valid RFC 9110 syntax. */
export function parseEntityTags(header: string): '*' | EntityTag[] | undefined {
  const value = header.trim();
  if (value === '*') return '*';
  const tags: EntityTag[] = [];
  for (const part of value.split(',')) {
    const m = ENTITY_TAG.exec(part.trim());
    if (!m) return undefined;
    tags.push({ weak: m[1] !== undefined, opaque: m[2] });
  }
  return tags;
}

/** What an `If-Match` header asks of a write. */
export type IfMatch =
  | { kind: 'any' }
  /** Only if the current version is this one. */
  | { kind: 'version'; version: number }
  /** A well-formed tag that no version can ever match strongly (weak, or not a version number): 412. */
  | { kind: 'never'; tag: string }
  | { kind: 'invalid'; problem: string };

/**
 * `If-Match` per RFC 9110 §13.1.1: `*`, or one entity-tag compared strongly
 * (a weak tag never matches). Absent means no precondition (`undefined`); a
 * blank header is invalid rather than unconditional, and so is a list of
 * several tags, which no client of ours needs.
 */
export function parseIfMatch(header: string | undefined): IfMatch | undefined {
  if (header === undefined) return undefined;
  const tags = parseEntityTags(header);
  if (tags === undefined) return { kind: 'invalid', problem: 'If-Match must be a version number in quotes, such as "3", or *' };
  if (tags === '*') return { kind: 'any' };
  if (tags.length !== 1) return { kind: 'invalid', problem: 'If-Match must name one version, such as "3"' };
  const [tag] = tags;
  const version = tag.weak ? undefined : parseRevisionToken(tag.opaque);
  return version === undefined ? { kind: 'never', tag: header.trim() } : { kind: 'version', version };
}

/**
 * True when `If-None-Match` names `n` (or `*`), by weak comparison (RFC 9110
 * §13.1.2): `"12"` and `W/"12"` both hit. A header that is not valid syntax
 * never hits, so the poller simply gets a full answer.
 */
export function ifNoneMatchHits(header: string | undefined, n: number): boolean {
  if (header === undefined) return false;
  const tags = parseEntityTags(header);
  if (tags === '*') return true;
  const wanted = String(n);
  return tags?.some((t) => t.opaque === wanted) ?? false;
}
