import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTemplate, renderTemplate, type Variables } from './template.js';

/** The shared cases: the Python client's suite reads the same file (clients/template-vectors.json, `npm run vectors`). */
interface TemplateVectors {
  declared: Variables;
  values: Record<string, string | number | boolean>;
  cases: { text: string; variables: string[]; faults: string[]; rendered: { text: string; missing: string[] } }[];
}

describe('parseTemplate', () => {
  it('finds placeholders, with blanks inside the braces or not, once each in order of use', () => {
    const parsed = parseTemplate('Hi {{caller_name}}, I am {{ agent }}. Bye {{caller_name}}.');
    expect(parsed.variables).toEqual(['caller_name', 'agent']);
    expect(parsed.faults).toEqual([]);
    expect(parsed.parts[1]).toEqual({ variable: 'caller_name', span: { start: 3, end: 18, line: 1, column: 4 } });
  });

  it('reads {{{{ and }}}} as literal braces, and single braces as text', () => {
    const parsed = parseTemplate('Use {{{{x}}}} in code; {a} and } are fine.');
    expect(parsed.variables).toEqual([]);
    expect(parsed.faults).toEqual([]);
    expect(renderTemplate({ text: 'Use {{{{x}}}} in code; {a}', values: {} }).text).toBe('Use {{x}} in code; {a}');
  });

  it.each([
    ['{{ name', 'placeholder-unclosed', 1, 1],
    ['a {{}} b', 'placeholder-not-a-name', 1, 3],
    ['{{two words}}', 'placeholder-not-a-name', 1, 1],
    ['{{9lives}}', 'placeholder-not-a-name', 1, 1],
    ['x\nclose }} here', 'placeholder-stray-close', 2, 7],
    ['{{a {{b}}', 'placeholder-unclosed', 1, 1],
  ])('calls %p malformed (%s at line %i, column %i)', (text, code, line, column) => {
    const [fault] = parseTemplate(text).faults;
    expect(fault).toMatchObject({ code, span: { line, column } });
    expect(fault.message).toMatch(/\{\{|\}\}/);
  });
});

describe('renderTemplate', () => {
  it('fills from the values, then the defaults, and names what neither gives', () => {
    const variables = { greeting: { default: 'Hello' }, caller_name: { description: 'who calls' } };
    expect(renderTemplate({ text: '{{greeting}} {{caller_name}}!', variables, values: { caller_name: 'Ada' } })).toEqual({
      text: 'Hello Ada!',
      missing: [],
    });
    expect(renderTemplate({ text: '{{greeting}} {{caller_name}}!', variables, values: {} })).toEqual({ text: 'Hello !', missing: ['caller_name'] });
    expect(renderTemplate({ text: 'n={{n}} ok={{ok}}', values: { n: 3, ok: true } }).text).toBe('n=3 ok=true');
  });

  it('never takes a value from an object prototype', () => {
    expect(renderTemplate({ text: '[{{toString}}][{{hasOwnProperty}}]', values: {} })).toEqual({
      text: '[][]',
      missing: ['toString', 'hasOwnProperty'],
    });
  });

  it('refuses the names a JSON body cannot declare: __proto__, constructor and prototype stay as written', () => {
    const parsed = parseTemplate('[{{constructor}}][{{ __proto__ }}]');
    expect(parsed.variables).toEqual([]);
    expect(parsed.faults.map((f) => f.code)).toEqual(['placeholder-not-a-name', 'placeholder-not-a-name']);
    expect(renderTemplate({ text: '[{{constructor}}]', values: {} })).toEqual({ text: '[{{constructor}}]', missing: [] });
  });
});

describe('the shared template vectors', () => {
  it('still describe this implementation (regenerate with npm run vectors after a grammar change)', () => {
    const file = JSON.parse(readFileSync(join(process.cwd(), 'clients', 'template-vectors.json'), 'utf8')) as TemplateVectors;
    expect(file.cases.length).toBeGreaterThanOrEqual(20);
    for (const c of file.cases) {
      const parsed = parseTemplate(c.text);
      expect({ text: c.text, variables: parsed.variables, faults: parsed.faults.map((f) => f.code) }).toEqual({
        text: c.text,
        variables: c.variables,
        faults: c.faults,
      });
      expect(renderTemplate({ text: c.text, variables: file.declared, values: file.values })).toEqual(c.rendered);
    }
  });
});
