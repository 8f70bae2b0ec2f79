import type { OpsConfig, WebhooksConfig } from './app-config.js';
import { ConfigError } from './config-error.js';
import type { EnvVars } from './env.vars.js';

/** Logging and webhook settings; the variables themselves are validated in EnvVars. */
export function opsConfig(vars: EnvVars): OpsConfig {
  return {
    logging: {
      level: vars.LOG_LEVEL,
      format: vars.LOG_FORMAT ?? (vars.NODE_ENV === 'production' ? 'json' : 'pretty'),
    },
    webhooks: webhooksConfig(vars),
  };
}

function webhooksConfig(vars: EnvVars): WebhooksConfig {
  const urls = (vars.WEBHOOK_URLS ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u !== '');
  urls.forEach((url, i) => checkUrl(url, i));
  if (urls.length > 0 && !vars.WEBHOOK_SECRET) {
    invalid('WEBHOOK_SECRET must be set when WEBHOOK_URLS is (receivers verify every delivery with it)');
  }
  if (vars.WEBHOOK_BACKOFF_MS > vars.WEBHOOK_BACKOFF_MAX_MS) {
    invalid(`WEBHOOK_BACKOFF_MS=${vars.WEBHOOK_BACKOFF_MS} is above WEBHOOK_BACKOFF_MAX_MS=${vars.WEBHOOK_BACKOFF_MAX_MS}`);
  }
  return {
    urls,
    secret: vars.WEBHOOK_SECRET ?? '',
    maxAttempts: vars.WEBHOOK_MAX_ATTEMPTS,
    backoffMs: vars.WEBHOOK_BACKOFF_MS,
    backoffMaxMs: vars.WEBHOOK_BACKOFF_MAX_MS,
    queueMax: vars.WEBHOOK_QUEUE_MAX,
    timeoutMs: vars.WEBHOOK_TIMEOUT_MS,
  };
}

// A receiver URL may carry a token, so the message names its position, never its text.
function checkUrl(url: string, index: number): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    invalid(`WEBHOOK_URLS entry ${index + 1} is not an http:// or https:// URL`);
  }
}

function invalid(line: string): never {
  throw new ConfigError(`Invalid configuration:\n  ${line}`);
}
