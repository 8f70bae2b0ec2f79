import type { Browser } from 'playwright-core';
import request from 'supertest';
import { CHANGE_KINDS } from '../src/protocol/prompts.js';
import { startApp, type TestApp } from './support/app.js';
import { launchChromium, screenshot } from './support/chromium.js';

type Operation = {
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }>; description?: string }>;
  description?: string;
};
type OpenApi = { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };

/** Every route Express has mapped, as `METHOD /path/{param}`, read from the router itself. */
function mappedRoutes(app: TestApp): string[] {
  type Layer = { route?: { path: string; methods: Record<string, boolean> } };
  const router = (app.app.getHttpAdapter().getInstance() as { router: { stack: Layer[] } }).router;
  return router.stack.flatMap((layer) =>
    layer.route
      ? Object.keys(layer.route.methods).map((m) => `${m.toUpperCase()} ${(layer.route as { path: string }).path.replace(/:(\w+)/g, '{$1}')}`)
      : [],
  );
}

function documented(doc: OpenApi): string[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
}

describe('OpenAPI', () => {
  let app: TestApp;
  let doc: OpenApi;

  beforeAll(async () => {
    app = await startApp();
    doc = (await request(app.url).get('/api/docs-json').expect(200).expect('Content-Type', /json/)).body as OpenApi;
  });
  afterAll(async () => {
    await app.close();
  });

  it('documents every API route the app maps, and nothing it does not', () => {
    const isDocsOrPage = (r: string) => /^\w+ \/api\/docs/.test(r) || !/^\w+ \/(api|health|metrics)(\/|$)/.test(r);
    const api = mappedRoutes(app)
      .filter((r) => !isDocsOrPage(r))
      .sort();
    expect(api.length).toBeGreaterThanOrEqual(14);
    expect(documented(doc).sort()).toEqual(api);
  });

  it('gives every error answer the {statusCode, error, message} schema (a refused publish adds its checks)', () => {
    // /health/ready's 503 is the one 4xx/5xx that is not an error body: it is the readiness report itself.
    const errors = Object.entries(doc.paths)
      .filter(([path]) => path !== '/health/ready')
      .flatMap(([, ops]) => Object.values(ops))
      .flatMap((op) => Object.entries(op.responses).filter(([status]) => Number(status) >= 400));
    expect(errors.length).toBeGreaterThan(15);
    for (const [status, response] of errors) {
      const schema = status === '422' ? 'ChecksFailedSchema' : 'ErrorBodySchema';
      expect(response.content?.['application/json']?.schema?.$ref).toBe(`#/components/schemas/${schema}`);
    }
    expect(doc.components.schemas.ErrorBodySchema).toMatchObject({ required: ['statusCode', 'error', 'message'] });
    expect(doc.components.schemas.ChecksFailedSchema).toMatchObject({ required: ['statusCode', 'error', 'message', 'checks'] });
  });

  it('describes the stream: its events and their payload schemas', () => {
    const stream = doc.paths['/api/prompts/stream'].get;
    for (const event of ['snapshot', 'prompt.updated', 'prompt.deleted', 'heartbeat']) expect(stream.description).toContain(`\`${event}\``);
    for (const schema of ['SnapshotEventSchema', 'PromptUpdatedEventSchema', 'PromptDeletedEventSchema', 'HeartbeatEventSchema']) {
      expect(doc.components.schemas[schema]).toBeDefined();
    }
    expect(doc.components.schemas.PromptUpdatedEventSchema).toMatchObject({
      required: ['revision', 'key', 'version', 'text', 'updatedAt', 'author', 'labels', 'kind'],
    });
    expect(doc.components.schemas.PromptDeletedEventSchema).toMatchObject({ required: ['revision', 'key', 'labels', 'kind'] });
    for (const schema of ['PromptUpdatedEventSchema', 'PromptDeletedEventSchema']) {
      expect(doc.components.schemas[schema]).toMatchObject({
        properties: { labels: { type: 'array', items: { type: 'string' } }, kind: { enum: [...CHANGE_KINDS] } },
      });
    }
    expect(doc.components.schemas.CreatePromptDto).toMatchObject({ required: ['key', 'text'] });
  });

  it("describes reads as a label's view, whose revision is the ETag, snapshot id and heartbeat id", () => {
    const list = doc.paths['/api/prompts'].get as Operation & { parameters: Array<{ name: string; description?: string }> };
    const keys = list.parameters.find((p) => p.name === 'keys');
    expect(keys?.description).not.toMatch(/global revision/);
    expect(keys?.description).toMatch(/view/);
    const texts = [
      list.description,
      ...Object.values(list.responses).map((r) => r.description),
      doc.paths['/api/prompts/stream'].get.description,
      JSON.stringify(doc.components.schemas.HeartbeatEventSchema),
      JSON.stringify(doc.components.schemas.SnapshotEventSchema),
    ].join('\n');
    // The texts from before labels, when every read served all keys at the server's revision.
    expect(texts).not.toMatch(/all live prompts|current revision|stays the global revision|Global revision; the collection/i);
    expect(JSON.stringify(doc.components.schemas.SnapshotSchema)).toMatch(/label's view/);
    expect(list.responses['200'].description).toMatch(/label's view/);
    expect(list.responses['304'].description).toMatch(/view's revision/);
  });

  it('serves Swagger UI as HTML with its assets from this server, under a CSP that allows no foreign script', async () => {
    const page = await request(app.url).get('/api/docs').redirects(1).expect(200).expect('Content-Type', /html/);
    expect(page.text).toContain('swagger-ui-bundle.js');
    expect(page.text).not.toMatch(/(src|href)=['"]https?:/);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    await request(app.url)
      .get('/api/docs/swagger-ui-bundle.js')
      .expect(200)
      .expect('Content-Type', /javascript/);
    // Everywhere else the strict policy stands.
    expect(String((await request(app.url).get('/health')).headers['content-security-policy'])).toContain("style-src 'self';");
  });

  describe('in a browser', () => {
    let browser: Browser;

    beforeAll(async () => {
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser.close();
    });

    it('renders the operations with no CSP violation and no request leaving the origin', async () => {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(m.text());
      });
      page.on('request', (r) => {
        if (!r.url().startsWith(app.url) && !r.url().startsWith('data:')) problems.push(`request to ${r.url()}`);
      });
      await page.goto(`${app.url}/api/docs`);
      await page.locator('.opblock-summary-path', { hasText: '/api/prompts/{key}/rollback' }).first().waitFor({ timeout: 10_000 });
      await screenshot(page, 'openapi-swagger-ui');
      expect(problems).toEqual([]);
      await page.close();
    });
  });
});
