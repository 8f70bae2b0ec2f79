export { PromptClient } from './prompt-client.js';
export { MissingVariableError, PromptClientAuthError, PromptClientError, type PromptClientErrorCode } from './errors.js';
export { endpointUrl } from './endpoint.js';
export { promptClientOptionsFromEnv } from './options.js';
export type { BackoffOptions } from './backoff.js';
export type { Clock, TimerHandle } from './clock.js';
export type {
  ClientMode,
  ClientTransport,
  ClientStatus,
  FetchFn,
  LogLevel,
  ModeChange,
  PromptChange,
  PromptClientEvents,
  PromptClientOptions,
  PromptWarning,
  ReadyState,
  RenderOptions,
  StateSource,
  TemplateValues,
} from './types.js';
