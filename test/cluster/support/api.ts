import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';

export interface ApiResponse {
  readonly status: number;
  readonly body: string;
}

/**
 * One request to the test cluster's API server (`server`, e.g. https://127.0.0.1:PORT) as its admin,
 * with the client certificate cluster.ts made in `dir`. A body is JSON; PATCH sends it as a merge patch.
 * Resolves to undefined when the server cannot be reached (yet).
 */
export function adminRequest(dir: string, server: string, method: string, path: string, body?: object): Promise<ApiResponse | undefined> {
  const tls = { ca: readFileSync(join(dir, 'ca.crt')), cert: readFileSync(join(dir, 'admin.crt')), key: readFileSync(join(dir, 'admin.key')) };
  const contentType = method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
  return new Promise((resolve) => {
    const req = request(`${server}${path}`, { method, ...tls, timeout: 5000, headers: body ? { 'Content-Type': contentType } : {} }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    req.on('error', () => resolve(undefined));
    req.on('timeout', () => req.destroy());
    req.end(body ? JSON.stringify(body) : undefined);
  });
}
