/*
 * The outside world's listeners (outside.ts starts this inside its network namespace): HTTPS on 443, the
 * OpenAI API's stand-in, and plain HTTP on a port the backend's egress policy does not allow. Each
 * answers every request with 200 and a line saying which it is, so a client can tell it got through.
 * Usage: outside-listeners.ts ADDRESS CERT KEY PORTS_JSON
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';

const [address = '', cert = '', key = '', portsJson = '{}'] = process.argv.slice(2);
const ports = JSON.parse(portsJson) as { https: number; denied: number };

const answer = (name: string) => (request: IncomingMessage, response: ServerResponse) => {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ listener: name, path: request.url }));
};

createHttpsServer({ cert: readFileSync(cert), key: readFileSync(key) }, answer('openai-stand-in')).listen(ports.https, address);
createHttpServer(answer('outside-egress-port')).listen(ports.denied, address);
process.on('SIGTERM', () => process.exit(0));
