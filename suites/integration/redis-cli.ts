import { execa, type ResultPromise } from 'execa';
import { closeSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {
  suite,
  startServer,
  test,
  ctx,
  settings,
  assertEqual,
  assertMatch,
  assertError,
  fail,
  waitForCondition,
  populate,
  configGet,
  sleep,
  runTool,
  toolPath,
  cliArgs,
  formatCommand,
  stringMatch,
  type ServerHandle,
  tclCatch,
  tclExec,
  outputText,
  abnormalExit,
  type ExitInfo,
} from '../../harness/index.ts';

// ---------------------------------------------------------------------------------------------
// Running redis-cli the way the Tcl suite does: Tcl pipes read bytes (binary translation, so
// latin1 here), and a child that writes to stderr or exits non-zero makes the pipe's close fail.
// ---------------------------------------------------------------------------------------------

/** Environment of every redis-cli run: a dumb terminal, plus FAKETTY inside the TTY tests. */
let fakeTty = false;
function cliEnv(): Record<string, string> {
  return fakeTty ? { TERM: 'dumb', FAKETTY: '1' } : { TERM: 'dumb' };
}

function dbnum(): number {
  return settings().singledb ? 0 : 9;
}

const chompNewline = (s: string) => (s.endsWith('\n') ? s.slice(0, -1) : s);

/** The error a Tcl pipe channel raises on close: its stderr, else its abnormal exit; null when none. */
function pipeCloseError(stderr: string, exits: ExitInfo[]): string | null {
  if (stderr !== '') return chompNewline(stderr);
  for (const exit of exits) {
    const abnormal = abnormalExit(exit);
    if (abnormal) return abnormal;
  }
  return null;
}

/** Strips carriage returns and trailing newlines. */
function formatOutput(output: string): string {
  return output.replaceAll('\r', '').replace(/\n+$/, '');
}

const CLI_OPTIONS = { encoding: 'buffer', stripFinalNewline: false } as const;

/**
 * Non-interactive redis-cli on database `db` with args; stdin from a producer command's stdout
 * (a pipe) or from a file. Returns the formatted stdout, or throws like a failing Tcl pipe close.
 */
async function runCliOn(
  host: string,
  port: number,
  db: number,
  input: { pipe?: string[]; path?: string },
  args: string[],
): Promise<string> {
  const cliArguments = cliArgs({ host, port }, ['-n', String(db), ...args]);
  if (input.pipe) {
    const [file, ...producerArgs] = input.pipe;
    const producer = execa(file, producerArgs, { ...CLI_OPTIONS, reject: false, stdin: 'ignore' });
    const cli = runTool('redis-cli', cliArguments, { ...CLI_OPTIONS, env: cliEnv(), stdin: 'pipe' });
    const result = await producer.pipe(cli);
    const producerResult = await producer;
    // Like `sh -c "producer | cli"`: both stderrs count, the exit status is the cli's.
    const error = pipeCloseError(outputText(producerResult.stderr) + outputText(result.stderr), [result]);
    if (error !== null) throw new Error(error);
    return formatOutput(outputText(result.stdout));
  }
  const result = await runTool('redis-cli', cliArguments, {
    ...CLI_OPTIONS,
    env: cliEnv(),
    stdin: input.path ? { file: input.path } : 'ignore',
  });
  const error = pipeCloseError(outputText(result.stderr), [result]);
  if (error !== null) throw new Error(error);
  return formatOutput(outputText(result.stdout));
}

/** A redis-cli kept running with pipes on stdin and stdout, read without blocking as Tcl does. */
class CliProcess {
  private out: Buffer[] = [];
  private err: Buffer[] = [];
  private exited = false;
  readonly proc: ResultPromise;

  constructor(args: string[], stdinFile?: string) {
    this.proc = runTool('redis-cli', args, {
      encoding: 'buffer',
      buffer: false,
      env: cliEnv(),
      stdin: stdinFile ? { file: stdinFile } : 'pipe',
    });
    this.proc.stdout!.on('data', (chunk: Buffer) => this.out.push(chunk));
    this.proc.stderr!.on('data', (chunk: Buffer) => this.err.push(chunk));
    this.proc.then(
      () => (this.exited = true),
      () => (this.exited = true),
    );
  }

  private take(): string {
    const data = Buffer.concat(this.out).toString('latin1');
    this.out = [];
    return data;
  }

  /** Waits for some output, then keeps reading until it stays quiet for five 10 ms polls in a row. */
  async read(): Promise<string> {
    let ret = this.take();
    while (ret.length === 0) {
      if (this.exited) {
        ret = this.take();
        if (ret.length === 0) throw new Error(`redis-cli exited without more output: ${Buffer.concat(this.err).toString('latin1')}`);
        break;
      }
      await sleep(10);
      ret = this.take();
    }
    let emptyReads = 0;
    while (emptyReads < 5) {
      const more = this.take();
      if (more.length === 0) {
        await sleep(10);
        emptyReads++;
      } else {
        ret += more;
        emptyReads = 0;
      }
    }
    return ret;
  }

  /** Everything up to end of file (a blocking Tcl read). */
  async readAll(): Promise<string> {
    await this.proc.catch(() => undefined);
    return this.take();
  }

  write(line: string): void {
    this.proc.stdin!.write(Buffer.from(line + '\n', 'latin1'));
  }

  /**
   * Closes stdin and waits for the process; returns what a Tcl close raises, '' when nothing.
   * Without `blocking`, as for a non-blocking Tcl channel, nothing is reported and a process that
   * does not end on end of file is killed rather than waited for.
   */
  async close(blocking = false): Promise<string> {
    this.proc.stdin?.end();
    if (!blocking) {
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
      await this.proc.catch(() => undefined);
      clearTimeout(timer);
      return '';
    }
    const result = await this.proc;
    return pipeCloseError(Buffer.concat(this.err).toString('latin1'), [result]) ?? '';
  }
}

/** Opens redis-cli on the server (database dbnum unless options are given), stdin a pipe or a file. */
function openCli(server: ServerHandle, opts: string[] = [], infile?: string): CliProcess {
  const options = opts.length === 0 ? ['-n', String(dbnum())] : opts;
  return new CliProcess(cliArgs(server, options), infile);
}

async function runCommand(cli: CliProcess, cmd: string): Promise<string> {
  cli.write(cmd);
  return formatOutput(await cli.read());
}

function writeTmpfile(contents: string): string {
  const file = ctx().run.tmpfile('cli');
  writeFileSync(file, contents);
  return file;
}

// ---------------------------------------------------------------------------------------------
// A fake cluster node: replays a fixed dialogue (expected command, RESP reply) with each client.
// ---------------------------------------------------------------------------------------------

/** Reads a socket the way Tcl's read/gets do on an auto-translated channel. */
class SocketReader {
  private buf = Buffer.alloc(0);
  private ended = false;
  private wake: (() => void) | null = null;

  constructor(socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buf = Buffer.concat([this.buf, chunk]);
      this.notify();
    });
    const end = () => {
      this.ended = true;
      this.notify();
    };
    socket.on('end', end);
    socket.on('close', end);
    socket.on('error', end);
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private async more(): Promise<boolean> {
    if (this.ended) return false;
    await new Promise<void>((resolve) => (this.wake = resolve));
    return true;
  }

  /** Up to count bytes; fewer only at end of file. */
  async read(count: number): Promise<string> {
    while (this.buf.length < count && (await this.more()));
    const n = Math.min(count, this.buf.length);
    const data = this.buf.subarray(0, n).toString('latin1');
    this.buf = this.buf.subarray(n);
    return data;
  }

  /** One line without its line ending (\n, \r\n or \r). */
  async gets(): Promise<string> {
    for (;;) {
      const nl = this.buf.findIndex((b) => b === 0x0a || b === 0x0d);
      if (nl >= 0) {
        if (this.buf[nl] === 0x0d && nl + 1 >= this.buf.length && !this.ended) {
          await this.more();
          continue;
        }
        const line = this.buf.subarray(0, nl).toString('latin1');
        const skip = this.buf[nl] === 0x0d && this.buf[nl + 1] === 0x0a ? 2 : 1;
        this.buf = this.buf.subarray(nl + skip);
        return line;
      }
      if (!(await this.more())) {
        const line = this.buf.toString('latin1');
        this.buf = Buffer.alloc(0);
        return line;
      }
    }
  }
}

/** One command from the client as a space-separated string ('' at end of file). */
async function readFakeNodeCommand(reader: SocketReader): Promise<string> {
  const first = await reader.read(1);
  if (first === '') return '';
  if (first !== '*') return first + (await reader.gets());
  const count = Number(await reader.gets());
  const args: string[] = [];
  for (let i = 0; i < count; i++) {
    await reader.read(1);
    const len = Number(await reader.gets());
    args.push(await reader.read(len));
    await reader.gets();
  }
  return args.join(' ');
}

async function startFakeRedisNode(port: number, traffic: Array<[string, string]>): Promise<net.Server> {
  const server = net.createServer(async (socket) => {
    socket.on('error', () => undefined);
    const reader = new SocketReader(socket);
    for (const [expected, reply] of traffic) {
      if (socket.readableEnded || socket.destroyed) break;
      const cmd = await readFakeNodeCommand(reader);
      if (cmd.toLowerCase() === expected.toLowerCase()) {
        socket.write(reply + '\r\n');
      } else {
        socket.write(`-ERR unexpected command ${cmd}\r\n`);
        break;
      }
    }
    socket.end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1' }, () => resolve());
  });
  // The node goes away by itself after a while, whatever happens to the test.
  setTimeout(() => server.close(), 5000).unref();
  return server;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

// ---------------------------------------------------------------------------------------------

export default suite(async () => {
  await startServer({ tags: ['cli'] }, async (r) => {
    const runCli = (...args: string[]) => runCliOn(r.host, r.port, dbnum(), {}, args);
    const runCliWithInputPipe = (mode: 'x' | 'X', producer: string[], ...args: string[]) =>
      runCliOn(r.host, r.port, dbnum(), { pipe: producer }, mode === 'x' ? ['-x', ...args] : ['-X', 'tag', ...args]);
    const runCliWithInputFile = (mode: 'x' | 'X', file: string, ...args: string[]) =>
      runCliOn(r.host, r.port, dbnum(), { path: file }, mode === 'x' ? ['-x', ...args] : ['-X', 'tag', ...args]);
    const runCliHostPortDb = (host: string, port: number, db: number, ...args: string[]) => runCliOn(host, port, db, {}, args);

    const testInteractiveCli = async (name: string, body: (cli: CliProcess) => Promise<void>) => {
      fakeTty = true;
      const cli = openCli(r);
      try {
        await test(`Interactive CLI: ${name}`, () => body(cli));
      } finally {
        await cli.close();
        fakeTty = false;
      }
    };
    const testNonttyCli = (name: string, body: () => Promise<void>) => test(`Non-interactive non-TTY CLI: ${name}`, body);
    const testTtyCli = async (name: string, body: () => Promise<void>) => {
      fakeTty = true;
      try {
        await test(`Non-interactive TTY CLI: ${name}`, body);
      } finally {
        fakeTty = false;
      }
    };

    await testInteractiveCli('INFO response should be printed raw', async (cli) => {
      const lines = (await runCommand(cli, 'info')).split('\n');
      for (const line of lines) {
        if (!/^$|^#|^[^#:]+:/.test(line)) fail(`Malformed info line: ${line}`);
      }
    });

    await testInteractiveCli('Status reply', async (cli) => {
      assertEqual('OK', await runCommand(cli, 'set key foo'));
    });

    await testInteractiveCli('Integer reply', async (cli) => {
      assertEqual('(integer) 1', await runCommand(cli, 'incr counter'));
    });

    await testInteractiveCli('Bulk reply', async (cli) => {
      await r.call('set', 'key', 'foo');
      assertEqual('"foo"', await runCommand(cli, 'get key'));
    });

    await testInteractiveCli('Multi-bulk reply', async (cli) => {
      await r.call('rpush', 'list', 'foo');
      await r.call('rpush', 'list', 'bar');
      assertEqual('1) "foo"\n2) "bar"', await runCommand(cli, 'lrange list 0 -1'));
    });

    await testInteractiveCli('Parsing quotes', async (cli) => {
      assertEqual('OK', await runCommand(cli, 'set key "bar"'));
      assertEqual('bar', await r.call('get', 'key'));
      assertEqual('OK', await runCommand(cli, 'set key " bar "'));
      assertEqual(' bar ', await r.call('get', 'key'));
      assertEqual('OK', await runCommand(cli, 'set key "\\"bar\\""'));
      assertEqual('"bar"', await r.call('get', 'key'));
      assertEqual('OK', await runCommand(cli, 'set key "\tbar\t"'));
      assertEqual('\tbar\t', await r.call('get', 'key'));

      // Unbalanced or misplaced quotes are refused.
      assertEqual('Invalid argument(s)', await runCommand(cli, 'get ""key'));
      assertEqual('Invalid argument(s)', await runCommand(cli, 'get "key"x'));

      // Quotes right after an argument are accepted.
      assertEqual('OK', await runCommand(cli, 'set key"" bar'));
      assertEqual('bar', await r.call('get', 'key'));
    });

    await testTtyCli('Status reply', async () => {
      assertEqual('OK', await runCli('set', 'key', 'bar'));
      assertEqual('bar', await r.call('get', 'key'));
    });

    await testTtyCli('Integer reply', async () => {
      await r.call('del', 'counter');
      assertEqual('(integer) 1', await runCli('incr', 'counter'));
    });

    await testTtyCli('Bulk reply', async () => {
      await r.call('set', 'key', 'tab\tnewline\n');
      assertEqual('"tab\\tnewline\\n"', await runCli('get', 'key'));
    });

    await testTtyCli('Multi-bulk reply', async () => {
      await r.call('del', 'list');
      await r.call('rpush', 'list', 'foo');
      await r.call('rpush', 'list', 'bar');
      assertEqual('1) "foo"\n2) "bar"', await runCli('lrange', 'list', '0', '-1'));
    });

    await testTtyCli('Read last argument from pipe', async () => {
      assertEqual('OK', await runCliWithInputPipe('x', ['echo', 'foo'], 'set', 'key'));
      assertEqual('foo\n', await r.call('get', 'key'));

      assertEqual('OK', await runCliWithInputPipe('X', ['echo', 'foo'], 'set', 'key2', 'tag'));
      assertEqual('foo\n', await r.call('get', 'key2'));
    });

    await testTtyCli('Read last argument from file', async () => {
      const tmpfile = writeTmpfile('from file');

      assertEqual('OK', await runCliWithInputFile('x', tmpfile, 'set', 'key'));
      assertEqual('from file', await r.call('get', 'key'));

      assertEqual('OK', await runCliWithInputFile('X', tmpfile, 'set', 'key2', 'tag'));
      assertEqual('from file', await r.call('get', 'key2'));

      rmSync(tmpfile, { force: true });
    });

    await testTtyCli('Escape character in JSON mode', async () => {
      // A reverse solidus (the Tcl source's "\/" is a plain "/").
      await r.call('hset', 'solidus', '/', '/');
      assertEqual('/', '/', await runCli('hgetall', 'solidus'));
      const escapedReverseSolidus = '"\\';
      assertEqual(escapedReverseSolidus, escapedReverseSolidus, await runCli('--json', 'hgetall', '/'));
      // Not printable: the byte 0xF0 (latin1 eth), not its UTF-8 encoding.
      const eth = Buffer.from([0xf0, 0x65]);
      await r.call('hset', 'eth', 'test', eth);
      assertEqual('"\\xf0e"', await runCli('hget', 'eth', 'test'));
      assertEqual('"\u00f0e"', await runCli('--json', 'hget', 'eth', 'test'));
      assertEqual('"\\\\xf0e"', await runCli('--quoted-json', 'hget', 'eth', 'test'));
      // Control characters.
      await r.call('hset', 'control', 'test', 'Hello\x00\x01\x02\x03World');
      assertEqual('"Hello\\u0000\\u0001\\u0002\\u0003World"', await runCli('--json', 'hget', 'control', 'test'));
      // Keys that are not strings.
      await r.call('hset', 'numkey', 1, 'One');
      assertEqual('{"1":"One"}', await runCli('--json', 'hgetall', 'numkey'));
      // Keys that are neither strings nor printable.
      await r.call('hset', 'npkey', 'K\u0000\u0001ey', 'V\u0000\u0001alue');
      assertEqual('{"K\\u0000\\u0001ey":"V\\u0000\\u0001alue"}', await runCli('--json', 'hgetall', 'npkey'));
      assertEqual('{"K\\\\x00\\\\x01ey":"V\\\\x00\\\\x01alue"}', await runCli('--quoted-json', 'hgetall', 'npkey'));
    });

    await testNonttyCli('Status reply', async () => {
      assertEqual('OK', await runCli('set', 'key', 'bar'));
      assertEqual('bar', await r.call('get', 'key'));
    });

    await testNonttyCli('Integer reply', async () => {
      await r.call('del', 'counter');
      assertEqual('1', await runCli('incr', 'counter'));
    });

    await testNonttyCli('Bulk reply', async () => {
      await r.call('set', 'key', 'tab\tnewline\n');
      assertEqual('tab\tnewline', await runCli('get', 'key'));
    });

    await testNonttyCli('Multi-bulk reply', async () => {
      await r.call('del', 'list');
      await r.call('rpush', 'list', 'foo');
      await r.call('rpush', 'list', 'bar');
      assertEqual('foo\nbar', await runCli('lrange', 'list', '0', '-1'));
    });

    // The fake nodes speak plain TCP only: not in TLS mode, as upstream.
    if (!settings().tls) await testNonttyCli('ASK redirect test', async () => {
      // Two fake nodes: the first redirects SET to the second.
      const port1 = await ctx().ports.take();
      const port2 = await ctx().ports.take();
      const nodes: net.Server[] = [];
      try {
        nodes.push(await startFakeRedisNode(port1, [['SET foo bar', `-ASK 12182 127.0.0.1:${port2}`]]));
        nodes.push(
          await startFakeRedisNode(port2, [
            ['ASKING', '+OK'],
            ['SET foo bar', '+OK'],
          ]),
        );
        await waitForCondition(50, 50, async () => (await canConnect(port1)) && (await canConnect(port2)), () => fail('Failed to start fake Redis nodes'));
        assertEqual('OK', await runCliHostPortDb('127.0.0.1', port1, 0, '-c', 'SET', 'foo', 'bar'));
      } finally {
        for (const node of nodes) node.close();
      }
    });

    await testNonttyCli('Quoted input arguments', async () => {
      await r.call('set', '\x00\x00', 'value');
      assertEqual('value', await runCli('--quoted-input', 'get', '"\\x00\\x00"'));
    });

    await testNonttyCli('No accidental unquoting of input arguments', async () => {
      await runCli('--quoted-input', 'set', '"\\x41\\x41"', 'quoted-val');
      await runCli('set', '"\\x41\\x41"', 'unquoted-val');
      assertEqual('quoted-val', await r.call('get', 'AA'));
      assertEqual('unquoted-val', await r.call('get', '"\\x41\\x41"'));
    });

    await testNonttyCli('Invalid quoted input arguments', async () => {
      assertMatch('*exited abnormally*', (await tclCatch(() => runCli('--quoted-input', 'set', '"Unterminated'))).value);

      // One argument that unquotes to two is refused as well.
      assertMatch('*exited abnormally*', (await tclCatch(() => runCli('--quoted-input', 'set', '"arg1" "arg2"'))).value);
    });

    await testNonttyCli('Read last argument from pipe', async () => {
      assertEqual('OK', await runCliWithInputPipe('x', ['echo', 'foo'], 'set', 'key'));
      assertEqual('foo\n', await r.call('get', 'key'));

      assertEqual('OK', await runCliWithInputPipe('X', ['echo', 'foo'], 'set', 'key2', 'tag'));
      assertEqual('foo\n', await r.call('get', 'key2'));
    });

    await testNonttyCli('Read last argument from file', async () => {
      const tmpfile = writeTmpfile('from file');

      assertEqual('OK', await runCliWithInputFile('x', tmpfile, 'set', 'key'));
      assertEqual('from file', await r.call('get', 'key'));

      assertEqual('OK', await runCliWithInputFile('X', tmpfile, 'set', 'key2', 'tag'));
      assertEqual('from file', await r.call('get', 'key2'));

      rmSync(tmpfile, { force: true });
    });

    /** Dumps the dataset (or only the functions) with redis-cli, then loads the dump in place of the server's. */
    const testRedisCliRdbDump = async (functionsOnly: boolean) => {
      await r.call('flushdb');
      await r.call('function', 'flush');

      const dir = await configGet(r, 'dir');

      assertEqual('OK', await r.call('debug', 'populate', 100000, 'key', 1000));
      assertEqual('lib1', await r.call('function', 'load', "#!lua name=lib1\nredis.register_function('func1', function() return 123 end)"));
      const args = functionsOnly ? ['--functions-rdb', `${dir}/cli.rdb`] : ['--rdb', `${dir}/cli.rdb`];
      const output = (await tclCatch(() => runCli(...args))).value;
      assertMatch('*Transfer finished with success*', output);

      rmSync(path.join(dir, 'dump.rdb'), { force: true });
      renameSync(path.join(dir, 'cli.rdb'), path.join(dir, 'dump.rdb'));

      assertEqual('OK', await r.call('set', 'should-not-exist', 1));
      assertEqual(
        'should_not_exist_func',
        await r.call('function', 'load', "#!lua name=should_not_exist_func\nredis.register_function('should_not_exist_func', function() return 456 end)"),
      );
      assertEqual('OK', await r.call('debug', 'reload', 'nosave'));
      assertEqual('', await r.call('get', 'should-not-exist'));
      assertEqual('{library_name lib1 engine LUA functions {{name func1 description {} flags {}}}}', await r.call('function', 'list'));
      if (functionsOnly) {
        assertEqual(0, await r.call('dbsize'));
      } else {
        assertEqual(100000, await r.call('dbsize'));
      }
    };

    for (const functionsOnly of ['no', 'yes']) {
      await test(
        `Dumping an RDB - functions only: ${functionsOnly}`,
        async () => {
          // A master that syncs through a file on disk.
          assertMatch('OK', await r.call('config', 'set', 'repl-diskless-sync', 'no'));
          await testRedisCliRdbDump(functionsOnly === 'yes');

          // A master that streams to the socket.
          assertMatch('OK', await r.call('config', 'set', 'repl-diskless-sync', 'yes'));
          assertMatch('OK', await r.call('config', 'set', 'repl-diskless-sync-delay', 0));
          await testRedisCliRdbDump(functionsOnly === 'yes');
        },
        { tags: ['needs:repl', 'needs:debug'] },
      );
    }

    await test('Scan mode', async () => {
      await r.call('flushdb');
      await populate(r, 1000, 'key:', 1);

      // The whole keyspace.
      const keys = await runCli('--scan');
      assertEqual(1000, keys === '' ? 0 : keys.split(/[ \t\n\r]/).length);

      // With a pattern.
      assertEqual('key:2', await runCli('--scan', '--pattern', '*:2'));

      // With a quoted pattern.
      assertEqual('key:2', await runCli('--scan', '--quoted-pattern', '"*:\\x32"'));
    });

    /** redis-cli as a replica: it syncs, prints the commands it receives, and fails once killed. */
    const testRedisCliRepl = async () => {
      const cli = openCli(r, ['--replica']);
      try {
        await waitForCondition(500, 100, async () => stringMatch('*slave0:*state=online*', await r.call('info')), () => fail('redis-cli --replica did not connect'));

        for (let i = 0; i < 100; i++) await r.call('set', 'test-key', `test-value-${i}`);

        await waitForCondition(500, 100, async () => stringMatch('*test-value-99*', await cli.read()), () => fail("redis-cli --replica didn't read commands"));

        await r.call('client', 'kill', 'type', 'slave');
        assertMatch('*Server closed the connection*', await cli.close(true));
      } finally {
        cli.proc.kill('SIGKILL');
        await cli.proc.catch(() => undefined);
      }
    };

    await test(
      'Connecting as a replica',
      async () => {
        // A master that syncs through a file on disk.
        assertMatch('OK', await r.call('config', 'set', 'repl-diskless-sync', 'no'));
        await testRedisCliRepl();

        // A master that streams to the socket.
        assertMatch('OK', await r.call('config', 'set', 'repl-diskless-sync', 'yes'));
        assertMatch('OK', await r.call('config', 'set', 'repl-diskless-sync-delay', 0));
        await testRedisCliRepl();
      },
      { tags: ['needs:repl'] },
    );

    await test('Piping raw protocol', async () => {
      const cmds = ctx().run.tmpfile('cli_cmds');
      const fd = openSync(cmds, 'w');
      let cmdsCount = 2101;
      const line = (cmd: string) => writeSync(fd, `${cmd}\n`);
      try {
        if (!settings().singledb) {
          line(formatCommand('select', '9'));
          cmdsCount++;
        }
        line(formatCommand('del', 'test-counter'));
        const large = 'x'.repeat(20000);
        for (let i = 0; i < 1000; i++) {
          line(formatCommand('incr', 'test-counter'));
          line(formatCommand('set', 'large-key', large));
        }
        const veryLarge = formatCommand('set', 'very-large-key', 'x'.repeat(512000));
        for (let i = 0; i < 100; i++) line(veryLarge);
      } finally {
        closeSync(fd);
      }

      const cli = openCli(r, ['--pipe'], cmds);
      const output = await cli.readAll();

      assertEqual('1000', await r.call('get', 'test-counter'));
      assertMatch(`*All data transferred*errors: 0*replies: ${cmdsCount}*`, output);

      rmSync(cmds, { force: true });
    });

    await test('Options -X with illegal argument', async () => {
      await assertError('*-x and -X are mutually exclusive*', () => runCli('-x', '-X', 'tag'));

      await assertError('*Unrecognized option or bad number*', () => runCli('-X'));

      await assertError('*tag not match*', () => runCliWithInputPipe('X', ['echo', 'foo'], 'set', 'key', 'wrong_tag'));
    });

    /** redis-cli on the server's default database, run as Tcl's exec runs it. */
    const cliExec = async (...args: string[]) =>
      tclExec([await runTool('redis-cli', cliArgs(r, args), { ...CLI_OPTIONS, env: cliEnv(), stdin: 'ignore' })]);
    /** `cli dumpArgs | cli -x|-X ... restoreArgs`, as a Tcl exec pipeline. */
    const cliPipeline = async (dumpArgs: string[], restoreArgs: string[]) => {
      const dump = execa(toolPath('redis-cli'), cliArgs(r, dumpArgs), { ...CLI_OPTIONS, reject: false, env: cliEnv(), stdin: 'ignore' });
      const restore = runTool('redis-cli', cliArgs(r, restoreArgs), { ...CLI_OPTIONS, env: cliEnv(), stdin: 'pipe' });
      const restoreResult = await dump.pipe(restore);
      return tclExec([await dump, restoreResult]);
    };

    await test('DUMP RESTORE with -x option', async () => {
      await cliExec('DEL', 'set', 'new_set');
      await cliExec('SADD', 'set', '1', '2', '3', '4', '5', '6');
      assertEqual(6, await cliExec('SCARD', 'set'));

      assertEqual('OK', await cliPipeline(['-D', '', '--raw', 'DUMP', 'set'], ['-x', 'RESTORE', 'new_set', '0']));

      assertEqual(6, await cliExec('SCARD', 'new_set'));
      assertEqual('1\n2\n3\n4\n5\n6', await cliExec('SMEMBERS', 'new_set'));
    });

    await test('DUMP RESTORE with -X option', async () => {
      await cliExec('DEL', 'zset', 'new_zset');
      await cliExec('ZADD', 'zset', '1', 'a', '2', 'b', '3', 'c');
      assertEqual(3, await cliExec('ZCARD', 'zset'));

      assertEqual('OK', await cliPipeline(['-D', '', '--raw', 'DUMP', 'zset'], ['-X', 'dump_tag', 'RESTORE', 'new_zset', '0', 'dump_tag', 'REPLACE']));

      assertEqual(3, await cliExec('ZCARD', 'new_zset'));
      assertEqual('a\n1\nb\n2\nc\n3', await cliExec('ZRANGE', 'new_zset', '0', '-1', 'WITHSCORES'));
    });
  });
});
