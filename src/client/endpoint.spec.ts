import { endpointUrl } from './endpoint.js';

describe('endpointUrl', () => {
  it('keeps a base path, with or without a trailing slash', () => {
    expect(endpointUrl('https://host/promptcast', '/api/agents/report').href).toBe('https://host/promptcast/api/agents/report');
    expect(endpointUrl('https://host/promptcast/', '/api/prompts').href).toBe('https://host/promptcast/api/prompts');
  });

  it('works at the root', () => {
    expect(endpointUrl('http://127.0.0.1:3000', '/api/prompts').href).toBe('http://127.0.0.1:3000/api/prompts');
  });
});
