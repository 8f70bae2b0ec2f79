import pino, { type DestinationStream, type Logger } from 'pino';
import pinoPretty from 'pino-pretty';
import type { LoggingConfig } from '../config/app-config.js';

export interface RootLoggerOptions {
  /** Log nothing at all (tests). Defaults to false. */
  silent?: boolean;
  /** Where lines go. Defaults to stdout. */
  destination?: DestinationStream;
}

/**
 * The process's pino logger: one JSON object per line (`LOG_FORMAT=json`, the
 * default under NODE_ENV=production) or pino-pretty's human lines. Both write
 * synchronously in this process (no transport worker), so the last lines before
 * an exit are not lost.
 */
export function createRootLogger(config: LoggingConfig, options: RootLoggerOptions = {}): Logger {
  const settings = {
    level: options.silent ? 'silent' : config.level,
    timestamp: pino.stdTimeFunctions.isoTime,
    // Headers carry tokens and cookies; whatever logs a request object gets these fields only.
    redact: { paths: ['req.headers', 'res.headers'], remove: true },
  };
  if (config.format === 'json') return pino(settings, options.destination ?? pino.destination({ dest: 1, sync: true }));
  return pino(
    settings,
    pinoPretty({
      destination: options.destination ?? 1,
      sync: true,
      colorize: options.destination ? false : undefined,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,context,reqId',
      messageFormat: '{if context}[{context}] {end}{msg}{if reqId} (req {reqId}){end}',
    }),
  );
}
