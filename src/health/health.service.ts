import { Injectable } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { PromptStore } from '../store/prompt-store.js';
import { ChangeSignal, type SignalStatus } from '../store/change-signal.js';
import { ConnectionRegistry } from '../stream/connection-registry.js';
import { StreamHub } from '../stream/stream-hub.js';

/** `GET /health`: answered from memory, never from the store, so it stays cheap and up while the process is. */
export interface Liveness {
  status: 'ok';
  uptimeS: number;
  store: { kind: string };
  bus: SignalStatus;
  /** The last revision the stream delivered live (in memory; readiness reads the store's). */
  revision: number;
  subscribers: number;
}

/** `GET /health/ready`: the same shape whether ready (200) or not (503). */
export interface Readiness {
  status: 'ready' | 'not_ready';
  uptimeS: number;
  store: StoreReadiness;
  bus: SignalStatus;
  /** The store's revision; null when it could not be read. */
  revision: number | null;
  subscribers: number;
  /** Why it is not ready, one line per failed check; empty when ready. */
  problems: string[];
}

export interface StoreReadiness {
  kind: string;
  reachable: boolean;
  schemaVersion: number | null;
  latestSchemaVersion: number | null;
  migrationsApplied: boolean;
}

@Injectable()
export class HealthService {
  private readonly startedAt = performance.now();

  constructor(
    private readonly store: PromptStore,
    private readonly signal: ChangeSignal,
    private readonly registry: ConnectionRegistry,
    private readonly hub: StreamHub,
  ) {}

  liveness(): Liveness {
    return {
      status: 'ok',
      uptimeS: this.uptimeS(),
      store: { kind: this.store.kind },
      bus: this.signal.status,
      revision: this.hub.stats().revision,
      subscribers: this.registry.count,
    };
  }

  async readiness(): Promise<Readiness> {
    const problems: string[] = [];
    const store = await this.storeReadiness(problems);
    const revision = store.reachable ? await this.store.revision().catch(() => null) : null;
    if (this.signal.status !== 'listening') problems.push(`change bus is ${this.signal.status}, not listening`);
    return {
      status: problems.length === 0 ? 'ready' : 'not_ready',
      uptimeS: this.uptimeS(),
      store,
      bus: this.signal.status,
      revision,
      subscribers: this.registry.count,
      problems,
    };
  }

  private async storeReadiness(problems: string[]): Promise<StoreReadiness> {
    const kind = this.store.kind;
    try {
      const { schemaVersion, latestSchemaVersion } = await this.store.ping();
      const migrationsApplied = schemaVersion === latestSchemaVersion;
      if (!migrationsApplied) problems.push(`store schema is at version ${schemaVersion}; this build expects ${latestSchemaVersion}`);
      return { kind, reachable: true, schemaVersion, latestSchemaVersion, migrationsApplied };
    } catch (err) {
      problems.push(`store is unreachable: ${err instanceof Error ? err.message : String(err)}`);
      return { kind, reachable: false, schemaVersion: null, latestSchemaVersion: null, migrationsApplied: false };
    }
  }

  private uptimeS(): number {
    return Math.round(performance.now() - this.startedAt) / 1000;
  }
}
