import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiErrors } from '../common/api-errors.js';
import { Public } from '../common/public.decorator.js';
import { ClerkWebhooksService } from './clerk-webhooks.service.js';
import { WebhookReceiptDto } from './sync.dto.js';

@ApiTags('webhooks')
@Public()
@Controller('webhooks')
export class ClerkWebhooksController {
  constructor(private readonly webhooks: ClerkWebhooksService) {}

  @Post('clerk')
  @HttpCode(200)
  @ApiOperation({
    summary: "Clerk's webhook endpoint (Svix-signed): user.created, user.updated, user.deleted, session.created",
    description:
      'Point a Clerk webhook endpoint (Dashboard → Webhooks) here and set CLERK_WEBHOOK_SIGNING_SECRET to its signing secret. ' +
      'The signature is checked on the raw body (5-minute tolerance); the event is stored once per svix-id and applied ' +
      'asynchronously, in order per account (an event older than the last applied is ignored). Other event types are ' +
      'answered 200 and ignored. Needs no token: the signature is the authentication.',
    security: [],
  })
  // Listed bottom-up: Swagger's decorators apply in reverse, so the document reads id, timestamp, signature.
  @ApiHeader({ name: 'svix-signature', required: true, description: 'v1,<base64 HMAC-SHA256> (space-separated when several)' })
  @ApiHeader({ name: 'svix-timestamp', required: true, description: 'Seconds since the epoch; more than 5 minutes off is refused' })
  @ApiHeader({ name: 'svix-id', required: true, description: 'The delivery id; a repeated one is applied once' })
  @ApiBody({
    description: "Clerk's event envelope, exactly as Clerk signed it (the raw bytes are verified, so no other content type applies)",
    schema: {
      type: 'object',
      required: ['data', 'type'],
      properties: {
        data: {
          type: 'object',
          additionalProperties: true,
          description: "The user (user.*) or session (session.created), in Clerk's JSON",
        },
        object: { type: 'string', enum: ['event'] },
        type: { type: 'string', example: 'user.created' },
        timestamp: { type: 'integer', description: 'When Clerk emitted the event, in milliseconds' },
        instance_id: { type: 'string' },
        event_attributes: { type: 'object', additionalProperties: true },
      },
    },
  })
  @ApiOkResponse({ type: WebhookReceiptDto, description: 'Stored (or already stored): Clerk stops retrying' })
  @ApiErrors(
    [400, 'The signature is missing, wrong or more than 5 minutes off (invalid_webhook_signature); nothing is written'],
    [413, 'The body is larger than HTTP_BODY_LIMIT (payload_too_large)'],
    [503, 'CLERK_WEBHOOK_SIGNING_SECRET is not set (webhooks_not_configured); Clerk retries'],
  )
  receive(@Req() request: Request): Promise<WebhookReceiptDto> {
    return this.webhooks.receive(request.body, request.headers);
  }
}
