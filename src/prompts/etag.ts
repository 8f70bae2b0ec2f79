import { BadRequestException } from '@nestjs/common';

/** A strong ETag for a revision or version number: `"12"`. */
export function etagOf(n: number): string {
  return `"${n}"`;
}

/**
 * True when an `If-None-Match` header names `n` (or `*`). Accepts quoted,
 * weak (`W/"12"`) and bare (`12`) forms and comma-separated lists, because
 * hand-written pollers send all of them.
 */
export function noneMatchHits(header: string | undefined, n: number): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '').replace(/^"(.*)"$/, '$1') === String(n);
  });
}

/**
 * Parses `If-Match` into the version the caller last saw; undefined when the
 * header is absent or `*` (an unconditional write). Anything else is a client error.
 */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '' || header.trim() === '*') return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(header);
  if (!m) throw new BadRequestException('If-Match must be a version number such as "3"');
  return Number(m[1]);
}
