import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

export const OPENAPI_PATH = 'docs';

/**
 * OpenAPI generated from the controllers: Swagger UI at /docs, the document at /docs/json (and /docs/yaml).
 * Call before the application listens.
 */
export function setupOpenApi(app: NestFastifyApplication): void {
  const config = new DocumentBuilder()
    .setTitle('centralino')
    .setDescription(
      'Front-office switchboard: provider webhooks, login, contacts and operations endpoints. ' +
        'Operator and supervisor consoles use socket.io (not listed here); the admin queue board ' +
        '(Bull Board) is at /admin/queues with its own API. Errors share one body: ' +
        '{ statusCode, error, message, details? }.',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup(OPENAPI_PATH, app, () => SwaggerModule.createDocument(app, config), {
    jsonDocumentUrl: `${OPENAPI_PATH}/json`,
    yamlDocumentUrl: `${OPENAPI_PATH}/yaml`,
  });
}
