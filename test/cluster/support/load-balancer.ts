/*
 * Stands in for `minikube tunnel` (or a cloud's load balancer controller), which README tells Minikube
 * users to run: every LoadBalancer Service gets its cluster IP as external address, as the tunnel gives
 * it. Without one, `helm install --wait` on Helm 3 waits for that address until it times out.
 * Run by cluster.ts as its own process: node -r scripts/register.js load-balancer.ts SERVER CLUSTER_DIR
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';

const [server = '', dir = ''] = process.argv.slice(2);
const tls = { ca: readFileSync(join(dir, 'ca.crt')), cert: readFileSync(join(dir, 'admin.crt')), key: readFileSync(join(dir, 'admin.key')) };

function call(method: string, path: string, body?: string): Promise<any> {
  return new Promise((resolve, reject) => {
    const req = request(`${server}${path}`, { method, ...tls, headers: body ? { 'Content-Type': 'application/merge-patch+json' } : {} }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => ((response.statusCode ?? 500) < 300 ? resolve(JSON.parse(text)) : reject(new Error(`${method} ${path}: ${response.statusCode} ${text}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function assignAddresses(): Promise<void> {
  const services = await call('GET', '/api/v1/services');
  for (const service of services.items) {
    if (service.spec.type !== 'LoadBalancer' || service.status?.loadBalancer?.ingress?.length) continue;
    const { namespace, name } = service.metadata;
    const status = { status: { loadBalancer: { ingress: [{ ip: service.spec.clusterIP }] } } };
    await call('PATCH', `/api/v1/namespaces/${namespace}/services/${name}/status`, JSON.stringify(status));
    console.log(`${namespace}/${name}: external IP ${service.spec.clusterIP}`);
  }
}

async function main(): Promise<void> {
  for (;;) {
    await assignAddresses().catch((error: Error) => console.error(error.message));
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

void main();
