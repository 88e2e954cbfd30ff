import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { ConfigError } from '../src/config/errors';
import { loadSettings, validateValues } from '../src/config/load';
import { Release, releaseSchema } from '../src/config/schema';
import { COMMON_FAILURES } from '../src/constructs/kagent-agent';
import { IMPORTED_CRDS } from '../src/imports/crd-bindings';
import { importBindings } from '../scripts/crd-import';
import { synthObjects } from '../src/outputs/raw';
import { CEL_RULES, crdProblems, crdVersions, isImportedKind } from '../src/validate/crd-schema';
import { scratchFolder } from './support/scratch';

const ROOT = join(__dirname, '..');

function agentOf(kagent: object = {}, release: Partial<Release> = {}): any {
  const settings = loadSettings({ profile: 'cloud' });
  const values = { ...settings.values, aiops: { kagent: { ...settings.values.aiops.kagent, enabled: true, writeTools: ['k8s_scale'], ...kagent } } };
  return (synthObjects({ ...settings, release: { ...settings.release, ...release }, values: validateValues(values) }) as any[]).find((object) => object.kind === 'Agent');
}

describe('typed bindings (imports/)', () => {
  it('are what npm run import generates from the CRDs in crds/ (run it and commit when this fails)', () => {
    const fresh = scratchFolder('imports');
    importBindings(ROOT, fresh);
    const generated = readdirSync(fresh).sort();
    expect(generated).toEqual(readdirSync(join(ROOT, 'imports')).filter((file) => file.endsWith('.ts')).sort());
    for (const file of generated) expect(readFileSync(join(ROOT, 'imports', file), 'utf8')).toBe(readFileSync(join(fresh, file), 'utf8'));
  }, 60000);

  it('name each CRD by the group and kind its file declares', () => {
    expect(crdVersions().map(({ group, kind, version }) => ({ group, kind, version }))).toEqual(IMPORTED_CRDS.map(({ group, kind, version }) => ({ group, kind, version })));
  });

  it('hold, of the versions each CRD serves, only the one we emit', () => {
    for (const { file, group, version } of IMPORTED_CRDS) {
      const bindings = readFileSync(join(ROOT, 'imports', `${group}.ts`), 'utf8');
      const served: string[] = parseAllDocuments(readFileSync(join(ROOT, file), 'utf8'))[0].toJS().spec.versions.map(({ name }: { name: string }) => name);
      // A CRD serving one version would leave nothing to leave out.
      expect(served.length).toBeGreaterThan(1);
      for (const other of served) expect({ other, inBindings: bindings.includes(`apiVersion: '${group}/${other}'`) }).toEqual({ other, inBindings: other === version });
    }
  });
});

describe("the Agent against kagent v0.9.12's CRD schema", () => {
  it('writes out every default the CRD would add inside the objects it sets, so the API server stores the Agent as written', () => {
    const missing: string[] = [];
    const walk = (value: any, node: any, at: string) => {
      if (Array.isArray(value)) return value.forEach((item) => walk(item, node.items, `${at}[]`));
      if (value === null || typeof value !== 'object' || !node.properties) return;
      for (const [field, child] of Object.entries<any>(node.properties)) {
        if (child.default !== undefined && value[field] === undefined) missing.push(`${at}.${field} (default ${JSON.stringify(child.default)})`);
        if (value[field] !== undefined) walk(value[field], child, `${at}.${field}`);
      }
    };
    walk(agentOf().spec, crdVersions()[0].schema.properties.spec, 'spec');
    expect(missing).toEqual([]);
  });

  it('the Agent we emit is valid, with and without write tools', () => {
    expect(crdProblems(agentOf())).toEqual([]);
    expect(crdProblems(agentOf({ writeTools: [] }))).toEqual([]);
  });

  it.each([
    ['spec', (agent: any) => (agent.spec.bogus = 1), 'spec.bogus: unknown field'],
    ['spec.declarative', (agent: any) => (agent.spec.declarative.systemPrompt = 'x'), 'spec.declarative.systemPrompt: unknown field'],
    ['a tool server reference', (agent: any) => (agent.spec.declarative.tools[0].mcpServer.tools = []), 'spec.declarative.tools.0.mcpServer.tools: unknown field'],
    ['a wrong type', (agent: any) => (agent.spec.declarative.stream = 'yes'), 'spec.declarative.stream: must be boolean'],
    ['an enum', (agent: any) => (agent.spec.declarative.tools[0].type = 'Mcp'), 'spec.declarative.tools.0.type: must be equal to one of the allowed values'],
  ])('refuses what the API server refuses: %s', (_what, breakIt, problem) => {
    const agent = agentOf();
    breakIt(agent);
    expect(crdProblems(agent)).toContain(problem);
  });
});

/** The CRD's schema node at a path (`spec.declarative.tools[].mcpServer`). */
function schemaAt(path: string): any {
  const [{ schema }] = crdVersions();
  return path.split('.').reduce((node, step) => {
    const field = step.replace(/\[\]$/, '');
    const child = node.properties[field];
    return step.endsWith('[]') ? child.items : child;
  }, schema);
}

describe("the CRD's CEL rules on what we emit (x-kubernetes-validations)", () => {
  /** Every CEL rule on a schema node that our Agent (write tools on) has a value at: the rules the API server runs on it. */
  function rulesOnOurAgent(): { at: string; rule: string; message: string }[] {
    const found: { at: string; rule: string; message: string }[] = [];
    const walk = (value: any, node: any, at: string) => {
      for (const { rule, message } of node['x-kubernetes-validations'] ?? []) found.push({ at, rule, message });
      if (Array.isArray(value)) value.forEach((item) => walk(item, node.items, `${at}[]`));
      else if (value !== null && typeof value === 'object' && node.properties) {
        for (const [field, child] of Object.entries(value)) if (node.properties[field]) walk(child, node.properties[field], at ? `${at}.${field}` : field);
      }
    };
    walk(agentOf(), crdVersions()[0].schema, '');
    return [...new Map(found.map((rule) => [`${rule.at} ${rule.rule}`, rule])).values()];
  }

  it('are all mirrored, word for word, at the paths where the API server runs them on our Agent', () => {
    const mirrored = CEL_RULES.map(({ at, rule, message }) => ({ at, rule, message }));
    expect(mirrored.length).toBeGreaterThan(0);
    expect(mirrored).toEqual(rulesOnOurAgent());
  });

  const breakages: Record<string, (agent: any) => void> = {
    'has(self.type)': (agent) => delete agent.spec.type,
    "self.type == 'Declarative' || self.type == 'BYO'": (agent) => (agent.spec.type = 'Other'),
    "(self.type == 'Declarative' && has(self.declarative)) || (self.type == 'BYO' && has(self.byo))": (agent) => (agent.spec.type = 'BYO'),
    '!has(self.systemMessage) || !has(self.systemMessageFrom)': (agent) => (agent.spec.declarative.systemMessageFrom = { type: 'ConfigMap', name: 'm', key: 'k' }),
    "!(has(self.mcpServer) && self.type != 'McpServer')": (agent) => (agent.spec.declarative.tools[0].type = 'Agent'),
    "!(!has(self.mcpServer) && self.type == 'McpServer')": (agent) => delete agent.spec.declarative.tools[0].mcpServer,
    "!(has(self.agent) && self.type != 'Agent')": (agent) => (agent.spec.declarative.tools[0].agent = { name: 'other' }),
    "!(!has(self.agent) && self.type == 'Agent')": (agent) => agent.spec.declarative.tools.push({ type: 'Agent' }),
    '!has(self.requireApproval) || self.requireApproval.all(x, has(self.toolNames) && x in self.toolNames)': (agent) => agent.spec.declarative.tools[0].mcpServer.requireApproval.push('k8s_delete_resource'),
  };

  it('each has a breaking example', () => {
    expect(Object.keys(breakages).sort()).toEqual(CEL_RULES.map((rule) => rule.rule).sort());
  });

  it.each(CEL_RULES.map((rule) => [rule.message, rule] as const))('%s: holds for our Agent, fails when broken', (_message, rule) => {
    const agent = agentOf();
    expect(crdProblems(agent)).toEqual([]);
    breakages[rule.rule](agent);
    expect(crdProblems(agent)).toContain(`${rule.at}: ${rule.message}`);
  });
});

describe("the Agent's knowledge", () => {
  it("names each common failure as docs/troubleshooting.md's headings do", () => {
    const headings = readFileSync(join(ROOT, 'docs', 'troubleshooting.md'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('## '));
    for (const { symptom } of COMMON_FAILURES) expect({ symptom, inDocs: headings.some((heading) => heading.includes(symptom)) }).toEqual({ symptom, inDocs: true });
    expect(agentOf().spec.declarative.systemMessage).toContain(COMMON_FAILURES[0].symptom);
  });

  it('reads by default; tools that change the cluster only when listed, each behind approval', () => {
    const readOnly = agentOf({ writeTools: [] }).spec.declarative.tools[0].mcpServer;
    expect(readOnly.toolNames).toEqual(['k8s_get_resources', 'k8s_describe_resource', 'k8s_get_events', 'k8s_get_pod_logs']);
    expect(readOnly.requireApproval).toBeUndefined();
    const scaling = agentOf({ writeTools: ['k8s_scale'] }).spec.declarative.tools[0].mcpServer;
    expect(scaling.toolNames).toContain('k8s_scale');
    expect(scaling.requireApproval).toEqual(['k8s_scale']);
  });

  it('lives in kagent\'s namespace, where its ModelConfig and tool server are resolved', () => {
    const agent = agentOf({ namespace: 'ai-ops' });
    expect(agent.metadata).toMatchObject({ name: 'todo-chatbot-todo-chatbot-099bd83c-doctor', namespace: 'ai-ops' });
    expect(agent.spec.declarative.tools[0].mcpServer.namespace).toBeUndefined();
    // The CRD says so of the ModelConfig; a tool server in another namespace would need allowedNamespaces on its side.
    expect(schemaAt('spec.declarative.modelConfig').description).toContain('Must be in the same namespace as the Agent.');
  });

  it('is named for its deployment alone: two releases or namespaces never share an Agent (fast-check), and the name says whose', () => {
    const name = fc.stringMatching(/^[a-z]([a-z0-9-]{0,50}[a-z0-9])?$/);
    const pairs = fc.uniqueArray(fc.record({ name, namespace: name.filter((namespace) => releaseSchema.shape.namespace.safeParse(namespace).success) }), {
      minLength: 2,
      maxLength: 4,
      selector: ({ name: release, namespace }) => `${namespace}/${release}`,
    });
    // Hyphens in either part, and long names cut to fit, are where readable names alone collide.
    const ambiguous = [{ name: 'a-b', namespace: 'c' }, { name: 'a', namespace: 'b-c' }];
    fc.assert(
      fc.property(pairs, (releases) => {
        const names = releases.map((release) => agentOf({}, release).metadata.name as string);
        expect(new Set(names).size).toBe(releases.length);
        for (const [index, agentName] of names.entries()) {
          expect(agentName).toMatch(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/);
          expect(agentName.startsWith(releases[index].name.slice(0, 20))).toBe(true);
        }
      }),
      { examples: [[ambiguous]], numRuns: 60 },
    );
  });

  it('refuses a tool that is not one of the write tools it knows, with one line', () => {
    const values = { ...loadSettings().values, aiops: { kagent: { ...loadSettings().values.aiops.kagent, writeTools: ['k8s_delete_resource'] } } };
    expect(() => validateValues(values)).toThrow(ConfigError);
    try {
      validateValues(values);
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([expect.stringMatching(/^aiops\.kagent\.writeTools\[0\]: expected one of "k8s_scale", "k8s_rollout", got "k8s_delete_resource"$/)]);
    }
  });
});

describe('docs/aiops.md', () => {
  it('every YAML block is a kagent object valid against its CRD (the generated Agent among them)', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'aiops.md'), 'utf8');
    const blocks = [...doc.matchAll(/^```ya?ml\n([^]*?)^```$/gm)].map(([, block]) => block);
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) {
      const objects = parseAllDocuments(block).map((document) => document.toJS());
      for (const object of objects) expect({ kind: object.kind, problems: isImportedKind(object) ? crdProblems(object) : ['not a kagent kind we validate'] }).toEqual({ kind: object.kind, problems: [] });
    }
  });
});
