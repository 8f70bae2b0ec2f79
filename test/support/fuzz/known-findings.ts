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

const STREAM_PATH = /^\/api\/prompts\/stream\/?(\?|$)/i;

export const KNOWN_FINDINGS: readonly KnownFinding[] = [
  {
    id: 'invalid-unicode-stored',
    fix: 'invalid UTF-8 and lone surrogates in any string field are refused with a 400 (the body parser turns them into U+FFFD today)',
    request: (wire) => wire.invalidUnicode,
    problem: /^accepted text that is not well-formed Unicode/,
  },
  {
    id: 'head-on-stream-hangs',
    fix: 'src/stream/: a HEAD on the stream is answered (Node never sends the headers of a HEAD the hub only write()s to, so the client waits for ever and the hub holds a stream slot)',
    request: (wire) => wire.method === 'HEAD' && STREAM_PATH.test(wire.path),
    problem: /^no answer within/,
    timeoutMs: 1500,
  },
];

/** The known finding that explains `problem` for this request, if any. */
export function knownFinding(wire: WireRequest, problem: string): KnownFinding | undefined {
  return KNOWN_FINDINGS.find((k) => k.request(wire) && k.problem.test(problem));
}

/** How long to wait for an answer: shorter when the request is one a known hang concerns. */
export function answerTimeout(wire: WireRequest, usual: number): number {
  return Math.min(usual, ...KNOWN_FINDINGS.filter((k) => k.timeoutMs !== undefined && k.request(wire)).map((k) => k.timeoutMs as number));
}
