import fc, { type Arbitrary } from 'fast-check';
import type { JsonDoc } from './json-text.js';

/** The fuzzed app's PROMPT_MAX_BYTES: small, so "just over the limit" stays cheap to send. */
export const FUZZ_PROMPT_MAX_BYTES = 512;
/** Keys the fixture creates (FRESH is left for the fuzzer to create); `GONE` is deleted. */
export const FIXTURE_KEYS = ['AGENT', 'SESSION', 'GONE', 'FRESH'] as const;

const EMOJI = '\u{1F399}';

/**
 * Stand for the version of the request's prompt, and the store's revision,
 * as they are when the request is sent: what an editor loaded, what a
 * careful client puts in If-Match. The runner fills them in (wire.ts).
 */
export const CURRENT_VERSION = '{current-version}';
export const CURRENT_REVISION = '{current-revision}';

/** Strings that have broken parsers, validators, templates and SQL before. */
const NASTY = [
  '',
  ' ',
  '\t\r\n',
  'a\u0000b',
  '\ud800',
  'x\udc00y',
  '\ud83d',
  '\u202eevil',
  '\u2066isolated\u2069',
  '\u200b',
  '\ufeff',
  EMOJI,
  '\u{1F469}\u{1F3FD}\u200d\u{1F680}',
  'e\u0301',
  '\uffff',
  '\ufffd',
  '<script>alert(1)</script>',
  '{{x}}',
  `"'\``,
  '\\',
  '%',
  '%00',
  '%ZZ',
  '%C0%AF',
  '%ED%A0%80',
  '..',
  '../../etc/passwd',
  '/',
  '//evil.example',
  '?',
  '#',
  '&',
  '=',
  ',',
  ';',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'null',
  'undefined',
  'NaN',
  '-0',
  'stream',
  'STREAM',
  'new',
  '*',
  'W/"1"',
  "' OR 1=1 --",
  '\r\nX-Injected: 1',
  'A'.repeat(128),
  'A'.repeat(129),
];

/** Any UTF-16 code unit, so lone surrogates and controls come up as often as letters. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

/** A long run of one character: over every length, byte and header limit the server has, or just under. */
export const hugeText: Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('a', '\u00e9', EMOJI, '\\', '"', '%', ' ', '\u0000'),
    // Just past each limit (key 128, message 500, token 1024, next 2000, ?keys= 16 KiB, URL 16 KiB, body 6×512+64 KiB), or anything.
    fc.oneof(fc.constantFrom(129, 501, 1025, 2001, 16_385, 70_000), fc.integer({ min: 1, max: 80_000 })),
  )
  .map(([c, n]) => c.repeat(n));

/** Text from everywhere: the nasty list, any code points, any code units, ASCII, and (rarely) huge. */
export const anyText: Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...NASTY), weight: 8 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 30 }), weight: 4 },
  { arbitrary: fc.string({ unit: codeUnit, maxLength: 12 }), weight: 4 },
  { arbitrary: fc.string({ maxLength: 20 }), weight: 4 },
  { arbitrary: hugeText, weight: 1 },
);

/** Numbers as a client might write them in a path, query or header: valid, out of range, and not decimal at all. */
export const numberText: Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom('1', '2', '3', '4', '99'), weight: 8 },
  fc.constantFrom('0', '-1', '+1', '01', '1.5', '1e3', '0x10', ' 1', '1 ', '\u0661', '\uff11', '', '1,2', 'Infinity', 'NaN'),
  fc.constantFrom('999999999999999', '1000000000000000', '99999999999999999999', '9007199254740993'),
  fc.nat().map(String),
  fc.bigInt({ min: 0n, max: 10n ** 40n }).map(String),
);

/** A valid prompt key that may or may not exist. */
export const validKey: Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...FIXTURE_KEYS), weight: 6 },
  { arbitrary: fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.-]{0,12}$/), weight: 2 },
  { arbitrary: fc.constantFrom('agent', 'new', 'Stream2', `A${'b'.repeat(127)}`), weight: 1 },
);

/** A key as a client might send one: mostly valid, sometimes anything. */
export const anyKey: Arbitrary<string> = fc.oneof(
  { arbitrary: validKey, weight: 20 },
  { arbitrary: fc.constantFrom('stream', 'STREAM', `A${'b'.repeat(128)}`, '1ABC', '_A', 'A B', 'A/B', '.', '..'), weight: 1 },
  { arbitrary: anyText, weight: 1 },
);

/** Prompt text a client could mean: short, any code points, or around PROMPT_MAX_BYTES (wild requests add the rest). */
export const promptText: Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ minLength: 1, maxLength: 60 }), weight: 8 },
  { arbitrary: fc.constantFrom('You are Friday.', 'line one\r\nline two', `${EMOJI.repeat(128)}`, 'x'.repeat(FUZZ_PROMPT_MAX_BYTES)), weight: 2 },
  { arbitrary: fc.integer({ min: FUZZ_PROMPT_MAX_BYTES - 2, max: FUZZ_PROMPT_MAX_BYTES + 2 }).map((n) => 'y'.repeat(n)), weight: 1 },
  { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }), weight: 2 },
);

/** A commit message: short, any code points, at the 500-character limit or just over it. */
export const messageText: Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ maxLength: 30 }), weight: 6 },
  fc.integer({ min: 499, max: 501 }).map((n) => 'm'.repeat(n)),
  fc.string({ unit: 'binary', maxLength: 30 }),
);

/** An entity-tag header value for If-Match / If-None-Match. */
export const etagText: Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom('*', '"1"', '"2"', '"3"', '"4"'), weight: 6 },
  fc.constantFrom('*', '"1"', '"2"', '"3"', '"99"', 'W/"1"', '"1", "2"', 'W/"2", "3"', '""', '"abc"', '1', '"1', 'W/*', '*, "1"', ' "1" '),
  numberText.map((n) => `"${n}"`),
  anyText,
);

/** A string holding bytes that are not UTF-8 (overlong, a lone surrogate as CESU-8, truncated, stray continuation). */
export const badUtf8String: Arbitrary<JsonDoc> = fc.record({
  badUtf8: fc.constantFrom([0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0x80], [0xf4, 0x90, 0x80, 0x80], [0xfe, 0xfe]),
  before: fc.constantFrom('', 'You are '),
  after: fc.constantFrom('', ' Friday.'),
});

/** Any JSON value a field could be given instead of the right one; small and shallow. */
export const anyJson: Arbitrary<JsonDoc> = fc.letrec<{ value: JsonDoc }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<JsonDoc>(null, true, false, 0, -1, 1, 1.5, -0, 1e308, Number.MAX_SAFE_INTEGER + 2, '', '1', [], { entries: [] }),
    fc.constantFrom<JsonDoc>(
      { literal: '1e309' },
      { literal: '-1e309' },
      { literal: '99999999999999999999' },
      { literal: '1.0' },
      { literal: '1E2' },
    ),
    fc.integer(),
    fc.double(),
    anyText,
    badUtf8String,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.array(fc.tuple(anyText, tie('value')), { maxLength: 3 }).map((entries) => ({ entries })),
  ),
})).value;

/** A value that turns a path segment, query value or form field into invalid UTF-8 once percent-decoded. */
export const badPercentUtf8 = fc.constantFrom('%FF', '%C0%AF', '%ED%A0%80', '%E2%82', '%80', '%F4%90%80%80');
