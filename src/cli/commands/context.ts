import type { Output } from '../output.js';
import type { ServerApi } from '../server-api.js';

/** What every command gets: the server and where to print. */
export interface CommandContext {
  api: ServerApi;
  out: Output;
}
