/** Samples of a Prometheus text exposition, keyed `name{label="v",...}` exactly as written. */
export type Samples = Map<string, number>;

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = `[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"`;
// Prometheus parses values with Go's ParseFloat, which takes NaN and Inf in any case (prom-client writes `Nan`).
const VALUE = '[-+]?(?:\\d+(?:\\.\\d*)?(?:[eE][-+]?\\d+)?|[Ii]nf|[Nn]a[Nn])';
const SAMPLE = new RegExp(`^(${NAME})(\\{(?:${LABEL}(?:,${LABEL})*)?,?\\})? (${VALUE})(?: -?\\d+)?$`);
const HELP = new RegExp(`^# HELP ${NAME} .*$`);
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);

/**
 * Parses the text format (version 0.0.4) strictly: every line must be a HELP,
 * a TYPE or a sample, and every sample's family must have been TYPEd first.
 * Throws naming the first line that is not.
 */
export function parsePrometheus(text: string): Samples {
  const samples: Samples = new Map();
  const typed = new Set<string>();
  for (const [i, line] of text.split('\n').entries()) {
    if (line === '' || HELP.test(line)) continue;
    const type = TYPE.exec(line);
    if (type) {
      typed.add(type[1]);
      continue;
    }
    const sample = SAMPLE.exec(line);
    if (!sample) throw new Error(`line ${i + 1} is not Prometheus text: ${JSON.stringify(line)}`);
    const family = sample[1].replace(/_(bucket|sum|count)$/, '');
    if (!typed.has(sample[1]) && !typed.has(family)) throw new Error(`line ${i + 1}: ${sample[1]} has no # TYPE before it`);
    samples.set(`${sample[1]}${sample[2] ?? ''}`, toNumber(sample[3]));
  }
  return samples;
}

function toNumber(value: string): number {
  if (/nan/i.test(value)) return NaN;
  return Number(value.replace(/inf/i, 'Infinity'));
}

/** One sample's value (0 when absent, as Prometheus reads a missing counter); labels in the order they are written. */
export function sample(samples: Samples, name: string, labels: Record<string, string> = {}): number {
  const entries = Object.entries(labels);
  const key = entries.length === 0 ? name : `${name}{${entries.map(([k, v]) => `${k}="${v}"`).join(',')}}`;
  return samples.get(key) ?? 0;
}

/** Fetches and parses `/metrics`. */
export async function scrape(baseUrl: string): Promise<Samples> {
  const res = await fetch(`${baseUrl}/metrics`);
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  return parsePrometheus(await res.text());
}
