import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadSettings } from '../src/config/load';
import { CHART_NAME } from '../src/model/helpers';
import { chartFiles } from '../src/outputs/helm/chart';
import { CHART_VERSION, synth } from '../src/synth';
import { untar } from './support/files';
import { parse } from 'yaml';
import { synthObjects } from '../src/outputs/raw';

const COMMITTED = join(__dirname, '..', 'charts', CHART_NAME);

function committedFiles(dir = COMMITTED): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) committedFiles(path).forEach((content, name) => files.set(name, content));
    else files.set(relative(COMMITTED, path), readFileSync(path, 'utf8'));
  }
  return files;
}

describe('chart source', () => {
  it('charts/ is current with the model (run `npm run synth` and commit when this fails)', () => {
    const generated = chartFiles(CHART_VERSION);
    expect(Object.fromEntries(committedFiles())).toEqual(Object.fromEntries(generated));
  });

  it('the .tgz holds exactly the chart source under todo-chatbot/, byte-identical from run to run', () => {
    const name = `${CHART_NAME}-${CHART_VERSION}.tgz`;
    const first = synth(loadSettings()).dist.get(name)?.content as Buffer;
    const second = synth(loadSettings()).dist.get(name)?.content as Buffer;
    expect(first.equals(second)).toBe(true);
    const packaged = untar(first);
    const expected = new Map([...chartFiles(CHART_VERSION)].map(([path, content]) => [`${CHART_NAME}/${path}`, content]));
    expect(Object.fromEntries(packaged)).toEqual(Object.fromEntries(expected));
  });

  it('values.yaml documents every key with a comment above it', () => {
    const text = chartFiles(CHART_VERSION).get('values.yaml');
    expect(text).toEqual(expect.any(String));
    const lines = text!.split('\n');
    let judged = 0;
    let listIndent = Infinity; // keys inside list items are described by the list's comment
    lines.forEach((line, index) => {
      const indent = line.search(/\S/);
      if (/^\s*- /.test(line)) listIndent = Math.min(listIndent, indent);
      else if (indent <= listIndent) listIndent = Infinity;
      if (indent <= listIndent && /^\s*[A-Za-z_]+:/.test(line)) {
        judged += 1;
        expect({ line, above: lines[index - 1] }).toEqual({ line, above: expect.stringMatching(/^\s*#/) });
      }
    });
    // Every top-level section and its keys: a values.yaml the loop could not read would judge none.
    expect(judged).toBeGreaterThan(50);
  });

  it('_helpers.tpl says above each define what it is, and writes each label once: label sets include the ones they extend', () => {
    const helpers = chartFiles(CHART_VERSION).get('templates/_helpers.tpl')!;
    const lines = helpers.split('\n');
    const defines = lines.flatMap((line, index) => (/^\{\{- define "/.test(line) ? [index] : []));
    expect(defines.length).toBeGreaterThan(15);
    for (const index of defines) expect({ define: lines[index], above: lines[index - 1] }).toEqual({ define: lines[index], above: expect.stringMatching(/^\{\{\/\* .{20,} \*\/\}\}$/) });
    for (const label of ['app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/managed-by', 'helm.sh/chart']) {
      expect({ label, times: lines.filter((line) => line.startsWith(`${label}:`)).length }).toEqual({ label, times: 1 });
    }
    const body = (name: string) => helpers.split(`{{- define "${CHART_NAME}.${name}" -}}\n`)[1].split('\n{{- end }}')[0];
    expect(body('labels')).toContain(`{{ include "${CHART_NAME}.selectorLabels" . }}`);
    for (const part of ['backend', 'frontend', 'test']) {
      expect(body(`${part}.labels`)).toBe(`{{ include "${CHART_NAME}.labels" . }}\napp.kubernetes.io/component: ${part}`);
      expect(body(`${part}.selectorLabels`)).toBe(`{{ include "${CHART_NAME}.selectorLabels" . }}\napp.kubernetes.io/component: ${part}`);
    }
  });

  it('writes YAML without anchors or aliases, even where the model shares objects', () => {
    for (const [path, content] of chartFiles(CHART_VERSION)) if (/\.ya?ml$/.test(path) && !path.startsWith('templates/')) expect({ path, anchors: content.match(/[&*]a\d+\b/g) }).toEqual({ path, anchors: null });
  });

  it('Chart.yaml targets Kubernetes 1.28 and up, apiVersion v2', () => {
    const chartYaml = chartFiles(CHART_VERSION).get('Chart.yaml') ?? '';
    expect(chartYaml).toContain('apiVersion: v2');
    expect(chartYaml).toContain('kubeVersion: ">=1.28.0-0"');
    expect(chartYaml).toContain(`version: ${CHART_VERSION}`);
  });

  it("Chart.yaml tells Artifact Hub the images the cloud profile runs, package.json's license, the source and what this version changed", () => {
    const { annotations } = parse(chartFiles(CHART_VERSION).get('Chart.yaml') ?? '') as { annotations: Record<string, string> };
    const images = (parse(annotations['artifacthub.io/images']) as { image: string }[]).map(({ image }) => image);
    const running = synthObjects(loadSettings({ profile: 'cloud' }))
      .filter((object) => object.kind === 'Deployment')
      .map((object) => object.spec.template.spec.containers[0].image as string);
    expect(images).toEqual(expect.arrayContaining(running));
    expect(images).toHaveLength(running.length + 1);
    expect(annotations['artifacthub.io/license']).toBe(JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')).license);
    expect(parse(annotations['artifacthub.io/links'])).toEqual([{ name: 'source', url: expect.stringMatching(/^https:\/\//) }]);
    const changes = parse(annotations['artifacthub.io/changes']) as { kind: string; description: string }[];
    expect(changes.length).toBeGreaterThan(0);
    for (const change of changes) expect(['added', 'changed', 'deprecated', 'removed', 'fixed', 'security']).toContain(change.kind);
  });

  it('renders numbers and booleans unquoted and strings quoted', () => {
    const deployment = chartFiles(CHART_VERSION).get('templates/backend-deployment.yaml') ?? '';
    expect(deployment).toContain('replicas: {{ .Values.backend.replicas | int }}');
    expect(deployment).toContain('imagePullPolicy: {{ .Values.backend.image.pullPolicy | quote }}');
    expect(deployment).not.toMatch(/: "\{\{/);
  });
});
