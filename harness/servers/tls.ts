// TLS mode (--tls): the run's certificates, and what servers, clients and tools are given to use
// them. The roles are those of Redis's utils/gen-test-certs.sh: a CA; server.crt (server use only)
// for the servers; client.crt (client use only) for the harness's clients, tools and the servers'
// outgoing links; redis.crt (no restriction) for tests that need one certificate for both ends.
// No redis.dh: with OpenSSL 3 the server picks DH parameters itself when none are configured.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Every certificate names both loopback forms, so a client may check it against either. */
const SUBJECT_ALT_NAME = 'subjectAltName = IP:127.0.0.1, DNS:localhost';

const EXTENSIONS = `[ server_cert ]
keyUsage = digitalSignature, keyEncipherment
nsCertType = server
${SUBJECT_ALT_NAME}

[ client_cert ]
keyUsage = digitalSignature, keyEncipherment
nsCertType = client
${SUBJECT_ALT_NAME}

[ generic_cert ]
${SUBJECT_ALT_NAME}
`;

const CERTS = [
  { name: 'server', cn: 'Server-only', section: 'server_cert' },
  { name: 'client', cn: 'Client-only', section: 'client_cert' },
  { name: 'redis', cn: 'Generic-cert', section: 'generic_cert' },
] as const;

/** What a client needs in a certificate directory (an external server's, with --tls-cert-dir). */
export const CLIENT_CERT_FILES = ['ca.crt', 'client.crt', 'client.key'] as const;
/** What the servers the harness starts need besides. */
export const SERVER_CERT_FILES = [...CLIENT_CERT_FILES, 'server.crt', 'server.key', 'redis.crt', 'redis.key'] as const;

export class CertificateError extends Error {
  override name = 'CertificateError';
}

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run('openssl', args, { cwd });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new CertificateError('--tls needs the openssl command to make certificates: install it (bash scripts/setup.sh does)');
    throw new CertificateError(`openssl ${args[0]} failed making the TLS certificates in ${cwd}: ${(e.stderr ?? e.message).trim().split('\n').pop()}`);
  }
}

/**
 * Makes a fresh CA and the server, client and generic certificates with their keys in `dir`
 * (once per run: RSA 2048, as the servers' tls-ciphers tests need RSA key exchange).
 */
export async function generateCertificates(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'openssl.cnf'), EXTENSIONS);
  await openssl(['req', '-x509', '-new', '-nodes', '-sha256', '-newkey', 'rsa:2048', '-keyout', 'ca.key', '-days', '3650',
    '-subj', '/O=Redis Test/CN=Certificate Authority', '-addext', SUBJECT_ALT_NAME, '-out', 'ca.crt'], dir);
  await Promise.all(
    CERTS.map(async ({ name, cn, section }, i) => {
      await openssl(['req', '-new', '-nodes', '-sha256', '-newkey', 'rsa:2048', '-keyout', `${name}.key`, '-subj', `/O=Redis Test/CN=${cn}`, '-out', `${name}.csr`], dir);
      // An explicit serial: the three signings run at once and must not share a serial file.
      await openssl(['x509', '-req', '-sha256', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', String(Date.now() * 10 + i),
        '-days', '365', '-extfile', 'openssl.cnf', '-extensions', section, '-out', `${name}.crt`], dir);
    }),
  );
}

/** The files of `needed` missing from dir, as one line naming them; '' when all are there. */
export function missingCertificates(dir: string, needed: readonly string[]): string {
  const missing = needed.filter((file) => !existsSync(path.join(dir, file)));
  return missing.length === 0 ? '' : `${dir} lacks ${missing.join(', ')}`;
}

/** The directives every server gets in TLS mode, before its template (as Tcl's start_server). */
export function serverTlsConfig(dir: string): Array<[string, string]> {
  return [
    ['tls-cert-file', path.join(dir, 'server.crt')],
    ['tls-key-file', path.join(dir, 'server.key')],
    ['tls-client-cert-file', path.join(dir, 'client.crt')],
    ['tls-client-key-file', path.join(dir, 'client.key')],
    ['tls-ca-cert-file', path.join(dir, 'ca.crt')],
  ];
}

/** The port directives in TLS mode, after the template: TLS on the port, no plain TCP listener. */
export function serverTlsPorts(port: number): Array<[string, string]> {
  return [
    ['port', '0'],
    ['tls-port', String(port)],
    ['tls-cluster', 'yes'],
    ['tls-replication', 'yes'],
  ];
}

/** Which certificate a TLS client presents: the run's client certificate, none, or another pair. */
export type ClientCertificate = 'client' | 'none' | { cert: string; key: string };

export interface TlsClientChoice {
  certificate?: ClientCertificate;
  /** OpenSSL cipher list (TLS 1.2). */
  ciphers?: string;
  minVersion?: ConnectionOptions['minVersion'];
  maxVersion?: ConnectionOptions['maxVersion'];
}

const fileCache = new Map<string, Buffer>();
function cached(file: string): Buffer {
  let data = fileCache.get(file);
  if (!data) {
    data = readFileSync(file);
    fileCache.set(file, data);
  }
  return data;
}

/**
 * node:tls options for a client of the run's servers: the CA is checked, as Tcl's client and the
 * servers' own links check it; the host name is not, as neither of them does (a test may reach a
 * server by another address).
 */
export function clientTlsOptions(dir: string, choice: TlsClientChoice = {}): ConnectionOptions {
  const certificate = choice.certificate ?? 'client';
  const pair = certificate === 'client' ? { cert: path.join(dir, 'client.crt'), key: path.join(dir, 'client.key') } : certificate === 'none' ? null : certificate;
  return {
    ca: cached(path.join(dir, 'ca.crt')),
    ...(pair ? { cert: cached(pair.cert), key: cached(pair.key) } : {}),
    checkServerIdentity: () => undefined,
    ...(choice.ciphers !== undefined ? { ciphers: choice.ciphers } : {}),
    ...(choice.minVersion !== undefined ? { minVersion: choice.minVersion } : {}),
    ...(choice.maxVersion !== undefined ? { maxVersion: choice.maxVersion } : {}),
  };
}

/** redis-cli and redis-benchmark arguments for TLS with the run's client certificate. */
export function toolTlsArgs(dir: string): string[] {
  return ['--tls', '--cert', path.join(dir, 'client.crt'), '--key', path.join(dir, 'client.key'), '--cacert', path.join(dir, 'ca.crt')];
}
