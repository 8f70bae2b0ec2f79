/**
 * The configured store cannot be used at start (unreachable, refused, not
 * permitted). Its message names where the store is, never its credentials,
 * so `main.ts` can print it as one line for the operator.
 */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
  readonly code = 'STORE_UNAVAILABLE';
}
