import { Injectable } from '@nestjs/common';
import { SessionCookies } from '../auth/session-cookies.js';
import { TokenRegistry } from '../auth/token-registry.js';
import type { LoginForm } from './dto/login-forms.dto.js';
import type { Page } from './page.js';

export type LoginOutcome = { page: Page; session?: string };

/** The admin UI's sign-in: an admin, editor or viewer token buys a signed session cookie with that role. */
@Injectable()
export class LoginService {
  constructor(
    private readonly tokens: TokenRegistry,
    private readonly sessions: SessionCookies,
  ) {}

  form(next: string | undefined): Page {
    // An open server has nobody to sign in as.
    if (this.tokens.open) return { redirect: next ?? '/' };
    return { view: 'login', model: { title: 'Log in', next } };
  }

  login(form: LoginForm): LoginOutcome {
    if (this.tokens.open) return { page: { redirect: form.next ?? '/' } };
    const token = this.tokens.find(form.token.trim());
    const session = token ? this.sessions.issue(token.name) : undefined;
    if (!session) {
      // The same answer for unknown and agent tokens: the form is no oracle for which secrets exist.
      const error = 'That token cannot sign in here: use an admin, editor or viewer token.';
      return { page: { view: 'login', status: 401, model: { title: 'Log in', next: form.next, error } } };
    }
    return { page: { redirect: form.next ?? '/' }, session };
  }
}
