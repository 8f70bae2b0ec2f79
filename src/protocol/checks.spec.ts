import { checkPrompt, estimateTokens, hasErrors, LONG_NUMBER_DIGITS } from './checks.js';
import type { Variables } from './template.js';

const codes = (text: string, variables: Variables = {}, previous?: string) =>
  checkPrompt({ text, variables, previous, maxBytes: 32_768 }).checks.map((c) => c.code);

/** Every rule: a text that triggers it and one that does not (the rest of the text stays clean). */
const RULES: [code: string, triggers: string, clean: string, variables?: Variables][] = [
  ['variable-undeclared', 'Hello {{caller_name}}.', 'Hello {{caller_name}}.', { caller_name: {} }],
  ['placeholder-unclosed', 'Hello {{ caller_name.', 'Hello caller.'],
  ['placeholder-not-a-name', 'Hello {{}}.', 'Hello {{{{}}}}.'],
  ['placeholder-stray-close', 'Hello }} there.', 'Hello }}}} there.'],
  ['markdown-heading', '# Rules\nBe kind.', 'Rules: be kind. #1 is kindness.'],
  ['markdown-table', '| day | hours |\n|---|---|\n| Mon | 9-5 |', 'We are open Monday, nine to five.'],
  ['bullet-list', 'Do this:\n- greet\n- help', 'Greet the caller, then help - briefly.'],
  ['numbered-list', 'Steps:\n1. greet\n2. help', 'Greet in 1 sentence, then help.'],
  ['markdown-emphasis', 'Be **very** brief.', 'Be very brief, 2*3 is six.'],
  ['code', 'Run `reset()` first.', 'Reset first.'],
  ['link', 'See [our site](https://example.com).', 'See our site.'],
  ['bare-url', 'Visit https://example.com/help today.', 'Visit our help page today.'],
  ['emoji', 'Be cheerful 😊.', 'Be cheerful.'],
  ['long-number', `Call ${'1'.repeat(LONG_NUMBER_DIGITS + 1)}.`, `Call ${'1'.repeat(LONG_NUMBER_DIGITS)}.`],
];

// A default on the last parameter keeps the test function's arity at 3: with 4, jest would wait for a done callback.
describe('checkPrompt: every rule', () => {
  it.each(RULES)('%s: triggered by %p, not by %p', (code, triggers, clean, variables: Variables = {}) => {
    expect(codes(triggers)).toContain(code);
    expect(codes(clean, variables)).not.toContain(code);
  });

  it('default-has-placeholder: a default with braces is an error; a plain default is not', () => {
    expect(codes('Hi {{name}}.', { name: { default: 'dear {{title}}' } })).toContain('default-has-placeholder');
    expect(codes('Hi {{name}}.', { name: { default: 'dear caller' } })).not.toContain('default-has-placeholder');
  });

  it('variable-unused and variable-name: declared but never used, or not a name', () => {
    expect(codes('Hi.', { name: { default: 'x' } })).toEqual(['variable-unused']);
    expect(codes('Hi {{name}}.', { name: { default: 'x' } })).toEqual([]);
    expect(codes('Hi.', { 'two words': {} })).toContain('variable-name');
  });

  it('too-large: over PROMPT_MAX_BYTES in UTF-8 bytes', () => {
    expect(checkPrompt({ text: 'é'.repeat(6), maxBytes: 11 }).checks.map((c) => c.code)).toEqual(['too-large']);
    expect(checkPrompt({ text: 'é'.repeat(6), maxBytes: 12 }).checks).toEqual([]);
  });

  it('size-change: more than half longer or shorter than the version it replaces', () => {
    expect(codes('x'.repeat(160), {}, 'x'.repeat(100))).toEqual(['size-change']);
    expect(codes('x'.repeat(40), {}, 'x'.repeat(100))).toEqual(['size-change']);
    expect(codes('x'.repeat(150), {}, 'x'.repeat(100))).toEqual([]);
  });
});

describe('checkPrompt: reports', () => {
  it('names the undeclared variable in an error, and says where', () => {
    const report = checkPrompt({ text: 'Line one.\nHello {{caller_name}}!', maxBytes: 1000 });
    expect(hasErrors(report)).toBe(true);
    expect(report.checks[0]).toMatchObject({ level: 'error', code: 'variable-undeclared', where: { line: 2, column: 7 } });
    expect(report.checks[0].message).toContain('{{caller_name}}');
  });

  it('warns a chat-style prompt about its table, bullets, link and emphasis, once per rule, counting', () => {
    const chat = [
      '# Support assistant',
      'You help customers. **Always** be polite.',
      '| plan | price |',
      '|---|---|',
      '| basic | $10 |',
      '- answer questions',
      '- escalate refunds',
      'Docs: [help center](https://help.example.com).',
    ].join('\n');
    const report = checkPrompt({ text: chat, maxBytes: 32_768 });
    expect(report.checks.map((c) => c.code)).toEqual(['markdown-heading', 'markdown-table', 'bullet-list', 'markdown-emphasis', 'link', 'bare-url']);
    expect(report.checks.every((c) => c.level === 'warning')).toBe(true);
    expect(report.checks.find((c) => c.code === 'bullet-list')?.message).toMatch(/2 times, first at line 6/);
    expect(hasErrors(report)).toBe(false);
  });

  it('finds nothing to say about the seeded Friday prompts', () => {
    const friday = [
      'You are Friday, a helpful voice assistant. Speak naturally and concisely, one or two sentences at a time, because everything you say is read aloud. If you do not know something, say so.',
      'Greet the user and offer your help.',
    ];
    for (const text of friday) expect(checkPrompt({ text, maxBytes: 32_768 }).checks).toEqual([]);
  });

  it('estimates tokens at about four characters each, and the change from the previous version', () => {
    expect(estimateTokens('abcdefgh')).toBe(2);
    expect(checkPrompt({ text: 'x'.repeat(40), previous: 'x'.repeat(20), maxBytes: 100 }).tokens).toEqual({ estimate: 10, previous: 5, change: 5 });
    expect(checkPrompt({ text: 'x', maxBytes: 100 }).tokens).toEqual({ estimate: 1, previous: null, change: null });
  });
});

describe('checkPrompt: hostile texts', () => {
  const N = 32 * 1024;
  const fill = (unit: string) => unit.repeat(Math.floor(N / unit.length));
  // Each pattern once made a rule scan the rest of the text per match, or report one finding per match (bench/checks).
  it.each([
    ['line starts', fill('\n')],
    ['blank lines', fill(' \n')],
    ['unclosed braces', fill('{{ ')],
    ['bad names', fill('{{a b}}')],
    ['stray closes', fill('x}}')],
    ['never-closed links', fill('[')],
    ['link heads', fill('[a](')],
    ['distinct placeholders', Array.from({ length: 3000 }, (_, i) => `{{v${i}}}`).join('')],
  ])('answers %s with a short report: one line per kind of finding, at most 10 named variables', (_name, text) => {
    const report = checkPrompt({ text, maxBytes: N });
    const perCode = new Map<string, number>();
    for (const c of report.checks) perCode.set(c.code, (perCode.get(c.code) ?? 0) + 1);
    expect(Math.max(0, ...perCode.values())).toBeLessThanOrEqual(11);
    expect(JSON.stringify(report).length).toBeLessThan(4_000);
  });
});
