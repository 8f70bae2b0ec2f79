import type { WireRequest } from './wire.js';

/**
 * What the fuzzer finds today that is being fixed on another branch. A match
 * is counted and shown in the run's summary instead of failing it, so CI
 * stays green meanwhile; once the fix is merged, delete its entry and the
 * fuzzer holds the line from then on. Keep each entry as narrow as the bug.
 */
export interface KnownFinding {
  id: string;
  /** Where it is being fixed, and what the fix is. */
  fix: string;
  /** The requests it concerns. */
  request(wire: WireRequest): boolean;
  /** The runner's problem text it explains. */
  problem: RegExp;
  /** For a known hang: give up this soon instead of spending the usual timeout on it. */
  timeoutMs?: number;
}

// Empty: every finding so far is fixed. A new one goes here only while its fix is on another branch.
export const KNOWN_FINDINGS: readonly KnownFinding[] = [];

/** The known finding that explains `problem` for this request, if any. */
export function knownFinding(wire: WireRequest, problem: string): KnownFinding | undefined {
  return KNOWN_FINDINGS.find((k) => k.request(wire) && k.problem.test(problem));
}

/** How long to wait for an answer: shorter when the request is one a known hang concerns. */
export function answerTimeout(wire: WireRequest, usual: number): number {
  return Math.min(usual, ...KNOWN_FINDINGS.filter((k) => k.timeoutMs !== undefined && k.request(wire)).map((k) => k.timeoutMs as number));
}
