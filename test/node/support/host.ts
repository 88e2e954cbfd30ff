/*
 * What the node tier changes on this machine, and how it puts it back. A node changes the host as a
 * kubelet does: processes, a bridge and veth pairs, network namespaces, iptables rules and ipsets, mounts,
 * cgroups and sysctls. Before the node starts, `recordHost` writes down what it will have to restore (sysctls,
 * the network namespaces and nft tables already there) in the node's state folder; `restoreHost` undoes
 * everything the node may have made, from that record alone, so it also works after the runner was
 * killed (test/node/run.sh calls it on any exit). `hostFingerprint` is what run.sh compares before and
 * after a run: the machine as found.
 *
 * CLI: node -r scripts/register.js test/node/support/host.ts restore | fingerprint | state-dir
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BRIDGE, CGROUP_ROOT, CLUSTER_CIDR, OUTSIDE_LINK, SERVICE_CIDR } from './network';

/** Sysctls a kubelet, kube-proxy or the bridge plugin is known to set (and route_localnet, kube-proxy's NodePorts on localhost). */
const SYSCTLS = [
  'kernel.panic',
  'kernel.panic_on_oops',
  'vm.overcommit_memory',
  'vm.panic_on_oom',
  'kernel.keys.root_maxkeys',
  'kernel.keys.root_maxbytes',
  'net.ipv4.ip_forward',
  'net.ipv4.conf.all.forwarding',
  'net.ipv4.conf.all.route_localnet',
  'net.bridge.bridge-nf-call-iptables',
  'net.bridge.bridge-nf-call-ip6tables',
  'net.netfilter.nf_conntrack_max',
  'net.netfilter.nf_conntrack_tcp_timeout_established',
  'net.netfilter.nf_conntrack_tcp_timeout_close_wait',
  'net.netfilter.nf_conntrack_tcp_be_liberal',
  'net.ipv6.conf.all.forwarding',
];

/** Chains that kube-proxy, the kubelet and the CNI plugins create: their rules and the jumps into them go. */
const OUR_CHAINS = /^(KUBE-|CNI-)/;

interface HostRecord {
  readonly sysctls: Record<string, string>;
  readonly netns: string[];
  readonly nftTables: string[];
  /** kube-router keeps a NetworkPolicy's peers in ipsets. */
  readonly ipsets: string[];
  /** `ip netns add` makes /run/netns, and a mount of it onto itself, on the machine's first named namespace. */
  readonly runNetns: { readonly existed: boolean; readonly mounted: boolean };
}

const RUN_NETNS = '/run/netns';

function run(command: string, args: readonly string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', input, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

function readSysctl(name: string): string | undefined {
  const path = join('/proc/sys', ...name.split('.'));
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : undefined;
}

function writeSysctl(name: string, value: string): void {
  const path = join('/proc/sys', ...name.split('.'));
  if (existsSync(path) && readSysctl(name) !== value) writeFileSync(path, `${value}\n`);
}

function netnsNames(): string[] {
  return existsSync(RUN_NETNS) ? readdirSync(RUN_NETNS).sort() : [];
}

function nftTables(): string[] {
  return run('nft', ['list', 'tables']).stdout.trim().split('\n').filter(Boolean).sort();
}

function ipsetNames(): string[] {
  return run('ipset', ['list', '-n']).stdout.trim().split('\n').filter(Boolean).sort();
}

/** The node's one state folder, at a fixed place, so that a later run, or run.sh after Ctrl-C, finds and undoes what a killed run left. */
export const STATE_DIR = '/tmp/todo-chatbot-node';

const RECORD = 'host-record.json';

/** Writes what restoreHost needs into the state folder; called before the node changes anything. */
export function recordHost(stateDir: string): void {
  const sysctls: Record<string, string> = {};
  for (const name of SYSCTLS) {
    const value = readSysctl(name);
    if (value !== undefined) sysctls[name] = value;
  }
  const runNetns = { existed: existsSync(RUN_NETNS), mounted: mountPoints().includes(RUN_NETNS) };
  const record: HostRecord = { sysctls, netns: netnsNames(), nftTables: nftTables(), ipsets: ipsetNames(), runNetns };
  writeFileSync(join(stateDir, RECORD), JSON.stringify(record, null, 2));
}

/** The mount points of this machine, deepest first. */
function mountPoints(): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(' ')[4].replace(/\\040/g, ' '))
    .reverse();
}

/** Every cgroup v1 hierarchy's folder for the node's pods. */
function podCgroupRoots(): string[] {
  return readdirSync('/sys/fs/cgroup')
    .map((hierarchy) => join('/sys/fs/cgroup', hierarchy, CGROUP_ROOT))
    .filter((path) => existsSync(path));
}

/** The cgroup folders below `root`, deepest first. */
function cgroupsBelow(root: string): string[] {
  const children = readdirSync(root, { withFileTypes: true }).filter((entry) => entry.isDirectory());
  return [...children.flatMap((entry) => cgroupsBelow(join(root, entry.name))), root];
}

function killCgroupProcesses(): void {
  for (const root of podCgroupRoots()) {
    for (const cgroup of cgroupsBelow(root)) {
      const procs = join(cgroup, 'cgroup.procs');
      if (!existsSync(procs)) continue;
      for (const pid of readFileSync(procs, 'utf8').trim().split('\n').filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // gone already
        }
      }
    }
  }
}

/** Processes whose command line names the state folder: containerd's shims (started detached, so no parent's death ends them). */
function killProcessesOf(stateDir: string): void {
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)) {
    let cmdline = '';
    try {
      cmdline = readFileSync(join('/proc', pid, 'cmdline'), 'utf8');
    } catch {
      continue;
    }
    if (cmdline.includes(stateDir)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // gone already
      }
    }
  }
}

function removeCgroups(): void {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    let left = 0;
    for (const root of podCgroupRoots()) {
      for (const cgroup of cgroupsBelow(root)) {
        // rmdir, not rm: a cgroup folder holds pseudo-files that cannot be removed one by one.
        try {
          rmdirSync(cgroup);
        } catch {
          left += 1;
        }
      }
    }
    if (left === 0) return;
    // A killed process leaves its cgroup a moment after SIGKILL.
    spawnSync('sleep', ['0.1']);
  }
}

/**
 * Removes our chains, their rules and every rule that jumps into them, in every table of iptables or
 * ip6tables: the tables are saved, those lines dropped, and restored whole (iptables-restore replaces each
 * table it is given), so every other rule stays as it was.
 */
function removeChains(tool: 'iptables' | 'ip6tables'): void {
  const saved = run(`${tool}-save`, []).stdout;
  if (!saved.trim()) return;
  const kept = saved.split('\n').filter((line) => {
    if (line.startsWith(':')) return !OUR_CHAINS.test(line.slice(1));
    if (!line.startsWith('-A ')) return true;
    const target = /-[jg] (\S+)/.exec(line)?.[1];
    return !OUR_CHAINS.test(line.split(' ')[1]) && !(target && OUR_CHAINS.test(target));
  });
  const restored = run(`${tool}-restore`, [], kept.join('\n'));
  if (restored.status !== 0) process.stderr.write(`${tool}-restore failed: ${restored.stderr}`);
}

/**
 * Undoes all the node may have done, in the order that lets each step succeed: processes first (their
 * mounts and cgroups are busy until then), then mounts, network, iptables, conntrack, sysctls, cgroups,
 * and last the state folder. Safe to call twice, or when nothing was started.
 */
export function restoreHost(stateDir: string): void {
  const recordFile = join(stateDir, RECORD);
  if (!existsSync(recordFile)) return;
  const record = JSON.parse(readFileSync(recordFile, 'utf8')) as HostRecord;
  killProcessesOf(stateDir);
  killCgroupProcesses();
  const newNetns = netnsNames().filter((name) => !record.netns.includes(name));
  // What runs in a namespace of ours (the outside world's servers, started as other users) goes with it.
  for (const name of newNetns) {
    for (const pid of run('ip', ['netns', 'pids', name]).stdout.trim().split('\n').filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // gone already
      }
    }
  }
  for (const mount of mountPoints()) {
    if (mount.startsWith(`${stateDir}/`) || newNetns.some((name) => mount === join(RUN_NETNS, name))) run('umount', ['-l', mount]);
  }
  for (const name of newNetns) rmSync(join(RUN_NETNS, name), { force: true });
  if (!record.runNetns.mounted && mountPoints().includes(RUN_NETNS)) run('umount', [RUN_NETNS]);
  if (!record.runNetns.existed && existsSync(RUN_NETNS) && readdirSync(RUN_NETNS).length === 0) rmSync(RUN_NETNS, { recursive: true });
  const ports = run('ip', ['-o', 'link', 'show', 'master', BRIDGE]).stdout;
  for (const [, port] of ports.matchAll(/^\d+: ([^@:]+)/gm)) run('ip', ['link', 'delete', port]);
  run('ip', ['link', 'delete', BRIDGE]);
  run('ip', ['link', 'delete', OUTSIDE_LINK]);
  removeChains('iptables');
  removeChains('ip6tables');
  // Once no rule refers to them.
  for (const set of ipsetNames().filter((name) => !record.ipsets.includes(name))) run('ipset', ['destroy', set]);
  // iptables-nft makes a table on first use: one that was not there before the node goes again.
  for (const table of nftTables().filter((table) => !record.nftTables.includes(table))) run('nft', ['delete', ...table.split(' ')]);
  for (const cidr of [CLUSTER_CIDR, SERVICE_CIDR]) {
    run('conntrack', ['-D', '-s', cidr]);
    run('conntrack', ['-D', '-d', cidr]);
  }
  for (const [name, value] of Object.entries(record.sysctls)) writeSysctl(name, value);
  removeCgroups();
  rmSync(stateDir, { recursive: true, force: true });
}

/** Sysctls that change on their own (counters, random values) or belong to one interface (links are compared apart). */
const VOLATILE_SYSCTL = /^(fs\.(dentry-state|file-nr|inode-nr|inode-state|quota\.)|kernel\.(random\.|ns_last_pid|pty\.nr|sched_domain)|net\.netfilter\.nf_conntrack_count|net\.(ipv4|ipv6)\.(conf|neigh)\.(?!all\.|default\.)|net\.ipv6\.route\.gc_|vm\.(stat|nr_|zone))/;

/**
 * What run.sh compares before and after the tier: the links, network namespaces, routes, iptables and
 * nft rules, mounts, cgroups, sysctls, and the processes of the kinds the node starts.
 */
export function hostFingerprint(): Record<string, string[]> {
  const lines = (text: string) => text.trim().split('\n').filter(Boolean);
  const rulesOnly = (text: string) => lines(text).filter((line) => !line.startsWith('#')).map((line) => line.replace(/\[\d+:\d+\]/g, ''));
  const processNames = /^(containerd|containerd-shim.*|runc|kubelet|kube-proxy|kube-router|kube-apiserver|kube-controller|kube-scheduler|etcd|coredns|pause|dockerd|uvicorn|next-server.*|postgres)$/;
  const processes = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map((pid) => {
      try {
        return readFileSync(join('/proc', pid, 'comm'), 'utf8').trim();
      } catch {
        return '';
      }
    })
    .filter((name) => processNames.test(name))
    .sort();
  const sysctls = lines(run('sysctl', ['-a']).stdout).filter((line) => !VOLATILE_SYSCTL.test(line));
  const cgroups = readdirSync('/sys/fs/cgroup').flatMap((hierarchy) => {
    const root = join('/sys/fs/cgroup', hierarchy);
    return existsSync(join(root, 'cgroup.procs')) ? cgroupsBelow(root) : [];
  });
  return {
    processes,
    links: lines(run('ip', ['-o', 'link', 'show']).stdout).map((line) => line.replace(/^\d+: /, '').split(' ')[0]).sort(),
    netns: netnsNames(),
    ipsets: ipsetNames(),
    routes: lines(run('ip', ['route', 'show', 'table', 'all']).stdout),
    iptables: rulesOnly(run('iptables-save', []).stdout),
    ip6tables: rulesOnly(run('ip6tables-save', []).stdout),
    nft: lines(run('nft', ['list', 'ruleset']).stdout),
    mounts: mountPoints().sort(),
    cgroups: cgroups.sort(),
    sysctls,
    // What the tier's runs make in the temporary folder (a control plane's folder, a synth's output).
    temporaryFolders: readdirSync(tmpdir()).filter((name) => name.startsWith('todo-chatbot-')).sort(),
  };
}

if (require.main === module) {
  const [command] = process.argv.slice(2);
  if (command === 'restore') restoreHost(STATE_DIR);
  else if (command === 'fingerprint') process.stdout.write(`${JSON.stringify(hostFingerprint(), null, 1)}\n`);
  else if (command === 'state-dir') process.stdout.write(`${STATE_DIR}\n`);
  else {
    process.stderr.write('usage: host.ts restore | fingerprint | state-dir\n');
    process.exit(2);
  }
}
