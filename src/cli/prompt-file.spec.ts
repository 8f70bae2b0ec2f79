import fc from 'fast-check';
import { formatPromptFile, parsePromptFile, type PromptFile } from './prompt-file.js';

/** Any text a prompt can hold, weighted towards what careless tools change: line ends, blanks, `---` lines, emoji. */
const awkwardText = fc
  .array(
    fc.oneof(fc.string({ unit: 'grapheme' }), fc.constantFrom('\r\n', '\n', '\r', '  ', '\t', '---', '---\n', '\n---\n', '\uFEFF', '😀', 'ü', '')),
    {
      maxLength: 30,
    },
  )
  .map((parts) => parts.join('').replaceAll('\u0000', ''));

describe('a prompt file (KEY.md)', () => {
  it('gives back every text byte for byte, and its front matter', () => {
    fc.assert(
      fc.property(awkwardText, fc.option(fc.integer({ min: 1, max: 1e6 }), { nil: undefined }), (text, version) => {
        const file: PromptFile = {
          key: 'K',
          version,
          label: 'production',
          variables: { tone: { default: ` warm\r\n ${text.slice(0, 20)}`, description: '#: "x"' } },
          text,
        };
        const parsed = parsePromptFile(formatPromptFile(file), 'K');
        expect(parsed).toEqual({ ...file, ...(version === undefined ? {} : { version }) });
      }),
      { numRuns: 300 },
    );
  });

  it('says what is wrong with a file it cannot use', () => {
    expect(parsePromptFile('no front matter', 'K')).toEqual({ problem: expect.stringMatching(/no front matter/) });
    expect(parsePromptFile('---\nkey: [\n---\nx', 'K')).toEqual({ problem: expect.stringMatching(/not YAML/) });
    expect(parsePromptFile('---\nkey: K\nversion: 0\n---\nx', 'K')).toEqual({ problem: 'version must be a whole number from 1' });
    expect(parsePromptFile('---\nkey: K\nvariables:\n  tone:\n    default: 2026-01-01\n---\nx', 'K')).toEqual({
      problem: expect.stringMatching(/default must be a string.*quote/),
    });
  });
});
