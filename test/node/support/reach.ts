import { readFileSync } from 'node:fs';
import { kubectl, kubectlJson, kubectlOk } from '../../cluster/support/commands';

/**
 * What one pod can reach, asked from inside it (`kubectl exec`, the pod's own network namespace, so its
 * NetworkPolicies apply): a TCP connection, an HTTP request over it, or HTTPS with the certificate
 * verified. Every image of the tier has python3. Each answer is one word or status line.
 */
const PROBE = `
import socket, ssl, sys
kind, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
try:
    if kind == "dns":
        print(socket.getaddrinfo(host, None, socket.AF_INET)[0][4][0])
        sys.exit(0)
    connection = socket.create_connection((host, port), timeout=3)
    if kind == "https":
        connection = ssl.create_default_context(cadata=sys.stdin.read()).wrap_socket(connection, server_hostname=host)
    if kind in ("http", "https"):
        connection.sendall(b"GET / HTTP/1.0\\r\\nHost: " + host.encode() + b"\\r\\n\\r\\n")
        print(connection.recv(64).split(b"\\r\\n")[0].decode())
    else:
        print("open")
except socket.timeout:
    print("timeout")
except Exception as error:
    print(type(error).__name__)
`;

export type ProbeKind = 'tcp' | 'http' | 'https' | 'dns';

export interface Pod {
  readonly namespace: string;
  readonly name: string;
}

/** The answer `pod` gets: `open` (tcp), an HTTP status line, an address (dns), or why not (`timeout`, `ConnectionRefusedError`, `gaierror`). */
export function probe(pod: Pod, kind: ProbeKind, host: string, port = 0, caFile?: string): string {
  const input = kind === 'https' && caFile ? readFileSync(caFile, 'utf8') : '';
  const answer = kubectl(['exec', '-i', pod.name, '-n', pod.namespace, '--', 'python3', '-c', PROBE, kind, host, String(port)], input);
  return answer.status === 0 ? answer.stdout.trim() : `kubectl exec failed: ${answer.stderr.trim()}`;
}

/** Whether an answer says the other end was reached. */
export function reached(answer: string): boolean {
  return answer === 'open' || /^HTTP\/1\.[01] \d{3}/.test(answer) || /^\d+\.\d+\.\d+\.\d+$/.test(answer);
}

/**
 * The answer to a request NetworkPolicies should deny, asked until it is denied (the enforcer applies a
 * new policy a moment after the API server stores it) for at most `seconds`; the last answer.
 */
export function probeUntilDenied(pod: Pod, kind: ProbeKind, host: string, port = 0, seconds = 20): string {
  const deadline = Date.now() + seconds * 1000;
  let answer = probe(pod, kind, host, port);
  while (reached(answer) && Date.now() < deadline) answer = probe(pod, kind, host, port);
  return answer;
}

/** The one pod of a component of the release in `namespace`. */
export function componentPod(namespace: string, component: string): Pod & { readonly ip: string } {
  const [pod] = kubectlJson(['get', 'pods', '-n', namespace, '-l', `app.kubernetes.io/component=${component}`, '--field-selector=status.phase=Running']).items;
  if (!pod) throw new Error(`no running ${component} pod in ${namespace}`);
  return { namespace, name: pod.metadata.name, ip: pod.status.podIP };
}

/**
 * A namespace without NetworkPolicies, as another team's: one pod that listens on `port` (a plain HTTP
 * server, python's own) and can ask anything of anyone. Restricted, as every pod of the tier.
 */
export function startOutsider(namespace: string, image: string, port: number): Pod & { readonly ip: string } {
  kubectlOk(['create', 'namespace', namespace]);
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'outsider', namespace },
    spec: {
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'outsider',
          image,
          imagePullPolicy: 'Never',
          command: ['python3', '-m', 'http.server', String(port), '--bind', '0.0.0.0', '--directory', '/'],
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
          readinessProbe: { tcpSocket: { port }, periodSeconds: 1 },
        },
      ],
    },
  };
  kubectlOk(['apply', '-f', '-'], JSON.stringify(pod));
  kubectlOk(['wait', '--for=condition=Ready', 'pod/outsider', '-n', namespace, '--timeout=120s']);
  const { status } = kubectlJson(['get', 'pod', 'outsider', '-n', namespace]);
  return { namespace, name: 'outsider', ip: status.podIP };
}
