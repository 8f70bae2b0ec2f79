import { formVariables, typedVariables, variableRows, type VariableRowFields } from './variable-rows.js';

describe('the editor variable rows', () => {
  it.each<[string, VariableRowFields, unknown]>([
    ['no rows', {}, { variables: {} }],
    [
      'one row with a default (single fields)',
      { varName: 'tone', varDefault: 'warm', varDescription: '' },
      { variables: { tone: { default: 'warm' } } },
    ],
    [
      'a required row keeps its description, trimmed',
      { varName: ['who'], varDefault: [''], varDescription: [' the caller '], varRequired: ['who'] },
      { variables: { who: { description: 'the caller' } } },
    ],
    ['an empty row declares nothing', { varName: ['typo'], varDefault: [''], varDescription: ['ignored'] }, { variables: {} }],
    [
      'a default wins over the box',
      { varName: ['a'], varDefault: ['x'], varDescription: [''], varRequired: ['a'] },
      { variables: { a: { default: 'x' } } },
    ],
    ['a blank default is a default', { varName: ['a'], varDefault: [' '], varDescription: [''] }, { variables: { a: { default: ' ' } } }],
    ['a row with no name is skipped', { varName: [' '], varDefault: ['x'], varDescription: [''] }, { variables: {} }],
    ['a name twice', { varName: ['a', 'a'], varDefault: ['1', '2'], varDescription: ['', ''] }, { problem: 'variables: "a" has two rows' }],
    [
      'a missing field',
      { varName: ['a', 'b'], varDefault: ['1'], varDescription: ['', ''] },
      { problem: expect.stringContaining('some are missing') },
    ],
    [
      'not a name',
      { varName: ['1bad'], varDefault: ['x'], varDescription: [''] },
      { problem: expect.stringContaining('"1bad" is not a variable name') },
    ],
    [
      '__proto__ is refused by name',
      { varName: ['__proto__'], varDefault: ['x'], varDescription: [''] },
      { problem: expect.stringContaining('"__proto__"') },
    ],
    [
      'a default too long',
      { varName: ['a'], varDefault: ['d'.repeat(501)], varDescription: [''] },
      { problem: expect.stringContaining('at most 500') },
    ],
  ])('%s', (_name, fields, expected) => {
    expect(formVariables(fields)).toEqual(expected);
  });

  it('refuses more rows than a version may declare before reading them', () => {
    const names = Array.from({ length: 33 }, (_, i) => `v${i}`);
    expect(formVariables({ varName: names, varDefault: names, varDescription: names })).toEqual({
      problem: 'variables must declare at most 32 variables (got 33)',
    });
  });

  it('keeps what was typed, judged or not, for a re-shown form', () => {
    expect(typedVariables({ varName: ['a'], varDefault: ['d'.repeat(501)], varDescription: [''] })).toEqual({
      variables: { a: { default: 'd'.repeat(501) } },
    });
  });

  it('has a row per placeholder in order of first use, filled from what is declared', () => {
    const rows = variableRows('Hi {{b}}, {{a}} and {{ b }} {{{{literal}}}}', {
      a: { default: 'x', description: 'A' },
      b: {},
      unused: { default: 'u' },
    });
    expect(rows).toEqual([
      { name: 'b', default: '', description: '', required: true, declared: true },
      { name: 'a', default: 'x', description: 'A', required: false, declared: true },
    ]);
    expect(variableRows('Hi {{new}}', {})).toEqual([{ name: 'new', default: '', description: '', required: false, declared: false }]);
  });
});
