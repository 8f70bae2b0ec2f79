/** Tokens the auth suites configure; the secrets are long enough for the config's minimum. */
export const ADMIN = { name: 'ops', secret: 'admin-secret-0123456789' };
export const AGENT = { name: 'friday', secret: 'agent-secret-0123456789' };
export const EDITOR = { name: 'ed', secret: 'editor-secret-0123456789' };
export const VIEWER = { name: 'vi', secret: 'viewer-secret-0123456789' };
export const WRONG_SECRET = 'wrong-secret-0123456789';

/** Environment for an app that requires tokens. */
export const authEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
  ADMIN_TOKENS: `${ADMIN.name}:${ADMIN.secret}`,
  AGENT_TOKENS: `${AGENT.name}:${AGENT.secret}`,
  ...extra,
});

/** Environment with a token of every role. */
export const rolesEnv = (extra: Record<string, string> = {}): Record<string, string> =>
  authEnv({ EDITOR_TOKENS: `${EDITOR.name}:${EDITOR.secret}`, VIEWER_TOKENS: `${VIEWER.name}:${VIEWER.secret}`, ...extra });

export const bearer = (secret: string): Record<string, string> => ({ Authorization: `Bearer ${secret}` });
