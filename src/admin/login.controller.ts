import { Body, Controller, Get, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { LoginRateLimit } from '../auth/rate-limit.guard.js';
import { Public } from '../auth/require-scope.decorator.js';
import { SESSION_COOKIE, SessionCookies } from '../auth/session-cookies.js';
import { CsrfGuard } from './csrf/csrf.guard.js';
import { LoginForm, LoginQuery, LogoutForm } from './dto/login-forms.dto.js';
import { HtmlErrorFilter } from './html-error.filter.js';
import { LoginService } from './login.service.js';
import { send } from './page.js';

/** `/login` and `/logout` for the admin UI; both forms carry the CSRF token like every other. */
// HTML pages for browsers, not API: left out of the OpenAPI document.
@ApiExcludeController()
@Controller()
@Public()
@UseGuards(CsrfGuard)
@UseFilters(HtmlErrorFilter)
export class LoginController {
  constructor(
    private readonly login: LoginService,
    private readonly sessions: SessionCookies,
  ) {}

  @Get('login')
  form(@Query() query: LoginQuery, @Res() res: Response): void {
    send(res, this.login.form(query.next));
  }

  @LoginRateLimit()
  @Post('login')
  signIn(@Body() form: LoginForm, @Req() req: Request, @Res() res: Response): void {
    const { page, session } = this.login.login(form);
    if (session) res.cookie(SESSION_COOKIE, session, this.sessions.options(req));
    send(res, page);
  }

  @Post('logout')
  async signOut(@Body() _form: LogoutForm, @Req() req: Request, @Res() res: Response): Promise<void> {
    // ordering: the session is revoked in the store before the browser is told it is logged out;
    // if that fails, the error page shows and the cookie stays, so the visitor can try again.
    await this.sessions.revoke(req);
    const { maxAge: _maxAge, ...options } = this.sessions.options(req);
    res.clearCookie(SESSION_COOKIE, options);
    send(res, { redirect: '/login' });
  }
}
