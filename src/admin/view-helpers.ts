import hbs from 'hbs';
import { markedHtml } from './bidi.js';

/** Markup a helper built itself, which Handlebars inserts without escaping it again. */
type Html = InstanceType<typeof hbs.handlebars.SafeString>;

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];
const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const integer = new Intl.NumberFormat('en');

/** "3 minutes ago"; the page script keeps these fresh from each `<time datetime>`. */
export function ago(iso: unknown, now = Date.now()): string {
  if (typeof iso !== 'string') return '';
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  }
  return 'just now';
}

/** Byte sizes as operators read them: exact below 10 KB. */
export function bytes(n: unknown): string {
  if (typeof n !== 'number') return '';
  return n < 10_000 ? `${integer.format(n)} B` : `${(n / 1024).toFixed(1)} KB`;
}

export function number(n: unknown): string {
  return typeof n === 'number' ? integer.format(n) : '';
}

export function eq(a: unknown, b: unknown): boolean {
  return a === b;
}

/** `{{plural n "line"}}` → "1 line" / "2 lines". */
export function plural(n: unknown, word: unknown): string {
  return `${number(n)} ${String(word)}${n === 1 ? '' : 's'}`;
}

/**
 * `{{user x}}`: text someone typed (a message, an author, a prompt preview, an
 * agent's name), escaped, isolated in `<bdi>` so neither its direction nor its
 * neutral characters reorder the page around it, with direction controls marked.
 */
export function user(text: unknown): Html {
  return new hbs.handlebars.SafeString(`<bdi>${markedText(text)}</bdi>`);
}

/** `{{marked x}}`: like `user`, for text inside an element that isolates itself (`dir="auto"`, a diff line). */
export function marked(text: unknown): Html {
  return new hbs.handlebars.SafeString(markedText(text));
}

function markedText(text: unknown): string {
  return typeof text === 'string' ? markedHtml(text) : '';
}

/** Every helper, keyed by its template name (Handlebars passes an options object last; none uses it). */
export const VIEW_HELPERS: Record<string, (...args: unknown[]) => unknown> = {
  ago: (iso: unknown) => ago(iso),
  bytes: (n: unknown) => bytes(n),
  number: (n: unknown) => number(n),
  eq: (a: unknown, b: unknown) => eq(a, b),
  plural: (n: unknown, word: unknown) => plural(n, word),
  user: (text: unknown) => user(text),
  marked: (text: unknown) => marked(text),
};
