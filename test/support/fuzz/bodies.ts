import fc, { type Arbitrary } from 'fast-check';
import type { JsonDoc } from './json-text.js';
import { encoding, type Encoding } from './url-text.js';
import { anyJson, anyText, badPercentUtf8, badUtf8String } from './values.js';

/** Which CSRF token a form carries; the real tokens exist only at run time, so the generator names one. */
export type CsrfChoice = 'valid' | 'other-binding';
/** A form field's value: text, or a CSRF token chosen at run time. */
export type FormValue = string | { csrf: CsrfChoice };
export type FormField = [name: string, value: FormValue, how: Encoding, bad: string];

export type Payload =
  | { kind: 'json'; doc: JsonDoc; cut?: number; tail?: string }
  | { kind: 'form'; fields: FormField[] }
  | { kind: 'bytes'; bytes: number[] }
  | { kind: 'text'; text: string };

/** How the body travels: compressed honestly, declared but not compressed, or with an encoding nobody knows. */
export type ContentEncoding = 'gzip' | 'deflate' | 'br' | 'identity' | 'gzip-lie' | 'x-bogus';

export interface BodySpec {
  payload: Payload;
  /** Undefined: the type that matches the payload; null: no Content-Type at all. */
  contentType?: string | null;
  contentEncoding?: ContentEncoding;
  /** Spaces before the payload: past the body limit, or a compression bomb once gzipped. */
  padding?: number;
}

/** A body's fields and, for each, what a correct client would send. */
export type Shape = Record<string, Arbitrary<string | number | null>>;
/** A JSON body's fields may also be lists (a save's `labels`) or whole documents (a session report's `sessions`). */
export type JsonShape = Record<string, Arbitrary<string | number | null | readonly string[] | JsonDoc>>;

const EXTRA_NAMES = fc.constantFrom('__proto__', 'constructor', 'admin', 'author', 'revision', 'version', 'key', 'x');

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/json; charset=bogus',
  'application/json;',
  'APPLICATION/JSON',
  'application/vnd.api+json',
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=iso-8859-1',
  'multipart/form-data; boundary=x',
  'text/plain',
  'text/html',
  '*/*',
  '',
  'json',
  'application/json, text/plain',
];

/** A field present with its valid value, present with anything, absent, or twice. */
function fieldOf<T>(name: string, valid: Arbitrary<T>, wrong: Arbitrary<T>): Arbitrary<[string, T][]> {
  return fc.oneof(
    { arbitrary: valid.map((v): [string, T][] => [[name, v]]), weight: 30 },
    { arbitrary: wrong.map((v): [string, T][] => [[name, v]]), weight: 2 },
    { arbitrary: fc.constant<[string, T][]>([]), weight: 1 },
    {
      arbitrary: fc.tuple(valid, wrong).map(([a, b]): [string, T][] => [
        [name, a],
        [name, b],
      ]),
      weight: 1,
    },
  );
}

/** A JSON body for `shape`: mostly an object with mutated fields, sometimes not an object, nested deep or wrapped. */
export function jsonDoc(shape: JsonShape): Arbitrary<JsonDoc> {
  const wrong = fc.oneof({ arbitrary: anyJson, weight: 3 }, badUtf8String);
  const fields = Object.entries(shape).map(([name, valid]) =>
    fieldOf<JsonDoc>(
      name,
      valid.map((v): JsonDoc => (Array.isArray(v) ? [...v] : (v as JsonDoc))),
      wrong,
    ),
  );
  const extras = fc.oneof(
    { arbitrary: fc.constant<[string, JsonDoc][]>([]), weight: 12 },
    fc.array(fc.tuple(EXTRA_NAMES, anyJson), { minLength: 1, maxLength: 2 }),
  );
  const object = fc.tuple(fc.tuple(...fields), extras).map(([present, extra]): JsonDoc => ({ entries: [...present.flat(), ...extra] }));
  return fc.oneof(
    { arbitrary: object, weight: 30 },
    { arbitrary: anyJson, weight: 1 },
    { arbitrary: fc.tuple(fc.constantFrom(30, 31, 32, 33, 100, 5000), object).map(([nest, inner]): JsonDoc => ({ nest, inner })), weight: 1 },
    { arbitrary: object.map((o): JsonDoc => [o]), weight: 1 },
  );
}

type Encoded = [value: FormValue, how: Encoding, bad: string];
const encoded = (value: Arbitrary<FormValue>): Arbitrary<Encoded> => fc.tuple(value, encoding, badPercentUtf8);
const token = (...choices: CsrfChoice[]): [string, Encoded][] => choices.map((csrf) => ['_csrf', [{ csrf }, 'percent', '']]);

/** A urlencoded form for `shape`, with or without the CSRF token, its values encoded well or badly. */
export function formFields(shape: Shape): Arbitrary<FormField[]> {
  const asText = (v: string | number | null): string => (v === null ? '' : String(v));
  const fields = Object.entries(shape).map(([name, valid]) => fieldOf<Encoded>(name, encoded(valid.map(asText)), encoded(anyText)));
  const csrf = fc.oneof(
    { arbitrary: fc.constant(token('valid')), weight: 24 },
    { arbitrary: fc.constant(token()), weight: 1 },
    { arbitrary: fc.constant(token('other-binding')), weight: 1 },
    { arbitrary: encoded(anyText).map((e): [string, Encoded][] => [['_csrf', e]]), weight: 1 },
    { arbitrary: fc.constant(token('valid', 'valid')), weight: 1 },
  );
  const extras = fc.oneof(
    { arbitrary: fc.constant<[string, Encoded][]>([]), weight: 12 },
    fc.array(fc.tuple(fc.oneof(EXTRA_NAMES, anyText), encoded(anyText)), { minLength: 1, maxLength: 2 }),
  );
  return fc
    .tuple(csrf, fc.tuple(...fields), extras)
    .map(([t, present, extra]) => [...t, ...present.flat(), ...extra].map(([name, [value, how, bad]]): FormField => [name, value, how, bad]));
}

const noise: Arbitrary<Payload>[] = [
  fc.uint8Array({ maxLength: 64 }).map((b): Payload => ({ kind: 'bytes', bytes: [...b] })),
  anyText.map((text): Payload => ({ kind: 'text', text })),
];

/** A JSON route's body: JSON mostly (whole, cut short or with a tail), sometimes a form, bytes or text. */
export function jsonBody(shape: JsonShape): Arbitrary<BodySpec> {
  const json = jsonDoc(shape).map((doc): Payload => ({ kind: 'json', doc }));
  const broken = fc
    .tuple(jsonDoc(shape), fc.nat(), fc.constantFrom('', ',', '}', ']', 'x', '\u0000', '{}'))
    .map(([doc, cut, tail]): Payload => ({ kind: 'json', doc, cut, tail }));
  const form = formFields(asFormShape(shape)).map((fields): Payload => ({ kind: 'form', fields }));
  return bodyOf(fc.oneof({ arbitrary: json, weight: 30 }, broken, form, ...noise));
}

/** A JSON shape sent as a form by mistake: a list becomes its items joined by commas, a document its JSON text. */
function asFormShape(shape: JsonShape): Shape {
  const asField = (v: unknown): string | number | null => {
    if (Array.isArray(v)) return v.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join(',');
    return typeof v === 'object' && v !== null ? JSON.stringify(v) : (v as string | number | null);
  };
  return Object.fromEntries(Object.entries(shape).map(([name, valid]) => [name, valid.map(asField)]));
}

/** An admin form's body: a form mostly, sometimes JSON, bytes or text. */
export function formBody(shape: Shape): Arbitrary<BodySpec> {
  const form = formFields(shape).map((fields): Payload => ({ kind: 'form', fields }));
  const json = jsonDoc(shape).map((doc): Payload => ({ kind: 'json', doc }));
  return bodyOf(fc.oneof({ arbitrary: form, weight: 30 }, json, ...noise));
}

/** Fields a correct client may leave out. */
const OPTIONAL_FIELDS = new Set(['message', 'next', 'labels']);
const requiredOf = (shape: JsonShape) => Object.keys(shape).filter((name) => !OPTIONAL_FIELDS.has(name));

/** A JSON body a correct client would send: every required field, valid values, nothing else. */
export function cleanJsonBody(shape: JsonShape): Arbitrary<BodySpec> {
  return fc.record(shape, { requiredKeys: requiredOf(shape) }).map((fields): BodySpec => ({
    payload: {
      kind: 'json',
      doc: { entries: Object.entries(fields).map(([k, v]): [string, JsonDoc] => [k, Array.isArray(v) ? [...v] : (v as JsonDoc)]) },
    },
  }));
}

/** A form a correct browser would post: the CSRF token, every required field, valid values. */
export function cleanFormBody(shape: Shape): Arbitrary<BodySpec> {
  return fc.record(shape, { requiredKeys: requiredOf(shape) }).map((fields): BodySpec => ({
    payload: {
      kind: 'form',
      fields: [
        ['_csrf', { csrf: 'valid' }, 'percent', ''],
        ...Object.entries(fields).map(([name, v]): FormField => [name, v === null ? '' : String(v), 'percent', '']),
      ],
    },
  }));
}

function bodyOf(payload: Arbitrary<Payload>): Arbitrary<BodySpec> {
  return fc.record(
    {
      payload,
      contentType: fc.oneof(
        { arbitrary: fc.constant(undefined), weight: 30 },
        { arbitrary: fc.constant(null), weight: 1 },
        { arbitrary: fc.constantFrom(...CONTENT_TYPES), weight: 2 },
      ),
      contentEncoding: fc.oneof(
        { arbitrary: fc.constant(undefined), weight: 40 },
        { arbitrary: fc.constantFrom<ContentEncoding>('gzip', 'deflate', 'br', 'identity', 'gzip-lie', 'x-bogus'), weight: 2 },
      ),
      padding: fc.oneof({ arbitrary: fc.constant(0), weight: 60 }, { arbitrary: fc.constantFrom(70_000, 2_000_000), weight: 1 }),
    },
    { requiredKeys: ['payload'] },
  );
}
