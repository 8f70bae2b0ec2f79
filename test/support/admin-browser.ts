import request from 'supertest';

export type FormValue = string | number | undefined | string[];

export interface PageResponse {
  status: number;
  text: string;
  headers: Record<string, string>;
}

/**
 * A cookie-keeping form client for the admin UI, the way a browser without
 * JavaScript uses it: GET a page, POST its form with the CSRF token it carried.
 */
export class AdminBrowser {
  /** Promptcast's cookies (CSRF id, session) by name, as a browser would keep them. */
  private readonly jar = new Map<string, string>();
  private token = '';

  /** `headers` go with every request (an agent's `Authorization: Bearer`, say). */
  constructor(
    private readonly baseUrl: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  async get(path: string): Promise<PageResponse> {
    const res = await this.withCookie(request(this.baseUrl).get(path).set('Accept', 'text/html'));
    this.remember(res.headers['set-cookie']);
    this.token = /name="_csrf" value="([^"]+)"/.exec(res.text)?.[1] ?? this.token;
    return { status: res.status, text: res.text, headers: res.headers };
  }

  /**
   * Posts a form with the last page's CSRF token unless `_csrf` is given (or set to undefined); a list is a repeated
   * field (the variable rows). `accept` is what a page's script asks for (JSON).
   */
  async post(path: string, fields: Record<string, FormValue>, accept = 'text/html'): Promise<PageResponse> {
    const form = { _csrf: this.token, ...fields };
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(form)) for (const one of [value ?? []].flat()) body.append(name, String(one));
    const res = await this.withCookie(request(this.baseUrl).post(path).set('Accept', accept).type('form').send(body.toString()));
    this.remember(res.headers['set-cookie']);
    return { status: res.status, text: res.text, headers: res.headers };
  }

  /** Posts `body` exactly as given (bytes a browser would never send), with this browser's cookies. */
  async postRaw(path: string, body: Buffer): Promise<PageResponse> {
    const res = await this.withCookie(
      request(this.baseUrl)
        .post(path)
        .set('Accept', 'text/html')
        .type('form')
        // superagent would serialise a Buffer as a form; these bytes go out as they are.
        .serialize((raw: Buffer) => raw as unknown as string)
        .send(body),
    );
    return { status: res.status, text: res.text, headers: res.headers };
  }

  get csrfToken(): string {
    return this.token;
  }

  /** The cookie a browser would send now, by name. */
  cookie(name: string): string | undefined {
    return this.jar.get(name);
  }

  /** Plants a cookie, as a copied or forged one would arrive. */
  setCookie(name: string, value: string): void {
    this.jar.set(name, value);
  }

  private withCookie(req: request.Test): request.Test {
    const cookie = [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
    req.set(this.headers);
    return cookie ? req.set('Cookie', cookie) : req;
  }

  private remember(setCookie: string[] | string | undefined): void {
    for (const line of [setCookie ?? []].flat().filter((c) => c.startsWith('promptcast_'))) {
      const [pair] = line.split(';');
      const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
      // A cleared cookie comes back empty and already expired.
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }
}
