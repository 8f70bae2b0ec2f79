// Writes clients/template-vectors.json from the TypeScript implementation of
// the placeholder grammar (src/protocol/template.ts, built into dist/): the
// cases the Python client's port (clients/python/promptcast/template.py)
// checks itself against, so both languages render every prompt alike.
//   npm run build && node scripts/write-template-vectors.mjs
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const { parseTemplate, renderTemplate } = await import(join(root, 'dist', 'protocol', 'template.js'));

const declared = { greeting: { default: 'Hello' }, caller_name: { description: 'who calls' }, empty: { default: '' } };
const values = { caller_name: 'Ada', n: 3, half: 0.5, ok: true, no: false, big: 1e21 };
const TEXTS = [
  'plain text, no braces',
  '{{greeting}} {{caller_name}}!',
  'Hi {{ caller_name }}, {{\tgreeting\n}} and {{\u00a0caller_name\u3000}}',
  'n={{n}} half={{half}} ok={{ok}} no={{no}} big={{big}}',
  '{{missing_one}} and {{missing_two}} and {{missing_one}}',
  '[{{empty}}]',
  'Use {{{{x}}}} in code; {a} and } are fine.',
  '{{{{{{caller_name}}}}}}',
  '{{ name',
  'a {{}} b',
  '{{two words}}',
  '{{9lives}}',
  'x\nclose }} here',
  '{{a {{caller_name}}',
  '[{{constructor}}][{{ __proto__ }}][{{prototype}}][{{toString}}]',
  '{{}}}} {{{{}}',
  '}}}}}} {{{{{{',
  'emoji 🎙️ {{caller_name}} 日本語 {{ greeting }}',
  `{{${'a'.repeat(64)}}} {{${'a'.repeat(65)}}}`,
  '{{caller_name}}{{caller_name}}{{greeting}}',
  '{{\u200bcaller_name}}',
  '{{ caller_name }',
  '{ {caller_name} }',
];

const cases = TEXTS.map((text) => {
  const parsed = parseTemplate(text);
  return {
    text,
    variables: parsed.variables,
    faults: parsed.faults.map((f) => f.code),
    rendered: renderTemplate({ text, variables: declared, values }),
  };
});
const note = 'render each text with the declared variables and the values below; compare variables, fault codes, rendered text and missing';
writeFileSync(join(root, 'clients', 'template-vectors.json'), `${JSON.stringify({ note, declared, values, cases }, null, 1)}\n`);
console.log(`wrote ${cases.length} template cases`);
