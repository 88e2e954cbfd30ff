import { CLUSTER_DOMAIN, DNS_SERVICE_IP } from './network';
import { clusterRoleFor, ApiServerPost } from './rbac';

/**
 * Port 53 in the pod too, as upstream CoreDNS listens: NetworkPolicies judge the port after the
 * Service's translation, and our DNS egress rule allows 53 (a DNS behind another target port, as
 * OpenShift's 5353, would be denied). Bound unprivileged, through the pod's own safe sysctl.
 */
const DNS_PORT = 53;

/**
 * The cluster's DNS as kubeadm installs it (ServiceAccount, RBAC, Corefile, Deployment, Service
 * `kube-dns` at the address the kubelet hands pods), labelled `k8s-app: kube-dns` as NetworkPolicies
 * expect it, from `image` (test/node/build.sh builds it). No `forward`: names outside the cluster do not
 * resolve here.
 */
export function coreDnsManifests(image: string): ApiServerPost[] {
  const namespace = 'kube-system';
  const labels = { 'k8s-app': 'kube-dns' };
  const corefile = `.:${DNS_PORT} {
    errors
    health :8080
    ready :8181
    kubernetes ${CLUSTER_DOMAIN} in-addr.arpa ip6.arpa {
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
    }
    cache 30
    loop
}
`;
  return [
    { path: `/api/v1/namespaces/${namespace}/serviceaccounts`, object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'coredns', namespace } } },
    ...clusterRoleFor(
      'system:coredns',
      [
        { apiGroups: [''], resources: ['endpoints', 'services', 'pods', 'namespaces'], verbs: ['list', 'watch'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
      ],
      { kind: 'ServiceAccount', name: 'coredns', namespace },
    ),
    { path: `/api/v1/namespaces/${namespace}/configmaps`, object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'coredns', namespace }, data: { Corefile: corefile } } },
    {
      path: `/apis/apps/v1/namespaces/${namespace}/deployments`,
      object: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'coredns', namespace, labels },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              serviceAccountName: 'coredns',
              dnsPolicy: 'Default',
              securityContext: {
                runAsNonRoot: true,
                runAsUser: 65535,
                runAsGroup: 65535,
                seccompProfile: { type: 'RuntimeDefault' },
                sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: String(DNS_PORT) }],
              },
              containers: [
                {
                  name: 'coredns',
                  image,
                  imagePullPolicy: 'Never',
                  args: ['-conf', '/etc/coredns/Corefile'],
                  ports: [
                    { name: 'dns', containerPort: DNS_PORT, protocol: 'UDP' },
                    { name: 'dns-tcp', containerPort: DNS_PORT, protocol: 'TCP' },
                  ],
                  readinessProbe: { httpGet: { path: '/ready', port: 8181 }, periodSeconds: 2 },
                  livenessProbe: { httpGet: { path: '/health', port: 8080 }, periodSeconds: 10 },
                  securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
                  volumeMounts: [{ name: 'config', mountPath: '/etc/coredns', readOnly: true }],
                },
              ],
              volumes: [{ name: 'config', configMap: { name: 'coredns' } }],
            },
          },
        },
      },
    },
    {
      path: `/api/v1/namespaces/${namespace}/services`,
      object: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'kube-dns', namespace, labels },
        spec: {
          clusterIP: DNS_SERVICE_IP,
          selector: labels,
          ports: [
            { name: 'dns', port: 53, targetPort: 'dns', protocol: 'UDP' },
            { name: 'dns-tcp', port: 53, targetPort: 'dns-tcp', protocol: 'TCP' },
          ],
        },
      },
    },
  ];
}
