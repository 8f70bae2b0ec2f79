import { ADMIN, AGENT } from '../auth.js';
import type { Answer } from './sender.js';
import type { WireRequest } from './wire.js';

/** Secrets and files no answer may ever contain. */
const NEVER_SHOWN: [string, string][] = [
  [ADMIN.secret, 'the admin token'],
  [AGENT.secret, 'the agent token'],
  ['"devDependencies"', 'package.json'],
  ['root:x:0:0', '/etc/passwd'],
  ['node_modules/', 'a stack trace or file path'],
];

/**
 * What is wrong with one answer on its own (the store's revision is checked
 * by the caller): a 5xx, a JSON API error that is not `{statusCode, error,
 * message}`, or a leaked secret. Empty when all is well.
 */
export function problemsWith(wire: WireRequest, answer: Answer): string[] {
  const problems: string[] = [];
  if (answer.status >= 500) problems.push(`answered ${answer.status}`);
  if (answer.status < 100 || answer.status > 599) problems.push(`answered a status that is not HTTP: ${answer.status}`);
  if (answer.status >= 400 && wire.method !== 'HEAD') problems.push(...errorBodyProblems(wire, answer));
  const text = answer.body.toString('utf8');
  for (const [needle, what] of NEVER_SHOWN) if (text.includes(needle)) problems.push(`the answer shows ${what}`);
  return problems;
}

/** A JSON API error (or any error sent as JSON) is exactly `{statusCode, error, message}`; elsewhere an HTML page will do. */
function errorBodyProblems(wire: WireRequest, answer: Answer): string[] {
  const type = String(answer.headers['content-type'] ?? '');
  const json = /^application\/json/.test(type);
  if (!json) {
    const isApi = /^\/api(\/|$|\?)/.test(wire.path);
    if (isApi) return [`a JSON API ${answer.status} came as ${JSON.stringify(type)}, not JSON`];
    return /^text\/html/.test(type) ? [] : [`a ${answer.status} came as ${JSON.stringify(type)}, neither JSON nor an HTML page`];
  }
  let body: unknown;
  try {
    body = JSON.parse(answer.body.toString('utf8'));
  } catch {
    return [`a ${answer.status} has a JSON content type but its body is not JSON`];
  }
  return isErrorBody(body, answer.status)
    ? []
    : [`a ${answer.status} JSON body is not {statusCode, error, message}: ${answer.body.toString('utf8').slice(0, 200)}`];
}

function isErrorBody(body: unknown, status: number): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const { statusCode, error, message, ...rest } = body as Record<string, unknown>;
  return statusCode === status && typeof error === 'string' && typeof message === 'string' && message !== '' && Object.keys(rest).length === 0;
}

/** Methods that must never change anything, whatever they are answered. */
export function isSafeMethod(method: string): boolean {
  return ['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND', 'SEARCH'].includes(method);
}
