import { DynamicModule, Module } from '@nestjs/common';
import { AdminModule } from './admin/admin.module.js';
import { AuthModule } from './auth/auth.module.js';
import { BackupModule } from './backup/backup.module.js';
import { ChangesModule } from './changes/changes.module.js';
import { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { FleetModule } from './fleet/fleet.module.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { PromptsModule } from './prompts/prompts.module.js';
import { SessionsModule } from './sessions/sessions.module.js';
import { StoreModule } from './store/store.module.js';
import { StreamModule } from './stream/stream.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      // ordering: StreamModule before PromptsModule, so /api/prompts/stream is routed before /api/prompts/:key.
      imports: [
        ConfigModule.forRoot(config),
        MetricsModule,
        AuthModule,
        StoreModule,
        ChangesModule,
        StreamModule,
        PromptsModule,
        HealthModule,
        WebhooksModule,
        FleetModule,
        SessionsModule,
        AdminModule,
        BackupModule,
      ],
    };
  }
}
