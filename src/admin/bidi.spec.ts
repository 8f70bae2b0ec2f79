import { directionControls, markedHtml } from './bidi.js';
import { marked, user } from './view-helpers.js';

describe('direction controls in user text', () => {
  const ALL = '\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069';

  it('escapes the text first, then replaces each control with a visible, titled marker', () => {
    expect(markedHtml('<b>fix</b> \u202egnp.exe & "more"')).toBe(
      '&lt;b&gt;fix&lt;/b&gt; <span class="bidi" title="U+202E RIGHT-TO-LEFT OVERRIDE">⟨U+202E⟩</span>gnp.exe &amp; &quot;more&quot;',
    );
  });

  it('marks every embedding, override, isolate and mark, and nothing else', () => {
    const html = markedHtml(ALL);
    expect(html.match(/<span class="bidi"/g)).toHaveLength(12);
    expect(html).not.toMatch(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
    // Right-to-left letters, joiners and ordinary punctuation are text, not controls.
    expect(markedHtml('שלום مرحبا a\u200db ‹›')).toBe('שלום مرحبا a\u200db ‹›');
  });

  it('names the distinct controls in a text, in order of appearance', () => {
    expect(directionControls(`a\u202eb\u2066c\u202ed`)).toEqual(['U+202E RIGHT-TO-LEFT OVERRIDE', 'U+2066 LEFT-TO-RIGHT ISOLATE']);
    expect(directionControls(ALL)).toHaveLength(12);
    expect(directionControls('plain')).toEqual([]);
  });

  it('isolates with <bdi> in the user helper, and leaves isolation to the element with marked', () => {
    expect(user('\u202eabc').toHTML()).toBe('<bdi><span class="bidi" title="U+202E RIGHT-TO-LEFT OVERRIDE">⟨U+202E⟩</span>abc</bdi>');
    expect(marked('<x>').toHTML()).toBe('&lt;x&gt;');
    expect(user(undefined).toHTML()).toBe('<bdi></bdi>');
  });
});
