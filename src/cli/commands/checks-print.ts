import type { Check } from '../../protocol/checks.js';
import type { Output } from '../output.js';

/** Prints each check as `path:line:column level code message`, the shape editors and CI annotations read. */
export function printChecks(out: Output, path: string, checks: readonly Check[]): void {
  for (const c of checks) {
    const where = c.where ? `:${c.where.line}:${c.where.column}` : '';
    const level = c.level === 'error' ? out.paint('error', 'red') : out.paint('warning', 'yellow');
    out.line(`${path}${where} ${level} ${c.code} ${c.message}`);
  }
}
