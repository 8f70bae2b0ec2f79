// Runs a server build (PROMPTCAST_MAIN, default dist/main.js) and forces a full
// garbage collection on SIGWINCH (a signal Nest's shutdown hooks leave alone), so a benchmark can read RSS "after GC".
// Start it with node --expose-gc.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

process.on('SIGWINCH', () => globalThis.gc?.());
await import(pathToFileURL(resolve(process.env.PROMPTCAST_MAIN ?? 'dist/main.js')).href);
