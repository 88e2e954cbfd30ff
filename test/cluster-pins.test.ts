import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { OLDEST_KUBERNETES } from '../src/outputs/helm/chart';
import { pinnedKubernetesMinors } from './cluster/support/pins';

const GO = join(__dirname, 'cluster', 'go');

/** The control plane tier's pins, checked without Go: the tier itself runs in npm run test:cluster. */
describe('the Kubernetes releases the control plane tier runs on', () => {
  const minors = pinnedKubernetesMinors();

  it("include the oldest minor Chart.yaml's kubeVersion admits, and a newer one", () => {
    const chart = parse(readFileSync(join(__dirname, '..', 'charts', 'todo-chatbot', 'Chart.yaml'), 'utf8'));
    expect(chart.kubeVersion).toBe(`>=${OLDEST_KUBERNETES}.0-0`);
    expect(minors[0]).toBe(`v${OLDEST_KUBERNETES}`);
    expect(minors.length).toBeGreaterThanOrEqual(2);
  });

  it.each(minors)('%s: k8s.io/kubernetes and every staging module it replaces are at the same release', (minor) => {
    const modfile = readFileSync(join(GO, `kubernetes-${minor}.mod`), 'utf8');
    const kubernetes = new RegExp(`^\\s*k8s\\.io/kubernetes (${minor.replace('.', '\\.')}\\.(\\d+))\\b`, 'm').exec(modfile);
    expect(kubernetes).not.toBeNull();
    const staging = `v0.${minor.split('.')[1]}.${kubernetes?.[2]}`;
    const replaced = [...modfile.matchAll(/^replace (\S+) => (\S+) (\S+)$/gm)];
    expect(replaced.length).toBeGreaterThan(20);
    expect(replaced.filter(([, from, to, version]) => from !== to || version !== staging).map(([line]) => line)).toEqual([]);
    expect(readFileSync(join(GO, `kubernetes-${minor}.sum`), 'utf8')).toContain(`k8s.io/kubernetes ${kubernetes?.[1]} h1:`);
  });

  it('pin kwok at a release, with its go.sum', () => {
    const version = /^\s*sigs\.k8s\.io\/kwok (v\d+\.\d+\.\d+)\b/m.exec(readFileSync(join(GO, 'kwok', 'go.mod'), 'utf8'))?.[1];
    expect(version).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(readFileSync(join(GO, 'kwok', 'go.sum'), 'utf8')).toContain(`sigs.k8s.io/kwok ${version} h1:`);
  });
});
