/**
 * The typed configuration every part of the server receives by injection.
 * It is both the type and the DI token; only `load-config.ts` builds it.
 */
export class AppConfig {
  constructor(
    readonly port: number,
    readonly host: string,
    readonly store: StoreConfig,
    readonly limits: LimitsConfig,
    readonly seed: boolean,
  ) {}
}

export type StoreConfig = { kind: 'sqlite'; path: string } | PostgresConfig;

export interface PostgresConfig {
  kind: 'postgres';
  /** The DATABASE_URL; it may hold a password, so it is never logged. */
  url: string;
  poolMax: number;
  connectTimeoutMs: number;
  statementTimeoutMs: number;
}

export interface LimitsConfig {
  /** Largest prompt text accepted, in UTF-8 bytes. */
  promptMaxBytes: number;
}
