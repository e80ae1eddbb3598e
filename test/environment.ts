// Facts about the real components the integration tests run against.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { connect } from 'node:net';
import { parse as parseYaml } from 'yaml';

/** Reads `export NAME='value'` lines (what hack/*.sh up print) into a map. */
export function parseExports(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^export ([A-Z_][A-Z0-9_]*)=(?:'([^']*)'|"([^"]*)"|(\S*))/.exec(line.trim());
    if (m?.[1]) out[m[1]] = (m[2] ?? m[3] ?? m[4] ?? '').replace(/:?"?\$PATH"?$/, '');
  }
  return out;
}

interface KubeconfigFiles {
  server: string;
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

/** The admin credentials of a kubeconfig written by hack/control-plane.sh (file references). */
export function readKubeconfig(path: string): KubeconfigFiles {
  const doc = parseYaml(readFileSync(path, 'utf8'));
  const cluster = doc.clusters[0].cluster;
  const user = doc.users[0].user;
  return {
    server: cluster.server,
    ca: readFileSync(cluster['certificate-authority']),
    cert: readFileSync(user['client-certificate']),
    key: readFileSync(user['client-key']),
  };
}

/** GET a path on the apiserver with the admin identity; returns status and parsed JSON body. */
export function apiGet(kubeconfig: string, path: string): Promise<{ status: number; body: unknown }> {
  const kc = readKubeconfig(kubeconfig);
  const agent = new Agent({ ca: kc.ca, cert: kc.cert, key: kc.key });
  return new Promise((resolvePromise, reject) => {
    const req = request(new URL(path, kc.server), { agent, timeout: 10_000 }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        data += chunk;
      });
      res.on('end', () => {
        agent.destroy();
        let body: unknown = data;
        try {
          body = JSON.parse(data);
        } catch {
          // not JSON (e.g. /readyz prints "ok"); keep the text
        }
        resolvePromise({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** Sends one RESP command to Redis and returns the raw reply text. */
function redisCommand(url: string, ...args: string[]): Promise<string> {
  const u = new URL(url);
  return new Promise((resolvePromise, reject) => {
    const socket = connect({ host: u.hostname, port: Number(u.port || 6379) });
    let reply = '';
    socket.setTimeout(5_000, () => socket.destroy(new Error('redis timed out')));
    socket.on('connect', () => {
      socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
    });
    socket.on('data', (d) => {
      reply += d.toString('utf8');
      const m = /^\$(\d+)\r\n/.exec(reply);
      if (!m || reply.length >= m[0].length + Number(m[1])) socket.end();
    });
    socket.on('end', () => resolvePromise(reply));
    socket.on('error', reject);
  });
}

export async function redisVersion(url: string): Promise<string> {
  const info = await redisCommand(url, 'INFO', 'server');
  return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
}

export async function postgresVersion(url: string): Promise<string> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const res = await client.query<{ server_version: string }>('SHOW server_version');
    return res.rows[0]?.server_version ?? 'unknown';
  } finally {
    await client.end();
  }
}

export async function componentVersions(opts: { kubeconfig: string; databaseUrl: string; redisUrl: string }) {
  const version = await apiGet(opts.kubeconfig, '/version');
  return {
    kubeApiserver: (version.body as { gitVersion?: string }).gitVersion ?? 'unknown',
    postgres: await postgresVersion(opts.databaseUrl),
    redis: await redisVersion(opts.redisUrl),
  };
}
