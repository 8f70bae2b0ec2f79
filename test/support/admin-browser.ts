import request from 'supertest';

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
  private cookie = '';
  private token = '';

  constructor(private readonly baseUrl: string) {}

  async get(path: string): Promise<PageResponse> {
    const res = await this.withCookie(request(this.baseUrl).get(path).set('Accept', 'text/html'));
    this.remember(res.headers['set-cookie']);
    this.token = /name="_csrf" value="([^"]+)"/.exec(res.text)?.[1] ?? this.token;
    return { status: res.status, text: res.text, headers: res.headers as Record<string, string> };
  }

  /** Posts a form with the last page's CSRF token unless `_csrf` is given (or set to undefined). */
  async post(path: string, fields: Record<string, string | number | undefined>): Promise<PageResponse> {
    const form = { _csrf: this.token, ...fields };
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(form)) if (value !== undefined) body.append(name, String(value));
    const res = await this.withCookie(request(this.baseUrl).post(path).set('Accept', 'text/html').type('form').send(body.toString()));
    return { status: res.status, text: res.text, headers: res.headers as Record<string, string> };
  }

  get csrfToken(): string {
    return this.token;
  }

  private withCookie(req: request.Test): request.Test {
    return this.cookie ? req.set('Cookie', this.cookie) : req;
  }

  private remember(setCookie: string[] | string | undefined): void {
    const first = [setCookie ?? []].flat().find((c) => c.startsWith('promptcast_csrf='));
    if (first) this.cookie = first.split(';')[0];
  }
}
