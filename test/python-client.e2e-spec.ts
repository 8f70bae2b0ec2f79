import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

// The Python client's suite (clients/python, standard library unittest), one
// file per test here so a failure names its file. Each file starts the real
// server it needs (`node dist/main.js`, built by test/support/build-once.ts)
// on its own SQLite file. The exact count of tests each file ran is asserted,
// so a file that stops finding its tests fails instead of passing empty.
// python3 is on every machine this runs on; without it these fail, they do not skip.
const PYTHON_DIR = join(process.cwd(), 'clients', 'python');
const EXPECTED: Record<string, number> = {
  'test_backoff.py': 3,
  'test_chaos.py': 1,
  'test_client_server.py': 13,
  'test_compat.py': 4,
  'test_livekit.py': 4,
  // Needs the rollouts API of Step 5 (POST /api/prompts/:key/rollouts): it fails until that is merged.
  'test_rollout_agreement.py': 2,
  'test_rollout_offer.py': 3,
  'test_sse.py': 8,
  'test_vectors.py': 5,
};

interface Run {
  code: number | null;
  output: string;
}

function runPython(file: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const { NODE_OPTIONS: _, DATABASE_URL: __, ...env } = process.env;
    const child = spawn('python3', ['-m', 'unittest', 'discover', '-v', '-s', PYTHON_DIR, '-t', PYTHON_DIR, '-p', file], {
      cwd: process.cwd(),
      env: { ...env, PROMPTCAST_TEST_NODE: process.execPath, PYTHONDONTWRITEBYTECODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('the Python client (clients/python)', () => {
  it('lists every test file of the suite here', () => {
    const files = readdirSync(join(PYTHON_DIR, 'tests')).filter((name) => /^test.*\.py$/.test(name));
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))(
    '%s passes, running exactly %i tests',
    async (file, count) => {
      const run = await runPython(file);
      const ran = /^Ran (\d+) tests? in /m.exec(run.output);
      expect({ file, code: run.code, ran: ran ? Number(ran[1]) : null, tail: run.code === 0 ? '' : run.output.slice(-6000) }).toEqual({
        file,
        code: 0,
        ran: count,
        tail: '',
      });
    },
    300_000,
  );
});
