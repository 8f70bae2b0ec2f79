// The architecture's arrows, checked by `npm run deps` (dependency-cruiser) on every `npm test`.
// test/boundaries.spec.ts proves each rule fires on a violating import.
//
//  client side   src/client/ (the published client library), src/worker/ (the LiveKit agent worker),
//                src/cli/ (a CLI built on the client), src/livekit/ (to come)
//  protocol      src/protocol/: the wire types and pure functions both sides share
//  server        everything else in src/
//  stream/, webhooks/ reach the store only through its port (prompt-store.ts, change-signal.ts, label-view.ts), never a backend.

/** Paths of the client side; they may import each other and src/protocol/. */
const CLIENT_SIDE = '^src/(client|worker|cli|livekit)/';
/** What the client side may import from src/: itself and the protocol. */
const CLIENT_SIDE_OR_PROTOCOL = '^src/(client|worker|cli|livekit|protocol)/';
/** Tests: the test tree and spec files next to the code. */
const TESTS = ['^test/', '[.]spec[.]ts$'];
/** The store backends; store.module.ts is the one place that chooses between them. */
const STORE_BACKENDS = ['sqlite', 'postgres'];
/**
 * npm packages src/protocol/ may import at run time: each must be free of side effects on import
 * (package.json `"sideEffects": false` and no work at module top level). Empty: the protocol needs none yet.
 */
const SIDE_EFFECT_FREE_PACKAGES = [];
/** Every kind of dependency dependency-cruiser gives to something that is not in this repository and not a Node builtin. */
const PACKAGE_DEPENDENCY_TYPES = [
  'npm',
  'npm-dev',
  'npm-optional',
  'npm-peer',
  'npm-bundled',
  'npm-no-pkg',
  'npm-unknown',
  'unknown',
  'undetermined',
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'client-side-imports-no-server-code',
      comment:
        'src/client/, src/worker/, src/cli/ and src/livekit/ run in other processes than the server and must not pull server code in ' +
        '(Nest modules, the store, config). They may import each other and src/protocol/; the shared wire types belong in src/protocol/.',
      severity: 'error',
      from: { path: CLIENT_SIDE },
      to: { path: '^src/', pathNot: CLIENT_SIDE_OR_PROTOCOL },
    },
    {
      name: 'client-library-imports-no-application',
      comment:
        'src/client/ is the library the worker, the CLI and the LiveKit integration are built on (published as ./client); ' +
        'it must not import them back.',
      severity: 'error',
      from: { path: '^src/client/' },
      to: { path: '^src/(worker|cli|livekit)/' },
    },
    {
      name: 'protocol-imports-no-other-src',
      comment: 'src/protocol/ is pure types and functions shared by server and client; it imports nothing else from src/.',
      severity: 'error',
      from: { path: '^src/protocol/' },
      to: { path: '^src/', pathNot: '^src/protocol/' },
    },
    {
      name: 'protocol-imports-no-packages-with-side-effects',
      comment:
        'src/protocol/ may import Node builtins (node:crypto, ...) and type-only imports; at run time, no npm package ' +
        'unless it is listed in SIDE_EFFECT_FREE_PACKAGES in .dependency-cruiser.cjs.',
      severity: 'error',
      from: { path: '^src/protocol/' },
      to: {
        dependencyTypes: PACKAGE_DEPENDENCY_TYPES,
        dependencyTypesNot: ['type-only'],
        ...(SIDE_EFFECT_FREE_PACKAGES.length > 0 ? { pathNot: `node_modules/(${SIDE_EFFECT_FREE_PACKAGES.join('|')})/` } : {}),
      },
    },
    {
      name: 'stream-and-webhooks-only-through-changes-and-the-store-port',
      comment:
        'src/stream/ and src/webhooks/ deliver changes; they depend on src/changes/, src/protocol/, the store port ' +
        '(src/store/prompt-store.ts, src/store/change-signal.ts, src/store/label-view.ts) and the cross-cutting infrastructure (config, metrics, auth, ' +
        'openapi, common, logging), never on a store backend, store.module.ts, the prompts feature, or each other.',
      severity: 'error',
      from: { path: '^src/(stream|webhooks)/' },
      to: {
        path: '^src/',
        pathNot: [
          '^src/$1/',
          '^src/(changes|protocol|config|metrics|auth|openapi|common|logging)/',
          '^src/store/(prompt-store|change-signal|label-view)[.]ts$',
        ],
      },
    },
    ...STORE_BACKENDS.map((backend) => ({
      name: `store-${backend}-only-through-store-module`,
      comment:
        `src/store/${backend}/ is a store backend: only src/store/store.module.ts (the one place that picks the backend), ` +
        `files in src/store/${backend}/ and tests import it; everything else uses the store port.`,
      severity: 'error',
      from: { pathNot: ['^src/store/store[.]module[.]ts$', `^src/store/${backend}/`, ...TESTS] },
      to: { path: `^src/store/${backend}/` },
    })),
    {
      name: 'no-circular',
      comment: 'No import cycles in src/: a cycle makes load order matter (undefined classes in Nest providers and decorator metadata).',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'src-imports-no-tests-or-benchmarks',
      comment: 'src/ is what ships; it never imports test/ or bench/.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing is a typo or a missing dependency.',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: ['node_modules'] },
    exclude: { path: ['^(dist|coverage|data)/'] },
    // Type-only imports are dependencies too (and a type used in a Nest constructor is a run-time import via decorator metadata).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
  },
};
