import { Global, Module } from '@nestjs/common';
import { ChangeFeed } from './change-feed.js';

/** The change feed; its log and signal come from the global StoreModule. */
@Global()
@Module({ providers: [ChangeFeed], exports: [ChangeFeed] })
export class ChangesModule {}
