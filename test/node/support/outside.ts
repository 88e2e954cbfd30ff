/*
 * The world outside the cluster, on this machine: a network namespace of the tier's own, reached from the
 * node through one veth pair, with an address from the documentation range 192.0.2.0/24 (a /32, more
 * specific than any route this machine has for that range, so nothing for it ever leaves the machine).
 * In it run a real PostgreSQL (the stand-in for Neon, as DATABASE_URL names it), an HTTPS listener on 443
 * (the stand-in for the OpenAI API) and a plain listener on a port outside `networkPolicy.backendEgress`,
 * for the policies to deny. All of it lives in the node's state folder; restoreHost (host.ts) removes the
 * namespace, the link and every process in them.
 */
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { launch, makeCertificate, Started, waitFor } from '../../cluster/support/cluster';
import { OUTSIDE_LINK } from './network';

export const OUTSIDE_NETNS = 'todo-chatbot-outside';
const OUTSIDE_PEER_LINK = 'tcout1';
/** The outside services' one address. */
export const OUTSIDE_IP = '192.0.2.202';
/** The node's end: link-local, so that this machine claims no address of the documentation range. */
const NODE_SIDE_IP = '169.254.202.1';
export const OUTSIDE_PORTS = { postgres: 5432, https: 443, denied: 8080 } as const;
const DATABASE = 'todo';
const DATABASE_USER = 'todo';
/** PostgreSQL refuses to run as root: it runs as nobody. */
const NOBODY = 65534;

/** Runs a command of the machine's own (ip, ctr, ...) and gives its output; throws, with its stderr, when it fails. */
export function sh(command: string, args: readonly string[]): string {
  return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The newest PostgreSQL whose server programs Debian installed (postgresql-NN). */
function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((name) => existsSync(join(root, name, 'bin', 'postgres'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error("the outside world's PostgreSQL is missing: no /usr/lib/postgresql/NN/bin/postgres (apt-get install postgresql-15)");
  return join(root, newest, 'bin');
}

/** Whether a TCP connection from this machine, through the veth pair, to the outside address and `port` opens. */
async function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: OUTSIDE_IP, port, timeout: 1000 });
    const done = (opened: boolean) => {
      socket.destroy();
      resolve(opened);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

function createNamespace(): void {
  for (const address of [OUTSIDE_IP, NODE_SIDE_IP]) {
    if (sh('ip', ['-o', 'addr', 'show']).includes(` ${address}/`)) throw new Error(`${address} is an address of this machine already: the outside world needs it for itself`);
  }
  sh('ip', ['netns', 'add', OUTSIDE_NETNS]);
  sh('ip', ['link', 'add', OUTSIDE_LINK, 'type', 'veth', 'peer', 'name', OUTSIDE_PEER_LINK, 'netns', OUTSIDE_NETNS]);
  sh('ip', ['addr', 'add', NODE_SIDE_IP, 'peer', `${OUTSIDE_IP}/32`, 'dev', OUTSIDE_LINK]);
  sh('ip', ['link', 'set', OUTSIDE_LINK, 'up']);
  const inside = (...args: string[]) => sh('ip', ['netns', 'exec', OUTSIDE_NETNS, 'ip', ...args]);
  inside('link', 'set', 'lo', 'up');
  inside('addr', 'add', `${OUTSIDE_IP}/32`, 'dev', OUTSIDE_PEER_LINK);
  inside('link', 'set', OUTSIDE_PEER_LINK, 'up');
  inside('route', 'add', NODE_SIDE_IP, 'dev', OUTSIDE_PEER_LINK);
  // Back to the node (its pods, the cluster's ranges) and nowhere else: no default route out of here.
  inside('route', 'add', '10.0.0.0/8', 'via', NODE_SIDE_IP);
}

/** A command run inside the namespace; `user` drops root first (and the parent-death signal is set after, which a change of user would clear). */
function inNamespace(dir: string, name: string, command: string, args: readonly string[], user?: number): Started {
  const asUser = user === undefined ? [] : ['setpriv', `--reuid=${user}`, `--regid=${user}`, '--clear-groups', '--', 'setpriv', '--pdeathsig', 'KILL', '--'];
  return launch(dir, name, 'ip', ['netns', 'exec', OUTSIDE_NETNS, ...asUser, command, ...args]);
}

async function startPostgres(dir: string, password: string): Promise<Started> {
  const bin = postgresBin();
  const data = join(dir, 'postgres');
  mkdirSync(data, { mode: 0o700 });
  chownSync(data, NOBODY, NOBODY);
  const passwordFile = join(dir, 'postgres-password');
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  chownSync(passwordFile, NOBODY, NOBODY);
  execFileSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--', join(bin, 'initdb'), '-D', data, '-U', DATABASE_USER, `--pwfile=${passwordFile}`, '--auth-host=scram-sha-256', '--auth-local=trust', '--no-sync'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // Password logins over TCP from anywhere that reaches the namespace (the cluster's pods); the socket,
  // in the data folder only nobody may enter, trusts its users (createdb below).
  writeFileSync(join(data, 'pg_hba.conf'), 'host all all 0.0.0.0/0 scram-sha-256\n', { flag: 'a' });
  const postgres = inNamespace(
    dir,
    'outside-postgres',
    join(bin, 'postgres'),
    ['-D', data, '-c', `listen_addresses=${OUTSIDE_IP}`, '-c', `port=${OUTSIDE_PORTS.postgres}`, '-c', `unix_socket_directories=${data}`, '-c', 'fsync=off'],
    NOBODY,
  );
  await waitFor(postgres, `listening on ${OUTSIDE_IP}:${OUTSIDE_PORTS.postgres}`, () => answers(OUTSIDE_PORTS.postgres));
  execFileSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--', join(bin, 'createdb'), '-h', data, '-U', DATABASE_USER, DATABASE], { stdio: ['ignore', 'ignore', 'pipe'] });
  return postgres;
}

export interface Outside {
  readonly processes: Started[];
  /** The env file for README's `kubectl create secret generic --from-env-file`: DATABASE_URL names the outside PostgreSQL. */
  readonly secretEnvFile: string;
  /** The CA that signed the HTTPS stand-in's certificate (PEM), for a client that verifies it. */
  readonly caFile: string;
}

/**
 * Starts the outside world in `dir` (the node's state folder); the CA in `certsDir` (`ca.crt`, `ca.key`:
 * the test cluster's) signs the HTTPS stand-in's certificate.
 */
export async function startOutside(dir: string, certsDir: string): Promise<Outside> {
  createNamespace();
  const outsideDir = join(dir, 'outside');
  mkdirSync(join(outsideDir, 'logs'), { recursive: true });
  // A fresh password each run, kept in files only: it is never an argument, a log line or an error.
  const password = randomBytes(18).toString('base64url');
  const processes: Started[] = [];
  try {
    processes.push(await startPostgres(outsideDir, password));
    makeCertificate(certsDir, 'outside-https', '/CN=api.openai.test', `subjectAltName=IP:${OUTSIDE_IP}\nextendedKeyUsage=serverAuth`);
    const server = inNamespace(outsideDir, 'outside-listeners', process.execPath, [
      '-r',
      join(__dirname, '..', '..', '..', 'scripts', 'register.js'),
      join(__dirname, 'outside-listeners.ts'),
      OUTSIDE_IP,
      join(certsDir, 'outside-https.crt'),
      join(certsDir, 'outside-https.key'),
      JSON.stringify(OUTSIDE_PORTS),
    ]);
    processes.push(server);
    await waitFor(server, `HTTPS on ${OUTSIDE_IP}:${OUTSIDE_PORTS.https}`, async () => (await answers(OUTSIDE_PORTS.https)) && answers(OUTSIDE_PORTS.denied));
  } catch (error) {
    for (const started of processes) started.child.kill('SIGKILL');
    throw error;
  }
  const secretEnvFile = join(dir, 'secret.env');
  writeFileSync(
    secretEnvFile,
    [
      `DATABASE_URL=postgresql://${DATABASE_USER}:${password}@${OUTSIDE_IP}:${OUTSIDE_PORTS.postgres}/${DATABASE}?sslmode=disable`,
      'OPENAI_API_KEY=sk-not-a-key',
      'BETTER_AUTH_SECRET=not-a-secret',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  return { processes, secretEnvFile, caFile: join(certsDir, 'ca.crt') };
}

/** For the test files (global-setup.ts hands it over in NODE_SECRET_ENV_FILE): where the Secret's env file is. */
export function secretEnvFile(): string {
  const file = process.env.NODE_SECRET_ENV_FILE;
  if (!file) throw new Error('NODE_SECRET_ENV_FILE is not set: the node tier runs through jest.node.config.js');
  return file;
}
