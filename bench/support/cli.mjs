// Command-line helpers for the benchmark scripts.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `--name=value` from argv, or `fallback`. */
export function option(argv, name, fallback) {
  return argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
}

/** True when the module at `moduleUrl` is the script node was started with (not imported by the runner). */
export function isMain(moduleUrl) {
  return Boolean(process.argv[1]) && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(moduleUrl));
}
