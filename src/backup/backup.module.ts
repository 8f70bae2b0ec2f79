import { Module } from '@nestjs/common';
import { BackupController } from './backup.controller.js';
import { BackupService } from './backup.service.js';

/** Whole-store export and import; the store comes from the global StoreModule. */
@Module({ controllers: [BackupController], providers: [BackupService] })
export class BackupModule {}
