/** The REST write path, as a user drives it; every call fails loudly on a non-2xx answer. */
export class PromptsApi {
  constructor(private readonly baseUrl: string) {}

  async create(key: string, text = `text of ${key}`): Promise<Written> {
    return (await this.send('POST', '/api/prompts', { key, text })).json() as Promise<Written>;
  }

  async update(key: string, text: string): Promise<Written> {
    return (await this.send('PUT', `/api/prompts/${key}`, { text })).json() as Promise<Written>;
  }

  async rollback(key: string, version: number): Promise<Written> {
    return (await this.send('POST', `/api/prompts/${key}/rollback`, { version })).json() as Promise<Written>;
  }

  async remove(key: string): Promise<void> {
    await this.send('DELETE', `/api/prompts/${key}`);
  }

  async revision(): Promise<number> {
    const res = await fetch(`${this.baseUrl}/api/prompts`);
    return ((await res.json()) as { revision: number }).revision;
  }

  private async send(method: string, path: string, body?: unknown): Promise<Response> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
    return res;
  }
}

/** The parts of a written prompt the stream tests compare with events. */
export interface Written {
  revision: number;
  version: number;
}
