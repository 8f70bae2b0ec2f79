import type { Version, VersionList } from '../../protocol/prompts.js';
import type { LocalPrompt } from '../prompt-dir.js';
import { sameVariables } from '../prompt-file.js';
import { ApiError, keyPath, type ServerApi } from '../server-api.js';

/** A local file against the server: what `diff` shows and `push` acts on. */
export interface Comparison {
  local: LocalPrompt;
  /** The version the file was pulled from, as the server has it; null for a new key. */
  base: Version | null;
  /** The key's newest version on the server now; null when the key does not exist. */
  head: number | null;
  changed: boolean;
  /** Why a push would be refused before it is sent: the server moved on since the pull, or the key exists already. */
  conflict: string | null;
}

export async function compare(api: ServerApi, local: LocalPrompt): Promise<Comparison> {
  const { file } = local;
  const head = await headOf(api, file.key);
  if (file.version === undefined) {
    const conflict = head === null ? null : `${file.key} exists on the server (version ${head}) but the file names no version: pull it first`;
    return { local, base: null, head, changed: true, conflict };
  }
  const base = await api.json<Version>('GET', `${keyPath(file.key)}/versions/${file.version}`).catch((err: unknown) => {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  });
  const changed = base === null || base.text !== file.text || !sameVariables(base.variables, file.variables);
  let conflict: string | null = null;
  if (base === null) conflict = `${file.key} has no version ${file.version} on this server`;
  else if (head !== null && head !== file.version)
    conflict = `${file.key} changed on the server since the pull: it has version ${head}, the file was pulled from ${file.version}`;
  return { local, base, head, changed, conflict };
}

async function headOf(api: ServerApi, key: string): Promise<number | null> {
  try {
    const list = await api.json<VersionList>('GET', `${keyPath(key)}/versions?limit=1`);
    return list.versions[0]?.version ?? null;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}
