export { PromptClient } from './prompt-client.js';
export { MissingVariableError, PromptClientAuthError, PromptClientError, type PromptClientErrorCode } from './errors.js';
export { endpointUrl } from './endpoint.js';
// The rollout assignment, exported so other languages' clients can be tested against it (clients/rollout-vectors.json).
export { rolloutBucket, inCandidate, type ApplyScope, type RolloutOffer, type RolloutStepName } from '../protocol/rollouts.js';
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
  ResolvedPrompt,
  SessionOptions,
  StateSource,
  TemplateValues,
} from './types.js';
