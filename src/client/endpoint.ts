/**
 * `path` under the server's base URL, keeping any base path: a server mounted
 * at `https://host/promptcast` serves `https://host/promptcast/api/prompts`.
 */
export function endpointUrl(base: string, path: string): URL {
  const url = new URL(base);
  url.pathname = url.pathname.replace(/\/+$/, '') + path;
  return url;
}
