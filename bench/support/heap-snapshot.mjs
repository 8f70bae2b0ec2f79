// Reads a V8 .heapsnapshot file (the JSON that DevTools and
// --heapsnapshot-signal write) into what a per-type summary needs: every
// node's type, name and self size. The file is read in chunks and the `nodes`
// array parsed straight into a typed array, so a snapshot of 10k connections
// (hundreds of MB) never becomes one JS string; `edges` are skipped (self sizes
// need no graph) and only the `strings` table is JSON-parsed on its own.
import { closeSync, openSync, readSync } from 'node:fs';

const CHUNK = 8 * 2 ** 20;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const CLOSE_BRACKET = 0x5d;

/** Reads `path` chunk by chunk; `next()` gives the next byte or -1 at the end. */
function byteReader(path) {
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(CHUNK);
  let len = 0;
  let pos = 0;
  let fileOffset = 0;
  const fill = () => {
    len = readSync(fd, buf, 0, CHUNK, fileOffset);
    fileOffset += len;
    pos = 0;
    return len > 0;
  };
  return {
    next() {
      if (pos >= len && !fill()) return -1;
      return buf[pos++];
    },
    /** Skips past the first occurrence of `marker`; with `keep`, returns the bytes up to and including it. */
    until(marker, keep = false) {
      const want = Buffer.from(marker);
      const kept = [];
      let matched = 0;
      for (;;) {
        const b = this.next();
        if (b === -1) throw new Error(`heap snapshot ${path}: "${marker}" not found`);
        if (keep) kept.push(b);
        // The markers searched for (`"nodes":[`, `"strings":[`) have no repeated prefix, so a plain restart is exact.
        matched = b === want[matched] ? matched + 1 : b === want[0] ? 1 : 0;
        if (matched === want.length) return Buffer.from(kept);
      }
    },
    /** Everything left in the file. */
    rest() {
      const parts = [buf.subarray(pos, len)].map((b) => Buffer.from(b));
      while (fill()) parts.push(Buffer.from(buf.subarray(0, len)));
      return Buffer.concat(parts);
    },
    close: () => closeSync(fd),
  };
}

/** Parses a flat array of non-negative integers up to its `]` into `out`; returns how many were read. */
function readIntegers(reader, out) {
  let count = 0;
  let value = 0;
  let inNumber = false;
  for (;;) {
    const b = reader.next();
    if (b === -1) throw new Error('heap snapshot: number array not closed');
    if (b >= DIGIT_0 && b <= DIGIT_9) {
      value = value * 10 + (b - DIGIT_0);
      inNumber = true;
      continue;
    }
    if (inNumber) {
      if (out) out[count] = value;
      count++;
      value = 0;
      inNumber = false;
    }
    if (b === CLOSE_BRACKET) return count;
  }
}

/**
 * Loads the snapshot at `path`. Returns
 * `{ nodeCount, types: string[], typeOf(i), nameOf(i), selfSizeOf(i) }`
 * where `types` is meta.node_types[0] (hidden, array, string, object, code,
 * closure, …) and `i` is a node index.
 */
export function readHeapSnapshot(path) {
  const reader = byteReader(path);
  try {
    const header = reader.until('"nodes":[', true).toString('utf8');
    // `{"snapshot":{…},\n"nodes":[` → the snapshot object on its own.
    const snapshot = JSON.parse(`${header.slice(0, header.lastIndexOf(',')).trim()}}`).snapshot;
    const fields = snapshot.meta.node_fields;
    const stride = fields.length;
    const nodes = new Uint32Array(snapshot.node_count * stride);
    const read = readIntegers(reader, nodes);
    if (read !== nodes.length) throw new Error(`heap snapshot ${path}: ${read} node fields, expected ${nodes.length}`);
    reader.until('"strings":[');
    // The strings table runs to the end: `[…]}` → JSON.parse of `[…]`.
    const tail = reader.rest().toString('utf8');
    const strings = JSON.parse(`[${tail.slice(0, tail.lastIndexOf(']') + 1)}`);
    const typeField = fields.indexOf('type');
    const nameField = fields.indexOf('name');
    const sizeField = fields.indexOf('self_size');
    return {
      nodeCount: snapshot.node_count,
      types: snapshot.meta.node_types[0],
      typeOf: (i) => nodes[i * stride + typeField],
      nameOf: (i) => strings[nodes[i * stride + nameField]],
      selfSizeOf: (i) => nodes[i * stride + sizeField],
    };
  } finally {
    reader.close();
  }
}

// How nodes are grouped, close to DevTools' "Summary" view: objects by their
// constructor, closures by function name, all strings together; V8's internal
// ("hidden") nodes and the embedder's native nodes by name.
const GROUP_BY_TYPE = {
  string: () => '(string)',
  'concatenated string': () => '(string)',
  'sliced string': () => '(string)',
  number: () => '(heap number)',
  code: () => '(compiled code)',
  symbol: () => '(symbol)',
  bigint: () => '(bigint)',
  regexp: () => '(regexp)',
  closure: (name) => `(closure) ${name || '(anonymous)'}`,
  array: (name) => `(array) ${name}`,
  'object shape': (name) => `(object shape) ${name}`,
};

/**
 * Per-group `{count, bytes, native}` of one snapshot, plus totals. `native`
 * marks groups of the embedder's native nodes (Node's C++ objects as it
 * reports them, e.g. the TCP handle wrap): these are not JS heap.
 */
export function summarise(snap) {
  const groups = new Map();
  let jsBytes = 0;
  let nativeBytes = 0;
  for (let i = 0; i < snap.nodeCount; i++) {
    const type = snap.types[snap.typeOf(i)];
    if (type === 'synthetic') continue;
    const name = snap.nameOf(i);
    const key = GROUP_BY_TYPE[type]?.(name) ?? (type === 'native' ? `(native) ${name}` : name);
    const size = snap.selfSizeOf(i);
    let g = groups.get(key);
    if (!g) {
      g = { count: 0, bytes: 0, native: type === 'native' };
      groups.set(key, g);
    }
    g.count++;
    g.bytes += size;
    if (type === 'native') nativeBytes += size;
    else jsBytes += size;
  }
  return { groups, jsBytes, nativeBytes };
}

/**
 * The difference of two summaries (after − before), per connection: rows
 * `{name, count, bytes, native}` where count and bytes are divided by `n`,
 * sorted by bytes per connection, largest first.
 */
export function perConnection(before, after, n) {
  const names = new Set([...before.groups.keys(), ...after.groups.keys()]);
  const rows = [];
  for (const name of names) {
    const a = after.groups.get(name) ?? { count: 0, bytes: 0, native: false };
    const b = before.groups.get(name) ?? { count: 0, bytes: 0, native: a.native };
    rows.push({ name, count: (a.count - b.count) / n, bytes: (a.bytes - b.bytes) / n, native: a.native || b.native });
  }
  rows.sort((x, y) => y.bytes - x.bytes);
  return {
    rows,
    jsBytes: (after.jsBytes - before.jsBytes) / n,
    nativeBytes: (after.nativeBytes - before.nativeBytes) / n,
  };
}
