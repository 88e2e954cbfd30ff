/*
 * Stands in for `minikube tunnel` (or a cloud's load balancer controller), which README tells Minikube
 * users to run: every LoadBalancer Service gets its cluster IP as external address, as the tunnel gives
 * it. Without one, `helm install --wait` on Helm 3 waits for that address until it times out.
 * Run by cluster.ts as its own process: node -r scripts/register.js load-balancer.ts SERVER CLUSTER_DIR
 */
import { adminRequest } from './api';

const [server = '', dir = ''] = process.argv.slice(2);

async function call(method: string, path: string, body?: object): Promise<any> {
  const response = await adminRequest(dir, server, method, path, body);
  if (!response || response.status >= 300) throw new Error(`${method} ${path}: ${response ? `${response.status} ${response.body}` : 'no answer'}`);
  return JSON.parse(response.body);
}

async function assignAddresses(): Promise<void> {
  const services = await call('GET', '/api/v1/services');
  for (const service of services.items) {
    if (service.spec.type !== 'LoadBalancer' || service.status?.loadBalancer?.ingress?.length) continue;
    const { namespace, name } = service.metadata;
    const status = { status: { loadBalancer: { ingress: [{ ip: service.spec.clusterIP }] } } };
    await call('PATCH', `/api/v1/namespaces/${namespace}/services/${name}/status`, status);
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
