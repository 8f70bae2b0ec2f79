import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { DestinationStream } from 'pino';
import { configureViews } from './admin/views.setup.js';
import { AppModule } from './app.module.js';
import { loopbackHostOnlyWhenOpen } from './auth/loopback-host.middleware.js';
import { answerClientErrorsAsJson } from './common/client-errors.js';
import { limitConnectionsPerAddress } from './common/connection-limits.js';
import { limitJsonDepth } from './common/json-depth.js';
import { securityHeaders } from './common/security-headers.js';
import { TextFieldsPipe } from './common/text-fields.pipe.js';
import { bodyParserOptions } from './common/utf8-body.js';
import { applyServerTimeouts } from './common/server-timeouts.js';
import { AppConfig } from './config/app-config.js';
import { HttpErrorFilter } from './common/http-error.filter.js';
import { installFastPath } from './fast-path/fast-path.js';
import { AppLogger } from './logging/app-logger.js';
import { requestLogging } from './logging/request-logging.middleware.js';
import { createRootLogger } from './logging/root-logger.js';
import { httpMetrics } from './metrics/http-metrics.middleware.js';
import { configureOpenApi } from './openapi/openapi.setup.js';
import { Metrics } from './metrics/metrics.js';

export interface CreateAppOptions {
  /** False silences every log line (tests); request ids are still given. */
  logger?: false | undefined;
  /** Where log lines go instead of stdout (tests read them). */
  logDestination?: DestinationStream;
}

/**
 * Builds the application exactly as production runs it; `main.ts` and every
 * e2e test go through here so tests boot what users boot.
 */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<NestExpressApplication> {
  const silent = options.logger === false;
  const logger = new AppLogger(createRootLogger(config.ops.logging, { silent, destination: options.logDestination }));
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    // Open SSE sockets would otherwise hold close() forever.
    forceCloseConnections: true,
    logger: silent ? false : logger,
  });
  configureApp(app, config, logger);
  try {
    await app.init();
    // After init: the fast path answers with the app's own providers (authorization, the list responder, metrics).
    installFastPath(app, config, logger);
  } catch (err) {
    // Release whatever did open (database pools, the LISTEN connection) so a failed start leaves nothing behind.
    await app.close().catch(() => undefined);
    throw err;
  }
  return app;
}

function configureApp(app: NestExpressApplication, config: AppConfig, logger: AppLogger): void {
  // req.ip, req.secure (Secure cookies) and per-address limits believe only this many proxies.
  app.set('trust proxy', config.auth.trustProxyHops);
  app.use(requestLogging(logger));
  app.use(httpMetrics(app.get(Metrics)));
  app.use(securityHeaders());
  // Before any route, static file or body parsing: an open server answers only loopback Host names.
  app.use(loopbackHostOnlyWhenOpen(config.auth));
  app.useBodyParser('json', bodyParserOptions(config.limits, 'json'));
  app.use(limitJsonDepth());
  const server = app.getHttpServer();
  answerClientErrorsAsJson(server);
  applyServerTimeouts(server, config.http);
  limitConnectionsPerAddress(server, config, app.get(Metrics));
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) => new BadRequestException(flatten(errors).join('; ')),
    }),
    new TextFieldsPipe(),
  );
  app.useGlobalFilters(new HttpErrorFilter());
  configureViews(app);
  configureOpenApi(app);
  app.enableShutdownHooks();
  app.disable('x-powered-by');
}

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => [
    ...Object.values(e.constraints ?? {}).map((m) => (prefix ? `${prefix}.${m}` : m)),
    ...flatten(e.children ?? [], prefix ? `${prefix}.${e.property}` : e.property),
  ]);
}
