/**
 * What a command prints: plain lines for people by default; with `--json`
 * nothing but one JSON document on stdout at the end, for scripts. Progress
 * and notes go to stderr either way, so stdout stays parseable.
 */
export class Output {
  constructor(
    readonly json: boolean,
    /** ANSI colour: on a TTY unless NO_COLOR is set or --no-color was given. */
    readonly color: boolean,
    private readonly stdout: (text: string) => void = (text) => process.stdout.write(text),
    private readonly stderr: (text: string) => void = (text) => process.stderr.write(text),
  ) {}

  /** A line for people; silent under --json. */
  line(text = ''): void {
    if (!this.json) this.stdout(`${text}\n`);
  }

  /** A note or progress line on stderr. */
  note(text: string): void {
    this.stderr(`${text}\n`);
  }

  /** The command's result: printed only under --json. */
  result(value: unknown): void {
    if (this.json) this.stdout(`${JSON.stringify(value, null, 2)}\n`);
  }

  paint(text: string, code: 'red' | 'green' | 'yellow' | 'cyan' | 'bold'): string {
    const codes = { red: 31, green: 32, yellow: 33, cyan: 36, bold: 1 };
    return this.color ? `\u001b[${codes[code]}m${text}\u001b[0m` : text;
  }
}

/** Exit codes: 0 done, 1 a finding (a difference, a conflict, check errors, a refusal), 2 a usage or connection error. */
export const EXIT = { ok: 0, finding: 1, usage: 2 } as const;
