import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { AuthErrorCode } from './auth/auth.error.js';
import { BEARER_SCHEMES, ERROR_CODE_SCHEMA } from './common/api-errors.js';
import { CommonErrorCode } from './common/app-error.js';
import { CLERK_FAILURE_CODES } from './common/error-body.js';
import { MigrationErrorCode } from './migration/migration.error.js';
import { OperationErrorCode } from './operations/operation.error.js';
import { packageVersion } from './cli/package-version.js';
import { SyncErrorCode } from './sync/sync.error.js';

/** Every `code` an HTTP error may carry; the feature enums meet here, as the modules meet in AppModule. */
const ERROR_CODES: string[] = [
  ...new Set([
    ...Object.values(CommonErrorCode),
    ...Object.values(AuthErrorCode),
    ...Object.values(MigrationErrorCode),
    ...Object.values(OperationErrorCode),
    ...Object.values(SyncErrorCode),
    ...CLERK_FAILURE_CODES,
  ]),
].sort();

const TAGS: [string, string][] = [
  ['auth', 'Legacy email-and-password login, for the transition'],
  ['users', 'The signed-in user, whichever way they signed in'],
  ['migration', 'Plan, run, inspect and undo the move to Clerk (admin)'],
  ['sync', 'After the move: bring users in step with Clerk, list people deleted at Clerk (admin)'],
  ['webhooks', "Clerk's Svix-signed webhook deliveries (no token; the signature authenticates)"],
  ['audit', 'Who did what, for each user (admin)'],
  ['health', 'Liveness and readiness probes'],
  ['metrics', 'Prometheus metrics'],
  ['console', 'What the operator console shows that no other endpoint gives (admin); the page itself is GET /console'],
];

/**
 * The OpenAPI document of the app as configured. Operation ids read `<controller>_<method>`
 * (`migration_startRun`); public routes say `security: []`, every other one takes any of the four bearer schemes.
 */
export function createOpenApiDocument(app: INestApplication, version = packageVersion()): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('clerk-migrate')
    .setDescription(
      'Moves legacy email-and-password users to Clerk and authenticates both kinds of user during the move. ' +
        'Every error is `{ statusCode, error, message, code }`.',
    )
    .setVersion(version)
    .addServer('/', 'This service');
  const formats: Record<keyof typeof BEARER_SCHEMES, string> = {
    clerkSession: 'JWT',
    legacyToken: 'JWT',
    clerkApiKey: 'ak_…',
    clerkM2mToken: 'mt_… or JWT',
  };
  for (const [name, description] of Object.entries(BEARER_SCHEMES) as [keyof typeof BEARER_SCHEMES, string][]) {
    builder.addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: formats[name], description }, name);
  }
  for (const [name, description] of TAGS) builder.addTag(name, description);
  const document = SwaggerModule.createDocument(app, builder.build(), {
    operationIdFactory: (controller: string, method: string) => `${controller.replace(/Controller$/, '').toLowerCase()}_${method}`,
  });
  document.components ??= {};
  document.components.schemas ??= {};
  document.components.schemas[ERROR_CODE_SCHEMA] = {
    type: 'string',
    enum: ERROR_CODES,
    description: 'The machine-readable code of an error',
  };
  return document;
}
