import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { yamlStream } from '../../src/outputs/yaml';
import { PEERS, POLICY_RULES, policyViolations } from '../../src/policy/rules';
import { described, enabledChecks, findingsOf } from './support/peers';
import { outputsOf } from './support/outputs';

/*
 * Our rules (npm run validate) against the peers' checks that docs/policy.md says judge the same thing:
 * on outputs broken on purpose, one thing at a time, our rule and every peer mapped to it fail together.
 */
type Objects = any[];
const byKind = (objects: Objects, kind: string, name?: string) => objects.find((o) => o.kind === kind && (!name || o.metadata.name === name));
const backend = (objects: Objects) => byKind(objects, 'Deployment', 'todo-chatbot-backend').spec.template.spec;

const BREAKAGES: Record<string, { rule: string; breakIt: (objects: Objects) => void }> = {
  'a container without limits': { rule: 'resources-set', breakIt: (objects) => delete backend(objects).containers[0].resources.limits },
  'a privileged container': { rule: 'no-privileged-or-host-namespaces', breakIt: (objects) => (backend(objects).containers[0].securityContext.privileged = true) },
  'an image on the latest tag': { rule: 'no-latest-tag', breakIt: (objects) => (backend(objects).containers[0].image = 'ghcr.io/example/todo-chatbot-backend:latest') },
  'a Service selecting nothing': { rule: 'service-targets-pods', breakIt: (objects) => (byKind(objects, 'Service', 'todo-chatbot-backend').spec.selector['app.kubernetes.io/component'] = 'gone') },
  'a writable root filesystem': { rule: 'read-only-root-filesystem', breakIt: (objects) => (backend(objects).containers[0].securityContext.readOnlyRootFilesystem = false) },
  'a NetworkPolicy selecting nothing': { rule: 'network-policies-select-pods', breakIt: (objects) => (byKind(objects, 'NetworkPolicy', 'todo-chatbot-backend').spec.podSelector.matchLabels['app.kubernetes.io/component'] = 'gone') },
  'a PodDisruptionBudget that blocks drains on unhealthy pods': { rule: 'disruption-budget-evicts-unhealthy-pods', breakIt: (objects) => delete byKind(objects, 'PodDisruptionBudget', 'todo-chatbot-backend').spec.unhealthyPodEvictionPolicy },
  'a Deployment without a readiness probe': { rule: 'probes-set-and-distinct', breakIt: (objects) => delete backend(objects).containers[0].readinessProbe },
};

describe('docs/policy.md maps our rules to checks the peers run', () => {
  const { raw } = outputsOf('minikube', 'with every feature on');

  it.each(PEERS)('every %s check in the mapping exists and is not switched off by our configuration', (peer) => {
    const enabled = enabledChecks(peer, raw[0]!);
    const mapped = POLICY_RULES.flatMap((rule) => rule.peers[peer] ?? []);
    expect(mapped.length).toBeGreaterThan(0);
    expect(mapped.filter((check) => !enabled.has(check))).toEqual([]);
  });
});

describe('our policy rules and the peers agree on outputs broken on purpose', () => {
  const { raw } = outputsOf('cloud', 'with every feature on');
  const good: Objects = raw.flatMap((file) => parseAllDocuments(readFileSync(file, 'utf8')).map((document) => document.toJS()));

  it('the unbroken output passes our rules (and, in outputs.peers.test.ts, every peer)', () => {
    expect(policyViolations(good)).toEqual([]);
  });

  describe.each(Object.entries(BREAKAGES))('%s', (what, { rule, breakIt }) => {
    const objects = structuredClone(good);
    breakIt(objects);
    const file = join(raw[0], '..', `broken-${rule}.yaml`);
    writeFileSync(file, yamlStream(objects));
    const mapped = POLICY_RULES.find((candidate) => candidate.id === rule)!.peers;

    it(`fails our rule ${rule}`, () => {
      expect(policyViolations(objects).filter((violation) => violation.startsWith(`${rule}: `))).not.toEqual([]);
    });

    it.each(PEERS.filter((peer) => mapped[peer]?.length))(`fails %s on a check that docs/policy.md maps to ${rule}`, (peer) => {
      const found = findingsOf(peer, [file]);
      if (!found.some((finding) => mapped[peer]!.includes(finding.check))) {
        throw new Error(`${peer} passed ${what} on its checks ${mapped[peer]!.join(', ')}; it found:\n${described(found).join('\n') || '(nothing)'}`);
      }
    });
  });
});
