import path from 'node:path';
import { BinaryNotFound, describeServer, resolveOtherServerBinary, resolveServerBinary, resolveTools, serverLine, toolsLine } from './harness/runner/binary.ts';
import { helpText, parseArgs, UsageError } from './harness/runner/cli.ts';
import { START_SERVER_FAILURE } from './harness/core/messages.ts';
import { readDurations } from './harness/runner/reports.ts';
import { drawSeed } from './harness/core/rng.ts';
import { defaultClients, runUnits } from './harness/runner/runner.ts';
import { selectUnits, shardUnits } from './harness/runner/selection.ts';
import { defaultSettings } from './harness/core/settings.ts';
import { shellQuote } from './harness/core/processes.ts';
import { CertificateError, CLIENT_CERT_FILES, generateCertificates, missingCertificates, SERVER_CERT_FILES } from './harness/servers/tls.ts';

/** Generous: a hung test is reported and its unit abandoned, long before Tcl's global watchdog. */
const DEFAULT_TEST_TIMEOUT = 600;

function durationsOrUsage(file: string): Map<string, number> {
  try {
    return readDurations(file);
  } catch (err) {
    throw new UsageError(`${(err as Error).message}: pass a file written by --json`);
  }
}

async function main(argv: string[]): Promise<number> {
  const options = parseArgs(argv);
  if (options.help) {
    process.stdout.write(helpText() + '\n');
    return 0;
  }
  if (options.unsupported.length > 0) throw new UsageError(`${options.unsupported.join(', ')}: not supported by runtest-ts (remove the flag)`);
  const selected = selectUnits(options);
  const units = options.shard ? shardUnits(selected, options.shard, options.durations ? durationsOrUsage(options.durations) : undefined) : selected;
  if (options.shard && !options.quiet && !options.tap) {
    process.stdout.write(`shard ${options.shard.index}/${options.shard.total}: ${units.length} of ${selected.length} unit(s): ${units.join(' ')}\n`);
  }
  if (options.listTests) {
    for (const unit of units) process.stdout.write(unit + '\n');
    return 0;
  }
  if (units.length === 0) throw new UsageError('no unit selected: check --single, --skipunit and --skip-till (see ./runtest --list-tests)');
  // TLS mode: the given certificates, checked now, or a fresh set made in the run directory.
  const tlsCertDir = options.tlsCertDir ? path.resolve(options.tlsCertDir) : '';
  if (tlsCertDir) {
    const missing = missingCertificates(tlsCertDir, options.external ? CLIENT_CERT_FILES : SERVER_CERT_FILES);
    if (missing) throw new UsageError(`--tls-cert-dir: ${missing}: point it at a directory made as utils/gen-test-certs.sh makes tests/tls`);
  }
  const binary = options.external ? 'redis-server' : resolveServerBinary(options.server);
  const otherBinary = resolveOtherServerBinary(options.otherServer);
  const { tools, warnings } = resolveTools(options.external ? null : binary);
  const identity = options.external ? undefined : (describeServer(binary) ?? undefined);
  const otherIdentity = otherBinary ? (describeServer(otherBinary) ?? undefined) : undefined;
  const seed = options.seed ?? drawSeed();
  // One worker against an external server, as Tcl runs one client there: units flush it.
  const clients = options.external ? 1 : (options.clients ?? defaultClients());
  const loops = options.loop || options.untilFail ? Infinity : (options.loops ?? 1);
  if (!options.quiet && !options.tap) {
    const target = `${options.external ? `external server ${options.host}:${options.port}` : binary}${options.tls ? ' over TLS' : ''}`;
    const copies = options.repeat > 1 ? `, ${options.repeat} copies of each at once` : '';
    process.stdout.write(`runtest-ts: ${units.length} unit(s)${copies} against ${target}, ${clients} client(s), seed ${seed}\n`);
    if (!options.external) process.stdout.write(serverLine('server', binary, identity ?? null) + '\n');
    if (otherBinary) process.stdout.write(serverLine('other server', otherBinary, otherIdentity ?? null) + '\n');
    process.stdout.write(toolsLine(tools) + '\n');
  }
  // On stderr, so they show with --quiet and never break --tap's stdout.
  for (const line of warnings) process.stderr.write(line + '\n');
  const base = ['./runtest', ...(options.server ? ['--server', options.server] : []), ...(otherBinary ? ['--other-server', otherBinary] : []), ...(options.external ? ['--host', options.host, '--port', String(options.port)] : [])];
  for (const [k, v] of options.globalOverrides) base.push('--config', k, v);
  if (options.singledb) base.push('--singledb');
  // A --repeat copy reruns with the run's own filters: what it ran, under its seed.
  const filters = [
    ...options.only.flatMap((p) => ['--only', shellQuote(p)]),
    ...options.skipTests.flatMap((p) => ['--skiptest', shellQuote(p)]),
    ...(options.allowTags.length + options.denyTags.length > 0 ? ['--tags', shellQuote([...options.allowTags, ...options.denyTags.map((t) => `-${t}`)].join(' '))] : []),
    ...(options.accurate ? ['--accurate'] : []),
    ...(options.largeMemory ? ['--large-memory'] : []),
  ];
  if (options.tls) base.push('--tls', ...(options.tlsCertDir ? ['--tls-cert-dir', shellQuote(options.tlsCertDir)] : []));
  const prepareRun = options.tls && !tlsCertDir
    ? async (runDir: string) => {
        const tlsDir = path.join(runDir, 'tls');
        await generateCertificates(tlsDir);
        return { tlsDir };
      }
    : undefined;
  const result = await runUnits({
    units,
    settings: defaultSettings({
      binary,
      otherBinary,
      tools,
      host: options.host,
      port: options.port,
      external: options.external,
      flushExternal: options.flushExternal,
      singledb: options.singledb,
      only: options.only,
      skipTests: options.skipTests,
      allowTags: options.allowTags,
      denyTags: options.denyTags,
      largeMemory: options.largeMemory,
      clusterMode: options.clusterMode,
      tls: options.tls,
      tlsDir: tlsCertDir,
      forceFailure: options.forceFailure,
      durable: options.durable,
      accurate: options.accurate,
      noLatency: options.noLatency,
      dumpLogs: options.dumpLogs,
      verbose: options.verbose,
      ignoreEncoding: options.ignoreEncoding,
      ignoreDigest: options.ignoreDigest,
      globalOverrides: options.globalOverrides,
      baseport: options.baseport,
      portcount: options.portcount,
      seed,
      testTimeout: options.testTimeout ?? DEFAULT_TEST_TIMEOUT,
      artifactsDir: options.artifacts ? path.resolve(options.artifacts) : '',
      waitServer: options.waitServer,
    }),
    clients,
    timeoutSeconds: options.timeout,
    quiet: options.quiet,
    fastfail: options.fastfail,
    stopOnFailure: options.stopOnFailure,
    dontClean: options.dontClean,
    dontPreClean: options.dontPreClean,
    prepareRun,
    loops,
    untilFail: options.untilFail,
    repeat: options.repeat,
    htmlDir: options.html,
    commandLine: ['./runtest', ...argv.map(shellQuote)].join(' '),
    github: options.github || process.env.GITHUB_ACTIONS === 'true',
    tap: options.tap,
    junitFile: options.junit,
    jsonFile: options.json,
    serverIdentity: identity,
    otherServerIdentity: otherIdentity && { binary: otherBinary, ...otherIdentity },
    rerunCommand: (unit, name, testSeed) =>
      name === undefined
        ? [...base, '--single', unit, ...filters, '--seed', String(testSeed)].join(' ')
        : [...base, '--single', unit, ...(name === START_SERVER_FAILURE ? [] : ['--only', shellQuote(name)]), '--seed', String(testSeed)].join(' '),
  });
  return result.exitCode;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof UsageError || err instanceof BinaryNotFound || err instanceof CertificateError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
