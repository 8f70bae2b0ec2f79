import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Proves the import rules in .dependency-cruiser.cjs bite: the real config, run by the real CLI (as `npm run deps`
// does), over a small made-up tree that breaks every rule once and also makes the imports the rules allow.
// The expected violations are compared as an exact set, so a rule that stops firing, or one that starts to flag an
// allowed import, fails this test; and every rule in the config must be broken here, so a new rule needs a case.

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

/** The parts of dependency-cruiser's JSON output this test reads. */
interface CruiseResult {
  summary: { violations: { from: string; to: string; rule: { name: string } }[] };
}

/** Files of the made-up tree: path → lines. */
const FIXTURE: Record<string, string[]> = {
  'package.json': [JSON.stringify({ name: 'fixture', type: 'module', dependencies: { 'impure-pkg': '1.0.0' } })],
  'tsconfig.json': [
    JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', strict: true }, include: ['src', 'test'] }),
  ],
  'node_modules/impure-pkg/package.json': [JSON.stringify({ name: 'impure-pkg', version: '1.0.0', type: 'module', main: 'index.js' })],
  'node_modules/impure-pkg/index.js': ['globalThis.touched = true;', 'export const x = 1;'],

  // Server folders.
  'src/config/app-config.ts': ['export const config = {};'],
  'src/changes/change-sequencer.ts': ['export const sequence = 1;'],
  'src/prompts/prompts.service.ts': ["import { store } from '../store/postgres/postgres-prompt.store.js';", 'export const service = store;'],
  'src/store/prompt-store.ts': ['export interface PromptStore { revision(): number }'],
  'src/store/change-signal.ts': ['export const signal = 1;'],
  'src/store/store.module.ts': [
    "import { store as a } from './sqlite/sqlite-prompt.store.js';",
    "import { store as b } from './postgres/postgres-prompt.store.js';",
    'export const stores = [a, b];',
  ],
  'src/store/sqlite/sqlite-prompt.store.ts': ["import { migrations } from './sqlite.migrations.js';", 'export const store = migrations;'],
  'src/store/sqlite/sqlite.migrations.ts': ['export const migrations = [];'],
  'src/store/postgres/postgres-prompt.store.ts': ['export const store = 2;'],
  'src/common/a.ts': ["import { b } from './b.js';", 'export const a = () => b;'],
  'src/common/b.ts': ["import { a } from './a.js';", 'export const b = () => a;'],
  'src/health/health.service.ts': ["import { helper } from '../../test/support/helper.js';", 'export const health = helper;'],
  'src/health/typo.ts': ["import { nothing } from './no-such-file.js';", 'export const typo = nothing;'],

  // Client side: may import each other and the protocol.
  'src/client/prompt-client.ts': [
    "import { hub } from '../stream/stream-hub.js';",
    "import { wire } from '../protocol/wire.js';",
    'export const client = [hub, wire];',
  ],
  'src/client/uses-worker.ts': ["import { worker } from '../worker/main.js';", 'export const back = worker;'],
  'src/worker/main.ts': ["import { client } from '../client/prompt-client.js';", 'export const worker = client;'],
  'src/cli/watch.ts': [
    "import { client } from '../client/prompt-client.js';",
    "import { config } from '../config/app-config.js';",
    'export const cli = [client, config];',
  ],
  'src/livekit/bridge.ts': ["import { sequence } from '../changes/change-sequencer.js';", 'export const bridge = sequence;'],

  // Protocol: node builtins, type-only imports and its own files are fine; other src/ folders and impure packages are not.
  'src/protocol/wire.ts': [
    "import { createHash } from 'node:crypto';",
    "import type { x as X } from 'impure-pkg';",
    "export const wire = (s: string): string => createHash('sha256').update(s).digest('hex');",
    'export type Wire = typeof X;',
  ],
  'src/protocol/bad.ts': [
    "import { config } from '../config/app-config.js';",
    "import { x } from 'impure-pkg';",
    "import { wire } from './wire.js';",
    'export const bad = [config, x, wire];',
  ],

  // Stream and webhooks: their own folder, changes, protocol, the store port and infrastructure only.
  'src/stream/stream-hub.ts': [
    "import { sequence } from '../changes/change-sequencer.js';",
    "import type { PromptStore } from '../store/prompt-store.js';",
    "import { signal } from '../store/change-signal.js';",
    "import { config } from '../config/app-config.js';",
    "import { wire } from '../protocol/wire.js';",
    "import { frame } from './sse-frames.js';",
    "import { service } from '../prompts/prompts.service.js';",
    'export const hub = [sequence, signal, config, wire, frame, service];',
    'export type S = PromptStore;',
  ],
  'src/stream/sse-frames.ts': ['export const frame = 1;'],
  'src/webhooks/webhook-dispatcher.ts': [
    "import { hub } from '../stream/stream-hub.js';",
    "import { store } from '../store/sqlite/sqlite-prompt.store.js';",
    "import { stores } from '../store/store.module.js';",
    'export const dispatcher = [hub, store, stores];',
  ],

  // Tests may import a backend directly.
  'test/support/helper.ts': ['export const helper = 1;'],
  'test/sqlite-store.spec.ts': ["import { store } from '../src/store/sqlite/sqlite-prompt.store.js';", 'export const s = store;'],
};

/** Every violation the made-up tree must produce, as `rule: from → to`. */
const EXPECTED = [
  'client-side-imports-no-server-code: src/client/prompt-client.ts → src/stream/stream-hub.ts',
  'client-side-imports-no-server-code: src/cli/watch.ts → src/config/app-config.ts',
  'client-side-imports-no-server-code: src/livekit/bridge.ts → src/changes/change-sequencer.ts',
  'client-library-imports-no-application: src/client/uses-worker.ts → src/worker/main.ts',
  'protocol-imports-no-other-src: src/protocol/bad.ts → src/config/app-config.ts',
  'protocol-imports-no-packages-with-side-effects: src/protocol/bad.ts → node_modules/impure-pkg/index.js',
  'stream-and-webhooks-only-through-changes-and-the-store-port: src/stream/stream-hub.ts → src/prompts/prompts.service.ts',
  'stream-and-webhooks-only-through-changes-and-the-store-port: src/webhooks/webhook-dispatcher.ts → src/stream/stream-hub.ts',
  'stream-and-webhooks-only-through-changes-and-the-store-port: src/webhooks/webhook-dispatcher.ts → src/store/sqlite/sqlite-prompt.store.ts',
  'stream-and-webhooks-only-through-changes-and-the-store-port: src/webhooks/webhook-dispatcher.ts → src/store/store.module.ts',
  'store-sqlite-only-through-store-module: src/webhooks/webhook-dispatcher.ts → src/store/sqlite/sqlite-prompt.store.ts',
  'store-postgres-only-through-store-module: src/prompts/prompts.service.ts → src/store/postgres/postgres-prompt.store.ts',
  // One report per cycle, at the import that closes it.
  'no-circular: src/common/a.ts → src/common/b.ts',
  'src-imports-no-tests-or-benchmarks: src/health/health.service.ts → test/support/helper.ts',
  'not-to-unresolvable: src/health/typo.ts → ./no-such-file.js',
];

/** Runs depcruise like `npm run deps`, with the project's config, in `cwd`; resolves with its JSON result whatever the exit code. */
function depcruise(cwd: string): Promise<CruiseResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [DEPCRUISE, 'src', 'test', '--config', CONFIG, '--output-type', 'json'],
      { cwd, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        try {
          resolve(JSON.parse(stdout) as CruiseResult);
        } catch {
          reject(new Error(`depcruise printed no JSON (${error?.message ?? 'exit 0'}): ${stderr}`));
        }
      },
    );
  });
}

function ruleNames(): string[] {
  const config = createRequire(import.meta.url)(CONFIG) as { forbidden: { name: string }[] };
  return config.forbidden.map((r) => r.name).sort();
}

describe('Import boundaries (.dependency-cruiser.cjs)', () => {
  let dir: string;
  let found: string[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'promptcast-boundaries-'));
    for (const [path, lines] of Object.entries(FIXTURE)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), `${lines.join('\n')}\n`);
    }
    const result = await depcruise(dir);
    found = result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports exactly the forbidden imports of the made-up tree, and none of the allowed ones', () => {
    expect(found).toEqual([...EXPECTED].sort());
  });

  it('has a violating case for every rule in the config', () => {
    const fired = new Set(EXPECTED.map((e) => e.slice(0, e.indexOf(':'))));
    expect([...fired].sort()).toEqual(ruleNames());
  });
});
