import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { crdProblems } from '../../src/validate/crd-schema';
import { scratchFolder } from '../support/scratch';
import { changesOfAnotherApply, deleteNamespace, helm, helmNamespaceWithSecret, HELMS, installKagentCrd, kubectl, kubectlJson, kubectlOk, rawNamespaceWithSecret, synthCommand, uninstallKagentCrd } from './support/commands';

const NAMESPACE = 'todo-chatbot';
const RELEASE = 'todo-chatbot';
const KAGENT_NAMESPACE = 'kagent';
// The release's fullname and namespace, and a hash of both (src/model/helpers.ts: sharedNamespaceName).
const AGENT = 'todo-chatbot-todo-chatbot-099bd83c-doctor';

/** The doctor Agent with a write tool, so requireApproval is there for the API server's CEL rule to judge. */
const KAGENT_VALUES = { aiops: { kagent: { enabled: true, writeTools: ['k8s_scale'] } } };

describe(`kagent v0.9.12's Agent CRD on Kubernetes ${process.env.CLUSTER_VERSION}: the doctor Agent`, () => {
  const valuesFile = join(scratchFolder('kagent'), 'kagent.yaml');
  writeFileSync(valuesFile, JSON.stringify(KAGENT_VALUES));
  const { dist, tgz } = synthCommand(['-f', valuesFile]);
  const agentInDist = () =>
    parseAllDocuments(readFileSync(join(dist, '20-todo-chatbot.yaml'), 'utf8'))
      .map((document) => document.toJS())
      .find((object) => object.kind === 'Agent');
  const storedAgent = () => kubectlJson(['get', 'agents.kagent.dev', AGENT, '-n', KAGENT_NAMESPACE]);

  beforeAll(() => {
    installKagentCrd();
    kubectlOk(['create', 'namespace', KAGENT_NAMESPACE]);
  });
  afterEach(() => {
    deleteNamespace(NAMESPACE);
    kubectl(['delete', 'agents.kagent.dev', '--all', '-n', KAGENT_NAMESPACE]);
  });
  afterAll(() => {
    deleteNamespace(KAGENT_NAMESPACE);
    uninstallKagentCrd();
  });

  it('raw: kubectl apply --validate=strict accepts the Agent in kagent\'s namespace without a warning, stores it as written, and a second apply changes nothing', () => {
    rawNamespaceWithSecret(dist, NAMESPACE);
    expect(kubectl(['apply', '--dry-run=server', '--validate=strict', '-f', `${dist}/`])).toMatchObject({ status: 0, stderr: '' });
    expect(kubectl(['apply', '--validate=strict', '-f', `${dist}/`])).toMatchObject({ status: 0, stderr: '' });
    const written = agentInDist();
    expect(storedAgent().spec).toEqual(written.spec);
    expect(changesOfAnotherApply(['-f', `${dist}/`])).toEqual([]);
  });

  it.each(HELMS.map((which) => [which.major, which] as const))('helm v%i install --set aiops.kagent.enabled=true: the Agent is created in kagent\'s namespace, and helm uninstall removes it', (_major, which) => {
    helmNamespaceWithSecret(NAMESPACE);
    const installed = helm(which, ['install', RELEASE, tgz, '-n', NAMESPACE, '-f', valuesFile, '--wait', '--timeout', '180s']);
    expect(installed).toMatchObject({ status: 0, stderr: '' });
    expect(storedAgent().spec).toEqual(agentInDist().spec);
    expect(storedAgent().metadata.labels['app.kubernetes.io/managed-by']).toBe('Helm');
    expect(helm(which, ['uninstall', RELEASE, '-n', NAMESPACE, '--wait'])).toMatchObject({ status: 0 });
    expect(kubectl(['get', 'agents.kagent.dev', AGENT, '-n', KAGENT_NAMESPACE]).stderr).toContain('NotFound');
  });

  it('one release name in two namespaces: each gets an Agent of its own, and uninstalling one leaves the other', () => {
    const [which] = HELMS;
    const other = `${NAMESPACE}-other`;
    try {
      for (const namespace of [NAMESPACE, other]) {
        helmNamespaceWithSecret(namespace);
        expect(helm(which, ['install', RELEASE, tgz, '-n', namespace, '-f', valuesFile, '--wait', '--timeout', '180s'])).toMatchObject({ status: 0, stderr: '' });
      }
      const agents = () => (kubectlJson(['get', 'agents.kagent.dev', '-n', KAGENT_NAMESPACE]).items as { metadata: { name: string } }[]).map(({ metadata }) => metadata.name).sort();
      expect(agents()).toHaveLength(2);
      expect(agents()).toContain(AGENT);
      expect(helm(which, ['uninstall', RELEASE, '-n', NAMESPACE, '--wait'])).toMatchObject({ status: 0 });
      expect(agents()).toEqual([expect.stringMatching(new RegExp(`^${RELEASE}-${other}-[0-9a-f]{8}-doctor$`))]);
    } finally {
      helm(which, ['uninstall', RELEASE, '-n', other, '--wait']);
      deleteNamespace(other);
    }
  });

  it.each([
    ['an unknown field', (agent: any): void => void (agent.spec.declarative.systemPrompt = 'x'), /unknown field "spec\.declarative\.systemPrompt"/, 'spec.declarative.systemPrompt: unknown field'],
    [
      "a broken CEL rule (an approval for a tool it doesn't have)",
      (agent: any): void => void agent.spec.declarative.tools[0].mcpServer.requireApproval.push('k8s_delete_resource'),
      /each RequireApproval entry must also appear in ToolNames/,
      'spec.declarative.tools[].mcpServer: each RequireApproval entry must also appear in ToolNames',
    ],
  ] as const)('the API server and npm run validate both refuse the Agent with %s', (_what, breakIt, serverSays, weSay) => {
    const agent = agentInDist();
    breakIt(agent);
    const applied = kubectl(['apply', '--validate=strict', '-f', '-'], JSON.stringify(agent));
    expect(applied.status).not.toBe(0);
    expect(applied.stderr).toMatch(serverSays);
    expect(crdProblems(agent)).toContain(weSay);
  });
});
