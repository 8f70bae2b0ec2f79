import type { Response } from 'express';

/** What an admin route answers: a view to render, somewhere to go next, or (to the pages' own scripts) JSON. */
export type Page = { view: string; model: Record<string, unknown>; status?: number } | { redirect: string } | { json: object };

/** Writes a Page; redirects are 303 so a reload never re-posts a form. */
export function send(res: Response, page: Page): void {
  if ('redirect' in page) {
    res.redirect(303, page.redirect);
    return;
  }
  if ('json' in page) {
    res.json(page.json);
    return;
  }
  res.status(page.status ?? 200).render(page.view, page.model);
}

export function promptPath(key: string, suffix = ''): string {
  return `/prompts/${encodeURIComponent(key)}${suffix}`;
}
