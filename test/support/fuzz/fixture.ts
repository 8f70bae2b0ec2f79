import { ADMIN, bearer } from '../auth.js';
import { FIXTURE_KEYS } from './values.js';
import type { FuzzContext } from './wire.js';

const admin = bearer(ADMIN.secret);

async function call(url: string, path: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(`${url}${path}`, { redirect: 'manual', ...init });
  if (res.status >= 400) throw new Error(`fuzz fixture: ${init.method ?? 'GET'} ${path} answered ${res.status}: ${await res.text()}`);
  return res;
}

const json = (method: string, body: unknown): RequestInit => ({
  method,
  headers: { ...admin, 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});

/**
 * The data every run starts from: AGENT with three versions, SESSION with
 * one, GONE created and deleted (so history, diffs, rollbacks and restores
 * all have something to work on); FRESH is left for the fuzzer to create.
 */
export async function seedPrompts(url: string): Promise<void> {
  await call(url, '/api/prompts', json('POST', { key: 'AGENT', text: 'You are Friday.' }));
  await call(url, '/api/prompts/AGENT', json('PUT', { text: 'You are Friday.\nBe brief.', message: 'shorter' }));
  await call(url, '/api/prompts/AGENT', json('PUT', { text: 'You are Friday.\nBe brief. \u{1F399}', message: 'emoji' }));
  await call(url, '/api/prompts', json('POST', { key: 'SESSION', text: 'Greet the caller.' }));
  await call(url, '/api/prompts', json('POST', { key: 'GONE', text: 'Soon deleted.' }));
  await call(url, '/api/prompts/GONE', { method: 'DELETE', headers: admin });
}

/** Signs in through the login form, as a browser does, and collects the CSRF id and the two tokens the fuzzer needs. */
export async function signIn(url: string): Promise<FuzzContext> {
  const loginPage = await call(url, '/login', { headers: { Accept: 'text/html' } });
  const csrfId = cookieOf(loginPage, 'promptcast_csrf');
  const anonymous = formToken(await loginPage.text());
  const form = new URLSearchParams({ _csrf: anonymous, token: ADMIN.secret });
  const login = await call(url, '/login', {
    method: 'POST',
    headers: { Cookie: `promptcast_csrf=${csrfId}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  const session = cookieOf(login, 'promptcast_session');
  const page = await call(url, '/prompts/new', { headers: { Cookie: `promptcast_csrf=${csrfId}; promptcast_session=${session}` } });
  return { session, csrfId, csrfTokens: { anonymous, session: formToken(await page.text()) } };
}

function cookieOf(res: Response, name: string): string {
  const line = res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  if (!line) throw new Error(`fuzz fixture: no ${name} cookie in the answer`);
  return line.slice(name.length + 1, line.indexOf(';'));
}

function formToken(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('fuzz fixture: the page carries no CSRF token');
  return token;
}

/** What the store holds, as far as the fuzzer needs it: the revision (every stored change moves it) and the fixture prompts' versions. */
export interface StoreState {
  revision: number;
  versions: ReadonlyMap<string, number>;
}

export async function storeState(url: string): Promise<StoreState> {
  // Only the fixture's keys (the ones clean requests mostly name): the body stays small however many prompts the run creates.
  const { revision, prompts } = (await (await call(url, `/api/prompts?keys=${FIXTURE_KEYS.join(',')}`, { headers: admin })).json()) as {
    revision: number;
    prompts: { key: string; version: number }[];
  };
  return { revision, versions: new Map(prompts.map((p) => [p.key, p.version])) };
}

/** The fleet roster (kept in memory, not in the store), without the `behind` flags that follow the revision. */
export async function roster(url: string): Promise<string> {
  const { agents } = (await (await call(url, '/api/agents', { headers: admin })).json()) as { agents: Record<string, unknown>[] };
  return JSON.stringify(agents.map(({ behind: _, ...agent }) => agent));
}

/** True when the liveness probe answers 200. */
export async function isAlive(url: string): Promise<boolean> {
  return (await fetch(`${url}/health`).catch(() => undefined))?.status === 200;
}

/** Open event streams, as the server counts them. */
export async function openStreams(url: string): Promise<number> {
  const text = await (await call(url, '/metrics', { headers: admin })).text();
  return Number(/^promptcast_stream_subscribers (\d+)/m.exec(text)?.[1] ?? NaN);
}
