import type { NestExpressApplication } from '@nestjs/platform-express';
import hbs from 'hbs';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VIEW_HELPERS } from './view-helpers.js';

/** `views/` at the project root: the same path from `src/admin` (tests) and `dist/admin` (production). */
export const VIEWS_DIR = fileURLToPath(new URL('../../views', import.meta.url));

/**
 * Handlebars views (escaped by default: `{{x}}`; no template uses `{{{x}}}`)
 * and the static assets under `/assets/`. One engine per app, so apps in the
 * same process (tests) do not share helpers or partials.
 */
export function configureViews(app: NestExpressApplication): void {
  const engine = hbs.create();
  for (const [name, helper] of Object.entries(VIEW_HELPERS)) engine.registerHelper(name, helper);
  const partials = join(VIEWS_DIR, 'partials');
  // Registered synchronously (hbs's registerPartials is async) so the first request finds them.
  for (const file of readdirSync(partials).filter((f) => f.endsWith('.hbs'))) {
    engine.registerPartial(basename(file, '.hbs'), readFileSync(join(partials, file), 'utf8'));
  }
  // hbs binds __express to its instance when it creates one (hbs/lib/hbs.js); @types/hbs declares it as a method.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  app.engine('hbs', engine.__express);
  app.setBaseViewsDir(VIEWS_DIR);
  app.setViewEngine('hbs');
  app.useStaticAssets(join(VIEWS_DIR, 'public'), { prefix: '/assets/', maxAge: '1h' });
}
