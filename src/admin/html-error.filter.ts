import { Catch } from '@nestjs/common';
import { HttpErrorFilter } from '../common/http-error.filter.js';

/** Admin routes always answer errors as an HTML page, whatever the Accept header says. */
@Catch()
export class HtmlErrorFilter extends HttpErrorFilter {
  protected override wantsHtml(): boolean {
    return true;
  }
}
