import type { LoggerService } from '@nestjs/common';
import type { Logger } from 'pino';
import { AsyncLocalStorage } from 'node:async_hooks';

type Level = 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal';

/**
 * Nest's LoggerService over pino. Inside a request, lines go through that
 * request's child logger, so every line a service logs while serving it
 * carries the request id; elsewhere through the root logger. `Logger` calls
 * anywhere in the server (`new Logger('Stream').log(...)`) end up here.
 */
export class AppLogger implements LoggerService {
  private readonly requests = new AsyncLocalStorage<Logger>();

  constructor(readonly root: Logger) {}

  /** Runs `fn` (the rest of a request's handling) with `log` as the current logger; returns what `fn` returns. */
  runInRequest<T>(log: Logger, fn: () => T): T {
    return this.requests.run(log, fn);
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    // Nest passes (message, stack, context); the stack is worth keeping as a field.
    const [stack] = params.length >= 2 ? params : [];
    this.write('error', message, params, typeof stack === 'string' ? { stack } : {});
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[], extra: Record<string, unknown> = {}): void {
    const log = this.requests.getStore() ?? this.root;
    // Nest appends the context (the Logger's name) as the last string argument.
    const context = params.length > 0 && typeof params.at(-1) === 'string' ? params.at(-1) : undefined;
    const fields = { ...(context ? { context } : {}), ...extra };
    if (message instanceof Error) log[level]({ ...fields, err: message }, message.message);
    else if (typeof message === 'string') log[level](fields, message);
    else log[level]({ ...fields, data: message }, '');
  }
}
