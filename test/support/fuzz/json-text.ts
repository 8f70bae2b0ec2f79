/**
 * A JSON document as the fuzzer writes it: any JSON value, plus what
 * `JSON.stringify` cannot write — duplicate and `__proto__` keys, number
 * literals exactly as typed, bytes that are not UTF-8, and nesting deep
 * enough to overflow a recursive walker.
 */
export type JsonDoc =
  | null
  | boolean
  | number
  | string
  | JsonDoc[]
  /** An object as its entries in order, so a key may repeat. */
  | { entries: [string, JsonDoc][] }
  /** A number literal as written (`1e309`, `-0`, `99999999999999999999`): JSON.stringify would round or refuse it. */
  | { literal: string }
  /** A string holding `before`, then bytes that are not UTF-8, then `after`. */
  | { badUtf8: readonly number[]; before: string; after: string }
  /** `inner` wrapped in `depth` objects `{"a": …}`. */
  | { nest: number; inner: JsonDoc };

/** The document's bytes, as a client would put them on the wire. */
export function jsonBytes(doc: JsonDoc): Buffer {
  const parts: Buffer[] = [];
  write(doc, (s) => parts.push(Buffer.from(s, 'utf8')), parts);
  return Buffer.concat(parts);
}

function write(doc: JsonDoc, text: (s: string) => void, parts: Buffer[]): void {
  if (doc === null || typeof doc !== 'object') {
    // JSON.stringify escapes lone surrogates (\ud800), so they arrive as escapes the parser turns back into them.
    text(JSON.stringify(doc) ?? 'null');
    return;
  }
  if (Array.isArray(doc)) {
    text('[');
    doc.forEach((item, i) => {
      if (i > 0) text(',');
      write(item, text, parts);
    });
    text(']');
    return;
  }
  if ('entries' in doc) {
    text('{');
    doc.entries.forEach(([key, value], i) => {
      text(`${i > 0 ? ',' : ''}${JSON.stringify(key)}:`);
      write(value, text, parts);
    });
    text('}');
    return;
  }
  if ('literal' in doc) return text(doc.literal);
  if ('badUtf8' in doc) {
    text(JSON.stringify(doc.before).slice(0, -1));
    parts.push(Buffer.from(doc.badUtf8));
    text(JSON.stringify(doc.after).slice(1));
    return;
  }
  text('{"a":'.repeat(doc.nest));
  write(doc.inner, text, parts);
  text('}'.repeat(doc.nest));
}

/**
 * True when a field a write could store holds text that is not well-formed
 * Unicode (raw non-UTF-8 bytes, or a lone surrogate): a top-level field, but
 * not `__proto__` or `constructor`, which validation drops unread.
 */
export function storableTextIsInvalid(doc: JsonDoc): boolean {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || !('entries' in doc)) return false;
  return doc.entries.some(([k, v]) => k !== '__proto__' && k !== 'constructor' && jsonHasInvalidUnicode(v));
}

/** True when a string the document holds is not well-formed Unicode (raw non-UTF-8 bytes, or a lone surrogate). */
function jsonHasInvalidUnicode(doc: JsonDoc): boolean {
  if (typeof doc === 'string') return hasLoneSurrogate(doc);
  if (doc === null || typeof doc !== 'object') return false;
  if (Array.isArray(doc)) return doc.some(jsonHasInvalidUnicode);
  if ('entries' in doc) return doc.entries.some(([k, v]) => hasLoneSurrogate(k) || jsonHasInvalidUnicode(v));
  if ('badUtf8' in doc) return true;
  if ('nest' in doc) return jsonHasInvalidUnicode(doc.inner);
  return false;
}

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
export function hasLoneSurrogate(s: string): boolean {
  return /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
}
