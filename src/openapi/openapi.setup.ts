import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ErrorBodySchema, VariableSpecSchema } from './schemas.js';
import { STREAM_EVENT_SCHEMAS } from './stream-event.schemas.js';

/** Swagger UI lives here; its JSON at `/api/docs-json`. */
export const DOCS_PATH = 'api/docs';

/**
 * Builds the OpenAPI document from the controllers' decorators and serves it
 * with Swagger UI, whose assets come from the installed swagger-ui-dist (no
 * CDN). The admin UI's HTML routes are left out: they are pages, not API.
 */
export function configureOpenApi(app: NestExpressApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Promptcast')
    .setDescription(
      'Live system prompts for LiveKit voice agents: prompts with full history, pushed over SSE. ' +
        'Every error is `{statusCode, error, message}`. With ADMIN_TOKENS/AGENT_TOKENS set, send `Authorization: Bearer <token>`; ' +
        '`/health` and `/health/ready` need none.',
    )
    .setVersion('0.1.0')
    .addBearerAuth()
    .addSecurityRequirements('bearer')
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ErrorBodySchema, VariableSpecSchema, ...STREAM_EVENT_SCHEMAS] });
  SwaggerModule.setup(DOCS_PATH, app, document, {
    jsonDocumentUrl: `${DOCS_PATH}-json`,
    customSiteTitle: 'Promptcast API',
    // The default validator badge is an image from validator.swagger.io: nothing leaves this origin.
    swaggerOptions: { validatorUrl: null },
  });
  return document;
}
