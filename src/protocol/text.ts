/**
 * The one rule for every string a client sends, whatever its field: it is
 * stored and echoed exactly as sent, or refused. A lone UTF-16 surrogate
 * (JSON can carry one as `"\ud800"`) has no UTF-8 form, so storing it would
 * silently turn it into U+FFFD; PostgreSQL's `text` cannot hold U+0000, and
 * refusing it on every store keeps the stores alike.
 */

// With the `u` flag a valid pair is one code point, so only lone surrogates match.
const LONE_SURROGATE = /\p{Cs}/u;

/** What is wrong with `value`, worded to follow its field's name ("text must …"); undefined when it may be stored. */
export function textFault(value: string): string | undefined {
  if (LONE_SURROGATE.test(value)) return 'must be well-formed Unicode (it contains a lone surrogate)';
  if (value.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  return undefined;
}
