import { Module } from '@nestjs/common';
import { WebhookDispatcher } from './webhook-dispatcher.js';

/** Signed outbound webhooks (WEBHOOK_URLS); the change feed and metrics come from global modules. */
@Module({ providers: [WebhookDispatcher] })
export class WebhooksModule {}
