import hbs from 'hbs';

/**
 * Unicode direction controls: invisible, yet an override or embedding in a
 * commit message reorders the text after it ("fix <U+202E>gnp.exe" reads "fix exe.png"),
 * and a mark flips the side neutral characters attach to. The admin pages show
 * each as a visible marker; the stored text is never changed.
 */
const NAMES: Record<string, string> = {
  '\u061c': 'ARABIC LETTER MARK',
  '\u200e': 'LEFT-TO-RIGHT MARK',
  '\u200f': 'RIGHT-TO-LEFT MARK',
  '\u202a': 'LEFT-TO-RIGHT EMBEDDING',
  '\u202b': 'RIGHT-TO-LEFT EMBEDDING',
  '\u202c': 'POP DIRECTIONAL FORMATTING',
  '\u202d': 'LEFT-TO-RIGHT OVERRIDE',
  '\u202e': 'RIGHT-TO-LEFT OVERRIDE',
  '\u2066': 'LEFT-TO-RIGHT ISOLATE',
  '\u2067': 'RIGHT-TO-LEFT ISOLATE',
  '\u2068': 'FIRST STRONG ISOLATE',
  '\u2069': 'POP DIRECTIONAL ISOLATE',
};
const CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** "U+202E RIGHT-TO-LEFT OVERRIDE" */
function describe(control: string): string {
  const code = control.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0');
  return `U+${code} ${NAMES[control]}`;
}

/** Escaped HTML for `text`, each direction control replaced by a visible, titled marker. */
export function markedHtml(text: string): string {
  // Escape first, then mark: the markers are the only markup, and no escape touches a control.
  return hbs.handlebars.Utils.escapeExpression(text).replace(CONTROLS, (c) => {
    const label = describe(c);
    return `<span class="bidi" title="${label}">⟨${label.slice(0, label.indexOf(' '))}⟩</span>`;
  });
}

/** The distinct direction controls in `text`, described, in order of first appearance. */
export function directionControls(text: string): string[] {
  return [...new Set(text.match(CONTROLS) ?? [])].map(describe);
}
