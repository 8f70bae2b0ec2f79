/** A configuration problem the operator can fix; its message names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly code = 'CONFIG_INVALID';
}
