import type { Variables } from '../../../src/protocol/template.js';

/** The few REST calls the client tests make against a real server, with errors that say what failed. */
export function restClient(baseUrl: () => string) {
  async function call(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const res = await fetch(`${baseUrl()}${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  }
  return {
    create: (key: string, text: string, variables?: Variables) => call('POST', '/api/prompts', { key, text, variables }),
    update: (key: string, text: string, labels?: string[], variables?: Variables) => call('PUT', `/api/prompts/${key}`, { text, labels, variables }),
    move: (key: string, label: string, version: number) => call('PUT', `/api/prompts/${key}/labels/${label}`, { version }),
    remove: (key: string) => call('DELETE', `/api/prompts/${key}`),
    revision: async () => (await call('GET', '/api/prompts')).revision as number,
  };
}
