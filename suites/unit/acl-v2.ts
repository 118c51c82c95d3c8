// Port of tests/unit/acl-v2.tcl (Redis 7.0.15).
//
// Differences from upstream: tests/assets/userwithselectors.acl is written by fixtures/acl.ts into
// the block's tmpdir; upstream also copies default.conf there, which nothing reads, so it is not.
import {
  suite,
  startServer,
  test,
  assertEqual,
  assertMatch,
  assertError,
  assertRange,
  tmpdir,
  dictGet,
  lindex,
  llength,
  type Arg,
  type Reply,
  tclCatchValue,
  lsearch,
} from '../../harness/index.ts';
import { writeAclFile } from '../../fixtures/acl.ts';

export default suite({ independentBlocks: true }, async () => {
  await startServer({ tags: ['acl', 'external:skip'] }, async (server) => {
    const r = (...args: Arg[]) => server.call(...args);
    const r2client = await server.newClient();
    const r2 = (...args: Arg[]) => r2client.call(...args);

    await test('Test basic multiple selectors', async () => {
      await r('ACL', 'SETUSER', 'selector-1', 'on', '-@all', 'resetkeys', 'nopass');
      await r2('auth', 'selector-1', 'password');
      let err = await tclCatchValue(() => r2('ping'));
      assertMatch('*NOPERM*command*', err);
      err = await tclCatchValue(() => r2('set', 'write::foo', 'bar'));
      assertMatch('*NOPERM*command*', err);
      err = await tclCatchValue(() => r2('get', 'read::foo'));
      assertMatch('*NOPERM*command*', err);

      await r('ACL', 'SETUSER', 'selector-1', '(+@write ~write::*)', '(+@read ~read::*)');
      await tclCatchValue(() => r2('ping'));
      assertEqual(await r2('set', 'write::foo', 'bar'), 'OK');
      assertEqual(await r2('get', 'read::foo'), '');
      err = await tclCatchValue(() => r2('get', 'write::foo'));
      assertMatch('*NOPERM*keys*', err);
      err = await tclCatchValue(() => r2('set', 'read::foo', 'bar'));
      assertMatch('*NOPERM*keys*', err);
    });

    await test('Test ACL selectors by default have no permissions', async () => {
      await r('ACL', 'SETUSER', 'selector-default', 'reset', '()');
      const user = await r('ACL', 'GETUSER', 'selector-default');
      const selectors = dictGet(user, 'selectors') as Reply[];
      assertEqual(llength(selectors), 1);
      assertEqual(dictGet(selectors[0], 'keys'), '');
      assertEqual(dictGet(selectors[0], 'channels'), '');
      assertEqual(dictGet(selectors[0], 'commands'), '-@all');
    });

    await test('Test deleting selectors', async () => {
      await r('ACL', 'SETUSER', 'selector-del', 'on', '(~added-selector)');
      let user = await r('ACL', 'GETUSER', 'selector-del');
      assertEqual(dictGet(selector(user, 0), 'keys'), '~added-selector');
      assertEqual(llength(dictGet(user, 'selectors')), 1);

      await r('ACL', 'SETUSER', 'selector-del', 'clearselectors');
      user = await r('ACL', 'GETUSER', 'selector-del');
      assertEqual(llength(dictGet(user, 'selectors')), 0);
    });

    await test('Test selector syntax error reports the error in the selector context', async () => {
      let e = await tclCatchValue(() => r('ACL', 'SETUSER', 'selector-syntax', 'on', '(this-is-invalid)'));
      assertMatch("*ERR Error in ACL SETUSER modifier '(*)*Syntax*", e);

      e = await tclCatchValue(() => r('ACL', 'SETUSER', 'selector-syntax', 'on', '(&* &fail)'));
      assertMatch("*ERR Error in ACL SETUSER modifier '(*)*Adding a pattern after the*", e);

      assertEqual(await r('ACL', 'GETUSER', 'selector-syntax'), '');
    });

    await test('Test flexible selector definition', async () => {
      // Spaces inside the parentheses are allowed, and a selector may span arguments.
      await r('ACL', 'SETUSER', 'selector-2', '(~key1 +get )', '( ~key2 +get )', '( ~key3 +get)', '(~key4 +get)');
      await r('ACL', 'SETUSER', 'selector-2', '(~key5', '+get', ')', '(', '~key6', '+get', ')', '(', '~key7', '+get)', '(~key8', '+get)');
      const user = await r('ACL', 'GETUSER', 'selector-2');
      for (let i = 0; i < 8; i++) assertEqual(dictGet(selector(user, i), 'keys'), `~key${i + 1}`);

      // Invalid selectors.
      let err = await tclCatchValue(() => r('ACL', 'SETUSER', 'invalid-selector', ' () '));
      assertMatch('*ERR*Syntax error*', err);
      err = await tclCatchValue(() => r('ACL', 'SETUSER', 'invalid-selector', '('));
      assertMatch('*Unmatched parenthesis*', err);
      err = await tclCatchValue(() => r('ACL', 'SETUSER', 'invalid-selector', ')'));
      assertMatch('*ERR*Syntax error', err);
    });

    await test('Test separate read permission', async () => {
      await r('ACL', 'SETUSER', 'key-permission-R', 'on', 'nopass', '%R~read*', '+@all');
      await r2('auth', 'key-permission-R', 'password');
      assertEqual(await r2('PING'), 'PONG');
      await r('set', 'readstr', 'bar');
      assertEqual(await r2('get', 'readstr'), 'bar');
      let err = await tclCatchValue(() => r2('set', 'readstr', 'bar'));
      assertMatch('*NOPERM*keys*', err);
      err = await tclCatchValue(() => r2('get', 'notread'));
      assertMatch('*NOPERM*keys*', err);
    });

    await test('Test separate write permission', async () => {
      await r('ACL', 'SETUSER', 'key-permission-W', 'on', 'nopass', '%W~write*', '+@all');
      await r2('auth', 'key-permission-W', 'password');
      assertEqual(await r2('PING'), 'PONG');
      // SET reads as well as writes, so LPUSH is the write-only command here.
      await r2('LPUSH', 'writelist', 10);
      let err = await tclCatchValue(() => r2('GET', 'writestr'));
      assertMatch('*NOPERM*keys*', err);
      err = await tclCatchValue(() => r2('LPUSH', 'notwrite', 10));
      assertMatch('*NOPERM*keys*', err);
    });

    await test('Test separate read and write permissions', async () => {
      await r('ACL', 'SETUSER', 'key-permission-RW', 'on', 'nopass', '%R~read*', '%W~write*', '+@all');
      await r2('auth', 'key-permission-RW', 'password');
      assertEqual(await r2('PING'), 'PONG');
      await r('set', 'read', 'bar');
      await r2('copy', 'read', 'write');
      const err = await tclCatchValue(() => r2('copy', 'write', 'read'));
      assertMatch('*NOPERM*keys*', err);
    });

    await test('Test separate read and write permissions on different selectors are not additive', async () => {
      await r('ACL', 'SETUSER', 'key-permission-RW-selector', 'on', 'nopass', '(%R~read* +@all)', '(%W~write* +@all)');
      await r2('auth', 'key-permission-RW-selector', 'password');
      assertEqual(await r2('PING'), 'PONG');

      // The write selector.
      await r2('LPUSH', 'writelist', 10);
      let err = await tclCatchValue(() => r2('GET', 'writestr'));
      assertMatch('*NOPERM*keys*', err);
      err = await tclCatchValue(() => r2('LPUSH', 'notwrite', 10));
      assertMatch('*NOPERM*keys*', err);

      // The read selector.
      await r('set', 'readstr', 'bar');
      assertEqual(await r2('get', 'readstr'), 'bar');
      err = await tclCatchValue(() => r2('set', 'readstr', 'bar'));
      assertMatch('*NOPERM*keys*', err);
      err = await tclCatchValue(() => r2('get', 'notread'));
      assertMatch('*NOPERM*keys*', err);

      // A command needs one selector that covers all its keys.
      err = await tclCatchValue(() => r2('copy', 'read', 'write'));
      assertMatch('*NOPERM*keys*', err);
      err = await tclCatchValue(() => r2('copy', 'write', 'read'));
      assertMatch('*NOPERM*keys*', err);
    });

    await test('Test SET with separate read permission', async () => {
      await r('del', 'readstr');
      await r('ACL', 'SETUSER', 'set-key-permission-R', 'on', 'nopass', '%R~read*', '+@all');
      await r2('auth', 'set-key-permission-R', 'password');
      assertEqual(await r2('PING'), 'PONG');
      assertEqual(await r2('get', 'readstr'), '');

      // No write permission on the key.
      await assertError('*NOPERM*keys*', () => r2('set', 'readstr', 'bar'));
      await assertError('*NOPERM*keys*', () => r2('set', 'readstr', 'bar', 'get'));
      await assertError('*NOPERM*keys*', () => r2('set', 'readstr', 'bar', 'ex', 100));
      await assertError('*NOPERM*keys*', () => r2('set', 'readstr', 'bar', 'keepttl', 'nx'));
    });

    await test('Test SET with separate write permission', async () => {
      await r('del', 'writestr');
      await r('ACL', 'SETUSER', 'set-key-permission-W', 'on', 'nopass', '%W~write*', '+@all');
      await r2('auth', 'set-key-permission-W', 'password');
      assertEqual(await r2('PING'), 'PONG');
      assertEqual(await r2('set', 'writestr', 'bar'), 'OK');
      assertEqual(await r2('set', 'writestr', 'get'), 'OK');

      // No read permission on the key.
      await assertError('*NOPERM*keys*', () => r2('set', 'get', 'writestr'));
      await assertError('*NOPERM*keys*', () => r2('set', 'writestr', 'bar', 'get'));
      await assertError('*NOPERM*keys*', () => r2('set', 'writestr', 'bar', 'get', 'ex', 100));
      await assertError('*NOPERM*keys*', () => r2('set', 'writestr', 'bar', 'get', 'keepttl', 'nx'));

      // The ACL check comes before the syntax check of EX.
      await assertError('*NOPERM*keys*', () => r2('set', 'writestr', 'bar', 'ex', 'get'));
    });

    await test('Test SET with read and write permissions', async () => {
      await r('del', 'readwrite_str');
      await r('ACL', 'SETUSER', 'set-key-permission-RW-selector', 'on', 'nopass', '%RW~readwrite*', '+@all');
      await r2('auth', 'set-key-permission-RW-selector', 'password');
      assertEqual(await r2('PING'), 'PONG');

      assertEqual(await r2('get', 'readwrite_str'), '');
      await assertError('ERR * not an integer *', () => r2('set', 'readwrite_str', 'bar', 'ex', 'get'));

      assertEqual(await r2('set', 'readwrite_str', 'bar'), 'OK');
      assertEqual(await r2('get', 'readwrite_str'), 'bar');

      assertEqual(await r2('set', 'readwrite_str', 'bar2', 'get'), 'bar');
      assertEqual(await r2('get', 'readwrite_str'), 'bar2');

      assertEqual(await r2('set', 'readwrite_str', 'bar3', 'get', 'ex', 10), 'bar2');
      assertEqual(await r2('get', 'readwrite_str'), 'bar3');
      assertRange(await r2('ttl', 'readwrite_str'), 5, 10);
    });

    await test('Test BITFIELD with separate read permission', async () => {
      await r('del', 'readstr');
      await r('ACL', 'SETUSER', 'bitfield-key-permission-R', 'on', 'nopass', '%R~read*', '+@all');
      await r2('auth', 'bitfield-key-permission-R', 'password');
      assertEqual(await r2('PING'), 'PONG');
      assertEqual(await r2('bitfield', 'readstr', 'get', 'u4', 0), '0');

      // No write permission on the key.
      await assertError('*NOPERM*keys*', () => r2('bitfield', 'readstr', 'set', 'u4', 0, 1));
      await assertError('*NOPERM*keys*', () => r2('bitfield', 'readstr', 'get', 'u4', 0, 'set', 'u4', 0, 1));
      await assertError('*NOPERM*keys*', () => r2('bitfield', 'readstr', 'incrby', 'u4', 0, 1));
    });

    await test('Test BITFIELD with separate write permission', async () => {
      await r('del', 'writestr');
      await r('ACL', 'SETUSER', 'bitfield-key-permission-W', 'on', 'nopass', '%W~write*', '+@all');
      await r2('auth', 'bitfield-key-permission-W', 'password');
      assertEqual(await r2('PING'), 'PONG');

      // No read permission on the key.
      await assertError('*NOPERM*keys*', () => r2('bitfield', 'writestr', 'get', 'u4', 0));
      await assertError('*NOPERM*keys*', () => r2('bitfield', 'writestr', 'set', 'u4', 0, 1));
      await assertError('*NOPERM*keys*', () => r2('bitfield', 'writestr', 'incrby', 'u4', 0, 1));
    });

    await test('Test BITFIELD with read and write permissions', async () => {
      await r('del', 'readwrite_str');
      await r('ACL', 'SETUSER', 'bitfield-key-permission-RW-selector', 'on', 'nopass', '%RW~readwrite*', '+@all');
      await r2('auth', 'bitfield-key-permission-RW-selector', 'password');
      assertEqual(await r2('PING'), 'PONG');

      assertEqual(await r2('bitfield', 'readwrite_str', 'get', 'u4', 0), '0');
      assertEqual(await r2('bitfield', 'readwrite_str', 'set', 'u4', 0, 1), '0');
      assertEqual(await r2('bitfield', 'readwrite_str', 'incrby', 'u4', 0, 1), '2');
      assertEqual(await r2('bitfield', 'readwrite_str', 'get', 'u4', 0), '2');
    });

    await test('Test ACL log correctly identifies the relevant item when selectors are used', async () => {
      await r('ACL', 'SETUSER', 'acl-log-test-selector', 'on', 'nopass');
      await r('ACL', 'SETUSER', 'acl-log-test-selector', '+mget', '~key', '(+mget ~key ~otherkey)');
      await r2('auth', 'acl-log-test-selector', 'password');

      // The command is logged only when no selector allows it.
      await r('ACL', 'LOG', 'RESET');
      let err = await tclCatchValue(() => r2('GET', 'key'));
      assertMatch('*NOPERM*command*', err);
      let entry = lindex(await r('ACL', 'LOG'), 0);
      assertEqual(dictGet(entry, 'username'), 'acl-log-test-selector');
      assertEqual(dictGet(entry, 'context'), 'toplevel');
      assertEqual(dictGet(entry, 'reason'), 'command');
      assertEqual(dictGet(entry, 'object'), 'get');

      // The first selector matches fewer keys than the second: the key logged is still the
      // first one that no selector allows.
      await r('ACL', 'LOG', 'RESET');
      err = await tclCatchValue(() => r2('MGET', 'otherkey', 'someotherkey'));
      assertMatch('*NOPERM*keys*', err);
      entry = lindex(await r('ACL', 'LOG'), 0);
      assertEqual(dictGet(entry, 'username'), 'acl-log-test-selector');
      assertEqual(dictGet(entry, 'context'), 'toplevel');
      assertEqual(dictGet(entry, 'reason'), 'key');
      assertEqual(dictGet(entry, 'object'), 'someotherkey');

      await r('ACL', 'LOG', 'RESET');
      err = await tclCatchValue(() => r2('MGET', 'key', 'otherkey', 'someotherkey'));
      assertMatch('*NOPERM*keys*', err);
      entry = lindex(await r('ACL', 'LOG'), 0);
      assertEqual(dictGet(entry, 'username'), 'acl-log-test-selector');
      assertEqual(dictGet(entry, 'context'), 'toplevel');
      assertEqual(dictGet(entry, 'reason'), 'key');
      assertEqual(dictGet(entry, 'object'), 'someotherkey');
    });

    await test('Test ACL GETUSER response information', async () => {
      await r('ACL', 'setuser', 'selector-info', '-@all', '+get', 'resetchannels', '&channel1', '%R~foo1', '%W~bar1', '~baz1');
      await r('ACL', 'setuser', 'selector-info', '(-@all +set resetchannels &channel2 %R~foo2 %W~bar2 ~baz2)');
      const user = await r('ACL', 'GETUSER', 'selector-info');

      // The root selector.
      assertEqual(dictGet(user, 'keys'), '%R~foo1 %W~bar1 ~baz1');
      assertEqual(dictGet(user, 'channels'), '&channel1');
      assertEqual(dictGet(user, 'commands'), '-@all +get');

      // The added selector.
      const secondarySelector = selector(user, 0);
      assertEqual(dictGet(secondarySelector, 'keys'), '%R~foo2 %W~bar2 ~baz2');
      assertEqual(dictGet(secondarySelector, 'channels'), '&channel2');
      assertEqual(dictGet(secondarySelector, 'commands'), '-@all +set');
    });

    await test('Test ACL list idempotency', async () => {
      await r('ACL', 'SETUSER', 'user-idempotency', 'off', '-@all', '+get', 'resetchannels', '&channel1', '%R~foo1', '%W~bar1', '~baz1', '(-@all +set resetchannels &channel2 %R~foo2 %W~bar2 ~baz2)');
      const response = lindex(await r('ACL', 'LIST'), lsearch(await r('ACL', 'LIST'), 'user user-idempotency*'));

      assertMatch('*-@all*+get*(*)*', response);
      assertMatch('*resetchannels*&channel1*(*)*', response);
      assertMatch('*%R~foo1*%W~bar1*~baz1*(*)*', response);

      assertMatch('*(*-@all*+set*)*', response);
      assertMatch('*(*resetchannels*&channel2*)*', response);
      assertMatch('*(*%R~foo2*%W~bar2*~baz2*)*', response);
    });

    await test('Test R+W is the same as all permissions', async () => {
      await r('ACL', 'setuser', 'selector-rw-info', '%R~foo', '%W~foo', '%RW~bar');
      const user = await r('ACL', 'GETUSER', 'selector-rw-info');
      assertEqual(dictGet(user, 'keys'), '~foo ~bar');
    });

    await test('Test basic dry run functionality', async () => {
      await r('ACL', 'setuser', 'command-test', '+@all', '%R~read*', '%W~write*', '%RW~rw*');
      assertEqual(await r('ACL', 'DRYRUN', 'command-test', 'GET', 'read'), 'OK');

      let e = await tclCatchValue(() => r('ACL', 'DRYRUN', 'not-a-user', 'GET', 'read'));
      assertEqual(e, "ERR User 'not-a-user' not found");

      e = await tclCatchValue(() => r('ACL', 'DRYRUN', 'command-test', 'not-a-command', 'read'));
      assertEqual(e, "ERR Command 'not-a-command' not found");
    });

    await test('Test various commands for command permissions', async () => {
      await r('ACL', 'setuser', 'command-test', '-@all');
      assertEqual(await r('ACL', 'DRYRUN', 'command-test', 'set', 'somekey', 'somevalue'), "This user has no permissions to run the 'set' command");
      assertEqual(await r('ACL', 'DRYRUN', 'command-test', 'get', 'somekey'), "This user has no permissions to run the 'get' command");
    });

    await test('Test various odd commands for key permissions', async () => {
      await r('ACL', 'setuser', 'command-test', '+@all', '%R~read*', '%W~write*', '%RW~rw*');
      const dryrun = (...args: Arg[]) => r('ACL', 'DRYRUN', 'command-test', ...args);
      const noKey = (key: string) => `This user has no permissions to access the '${key}' key`;

      // MIGRATE: its keys are found by parsing the arguments.
      assertEqual(await dryrun('MIGRATE', 'whatever', 'whatever', 'rw', 0, 500), 'OK');
      assertEqual(await dryrun('MIGRATE', 'whatever', 'whatever', 'read', 0, 500), noKey('read'));
      assertEqual(await dryrun('MIGRATE', 'whatever', 'whatever', 'write', 0, 500), noKey('write'));
      assertEqual(await dryrun('MIGRATE', 'whatever', 'whatever', '', 0, 5000, 'KEYS', 'rw'), 'OK');
      assertEqual(await dryrun('MIGRATE', 'whatever', 'whatever', '', 0, 5000, 'KEYS', 'read'), noKey('read'));
      assertEqual(await dryrun('MIGRATE', 'whatever', 'whatever', '', 0, 5000, 'KEYS', 'write'), noKey('write'));
      assertEqual(await dryrun('MIGRATE', 'whatever', 'whatever', '', 0, 5000, 'AUTH', 'KEYS', 'KEYS', 'rw'), 'OK');
      assertEqual(await dryrun('MIGRATE', 'whatever', 'whatever', '', 0, 5000, 'AUTH', 'KEYS', 'KEYS', 'read'), noKey('read'));
      assertEqual(await dryrun('MIGRATE', 'whatever', 'whatever', '', 0, 5000, 'AUTH', 'KEYS', 'KEYS', 'write'), noKey('write'));
      assertEqual(await dryrun('MIGRATE', 'whatever', 'whatever', '', 0, 5000, 'AUTH2', 'KEYS', 123, 'KEYS', 'rw'), 'OK');
      assertEqual(await dryrun('MIGRATE', 'whatever', 'whatever', '', 0, 5000, 'AUTH2', 'KEYS', 123, 'KEYS', 'read'), noKey('read'));
      assertEqual(await dryrun('MIGRATE', 'whatever', 'whatever', '', 0, 5000, 'AUTH2', 'KEYS', 123, 'KEYS', 'write'), noKey('write'));
      assertEqual(await dryrun('MIGRATE', 'whatever', 'whatever', '', 0, 5000, 'AUTH2', 'USER', 'KEYS', 'KEYS', 'rw'), 'OK');
      assertEqual(await dryrun('MIGRATE', 'whatever', 'whatever', '', 0, 5000, 'AUTH2', 'USER', 'KEYS', 'KEYS', 'read'), noKey('read'));
      assertEqual(await dryrun('MIGRATE', 'whatever', 'whatever', '', 0, 5000, 'AUTH2', 'USER', 'KEYS', 'KEYS', 'write'), noKey('write'));

      // SORT: its STORE key is found by parsing the arguments.
      assertEqual(await dryrun('SORT', 'read', 'STORE', 'write'), 'OK');
      assertEqual(await dryrun('SORT', 'read', 'STORE', 'read'), noKey('read'));
      assertEqual(await dryrun('SORT', 'write', 'STORE', 'write'), noKey('write'));

      // EVAL and EVAL_RO: a key count gives the keys.
      assertEqual(await dryrun('EVAL', '', 1, 'rw1'), 'OK');
      assertEqual(await dryrun('EVAL', '', 1, 'read'), noKey('read'));
      assertEqual(await dryrun('EVAL_RO', '', 1, 'rw1'), 'OK');
      assertEqual(await dryrun('EVAL_RO', '', 1, 'read'), 'OK');

      // With no keys, `read` is an argument, not a key.
      assertEqual(await dryrun('EVAL', '', 0, 'read'), 'OK');

      // Bad key counts are syntax errors, but pass the ACL check.
      assertEqual(await dryrun('EVAL', '', -1, 'read'), 'OK');
      assertEqual(await dryrun('EVAL', '', 3, 'rw', 'rw'), 'OK');
      assertEqual(await dryrun('EVAL', '', 3, 'rw', 'read'), 'OK');

      // GEORADIUS: the store key follows a keyword.
      assertEqual(await dryrun('GEORADIUS', 'read', 'longitude', 'latitude', 'radius', 'M', 'STOREDIST', 'write'), 'OK');
      assertEqual(await dryrun('GEORADIUS', 'read', 'longitude', 'latitude', 'radius', 'M'), 'OK');
      assertEqual(await dryrun('GEORADIUS', 'read1', 'longitude', 'latitude', 'radius', 'M', 'STOREDIST', 'read2'), noKey('read2'));
      assertEqual(await dryrun('GEORADIUS', 'write1', 'longitude', 'latitude', 'radius', 'M', 'STOREDIST', 'write2'), noKey('write1'));
      assertEqual(await dryrun('GEORADIUS', 'read', 'longitude', 'latitude', 'radius', 'M', 'STORE', 'write'), 'OK');
      assertEqual(await dryrun('GEORADIUS', 'read', 'longitude', 'latitude', 'radius', 'M'), 'OK');
      assertEqual(await dryrun('GEORADIUS', 'read1', 'longitude', 'latitude', 'radius', 'M', 'STORE', 'read2'), noKey('read2'));
      assertEqual(await dryrun('GEORADIUS', 'write1', 'longitude', 'latitude', 'radius', 'M', 'STORE', 'write2'), noKey('write1'));
    });

    // Existence tests do not access the data (many writes do them), so read or write permission
    // is enough.
    await test('Existence test commands are not marked as access', async () => {
      for (const command of ['HEXISTS', 'HSTRLEN', 'SISMEMBER']) {
        assertEqual(await r('ACL', 'DRYRUN', 'command-test', command, 'read', 'foo'), 'OK');
        assertEqual(await r('ACL', 'DRYRUN', 'command-test', command, 'write', 'foo'), 'OK');
        assertEqual(await r('ACL', 'DRYRUN', 'command-test', command, 'nothing', 'foo'), "This user has no permissions to access the 'nothing' key");
      }
    });

    // Intersection cardinalities read the data of their keys, so they need read permission.
    await test('Intersection cardinaltiy commands are access commands', async () => {
      const noKey = (key: string) => `This user has no permissions to access the '${key}' key`;
      assertEqual(await r('ACL', 'DRYRUN', 'command-test', 'SINTERCARD', 2, 'read', 'read'), 'OK');
      assertEqual(await r('ACL', 'DRYRUN', 'command-test', 'SINTERCARD', 2, 'write', 'read'), noKey('write'));
      assertEqual(await r('ACL', 'DRYRUN', 'command-test', 'SINTERCARD', 2, 'nothing', 'read'), noKey('nothing'));

      assertEqual(await r('ACL', 'DRYRUN', 'command-test', 'ZCOUNT', 'read', 0, 1), 'OK');
      assertEqual(await r('ACL', 'DRYRUN', 'command-test', 'ZCOUNT', 'write', 0, 1), noKey('write'));
      assertEqual(await r('ACL', 'DRYRUN', 'command-test', 'ZCOUNT', 'nothing', 0, 1), noKey('nothing'));

      assertEqual(await r('ACL', 'DRYRUN', 'command-test', 'PFCOUNT', 'read', 'read'), 'OK');
      assertEqual(await r('ACL', 'DRYRUN', 'command-test', 'PFCOUNT', 'write', 'read'), noKey('write'));
      assertEqual(await r('ACL', 'DRYRUN', 'command-test', 'PFCOUNT', 'nothing', 'read'), noKey('nothing'));

      assertEqual(await r('ACL', 'DRYRUN', 'command-test', 'ZINTERCARD', 2, 'read', 'read'), 'OK');
      assertEqual(await r('ACL', 'DRYRUN', 'command-test', 'ZINTERCARD', 2, 'write', 'read'), noKey('write'));
      assertEqual(await r('ACL', 'DRYRUN', 'command-test', 'ZINTERCARD', 2, 'nothing', 'read'), noKey('nothing'));
    });

    await test('Test general keyspace commands require some type of permission to execute', async () => {
      for (const command of [['touch'], ['exists'], ['MEMORY', 'USAGE'], ['TYPE']]) {
        assertEqual(await r('ACL', 'DRYRUN', 'command-test', ...command, 'read'), 'OK');
        assertEqual(await r('ACL', 'DRYRUN', 'command-test', ...command, 'write'), 'OK');
        assertEqual(await r('ACL', 'DRYRUN', 'command-test', ...command, 'rw'), 'OK');
        assertEqual(await r('ACL', 'DRYRUN', 'command-test', ...command, 'nothing'), "This user has no permissions to access the 'nothing' key");
      }
    });

    await test('Cardinality commands require some type of permission to execute', async () => {
      const commands = ['STRLEN', 'HLEN', 'LLEN', 'SCARD', 'ZCARD', 'XLEN'];
      for (const command of commands) {
        assertEqual(await r('ACL', 'DRYRUN', 'command-test', command, 'read'), 'OK');
        assertEqual(await r('ACL', 'DRYRUN', 'command-test', command, 'write'), 'OK');
        assertEqual(await r('ACL', 'DRYRUN', 'command-test', command, 'rw'), 'OK');
        assertEqual(await r('ACL', 'DRYRUN', 'command-test', command, 'nothing'), "This user has no permissions to access the 'nothing' key");
      }
    });

    await test('Test sharded channel permissions', async () => {
      await r('ACL', 'setuser', 'test-channels', '+@all', 'resetchannels', '&channel');
      assertEqual(await r('ACL', 'DRYRUN', 'test-channels', 'spublish', 'channel', 'foo'), 'OK');
      assertEqual(await r('ACL', 'DRYRUN', 'test-channels', 'ssubscribe', 'channel'), 'OK');
      assertEqual(await r('ACL', 'DRYRUN', 'test-channels', 'sunsubscribe'), 'OK');
      assertEqual(await r('ACL', 'DRYRUN', 'test-channels', 'sunsubscribe', 'channel'), 'OK');
      assertEqual(await r('ACL', 'DRYRUN', 'test-channels', 'sunsubscribe', 'otherchannel'), 'OK');

      assertEqual(await r('ACL', 'DRYRUN', 'test-channels', 'spublish', 'otherchannel', 'foo'), "This user has no permissions to access the 'otherchannel' channel");
      assertEqual(await r('ACL', 'DRYRUN', 'test-channels', 'ssubscribe', 'otherchannel', 'foo'), "This user has no permissions to access the 'otherchannel' channel");
    });

    await test('Test sort with ACL permissions', async () => {
      await r('set', 'v1', 1);
      await r('lpush', 'mylist', 1);

      await r('ACL', 'setuser', 'test-sort-acl', 'on', 'nopass', '(+sort ~mylist)');
      await r2('auth', 'test-sort-acl', 'nopass');

      const byDenied = 'ERR BY option of SORT denied due to insufficient ACL permissions.';
      const getDenied = 'ERR GET option of SORT denied due to insufficient ACL permissions.';
      let e = await tclCatchValue(() => r2('sort', 'mylist', 'by', 'v*'));
      assertEqual(e, byDenied);
      e = await tclCatchValue(() => r2('sort', 'mylist', 'get', 'v*'));
      assertEqual(e, getDenied);

      await r('ACL', 'setuser', 'test-sort-acl', '(+sort ~mylist ~v*)');
      e = await tclCatchValue(() => r2('sort', 'mylist', 'by', 'v*'));
      assertEqual(e, byDenied);
      e = await tclCatchValue(() => r2('sort', 'mylist', 'get', 'v*'));
      assertEqual(e, getDenied);

      await r('ACL', 'setuser', 'test-sort-acl', '(+sort ~mylist %W~*)');
      e = await tclCatchValue(() => r2('sort', 'mylist', 'by', 'v*'));
      assertEqual(e, byDenied);
      e = await tclCatchValue(() => r2('sort', 'mylist', 'get', 'v*'));
      assertEqual(e, getDenied);

      await r('ACL', 'setuser', 'test-sort-acl', '(+sort ~mylist %R~*)');
      assertEqual(await r2('sort', 'mylist', 'by', 'v*'), '1');

      // Clean up.
      await r('ACL', 'deluser', 'test-sort-acl');
      await r('del', 'v1', 'mylist');
    });

    await test('Test DRYRUN with wrong number of arguments', async () => {
      await r('ACL', 'setuser', 'test-dry-run', '+@all', '~v*');

      assertEqual(await r('ACL', 'DRYRUN', 'test-dry-run', 'SET', 'v', 'v'), 'OK');

      let e = await tclCatchValue(() => r('ACL', 'DRYRUN', 'test-dry-run', 'SET', 'v'));
      assertEqual(e, "ERR wrong number of arguments for 'set' command");

      e = await tclCatchValue(() => r('ACL', 'DRYRUN', 'test-dry-run', 'SET'));
      assertEqual(e, "ERR wrong number of arguments for 'set' command");
    });

    await r2client.close();
  });

  const serverPath = tmpdir('selectors.acl');
  writeAclFile('userwithselectors.acl', serverPath);
  await startServer({ overrides: { dir: serverPath, aclfile: 'userwithselectors.acl' }, tags: ['external:skip'] }, async (server) => {
    const r = (...args: Arg[]) => server.call(...args);

    await test('Test behavior of loading ACLs', async () => {
      let selectors = dictGet(await r('ACL', 'getuser', 'alice'), 'selectors') as Reply[];
      assertEqual(llength(selectors), 1);
      let testSelector = selectors[0];
      assertEqual(dictGet(testSelector, 'commands'), '-@all +get');
      assertEqual(dictGet(testSelector, 'keys'), '~rw*');

      selectors = dictGet(await r('ACL', 'getuser', 'bob'), 'selectors') as Reply[];
      assertEqual(llength(selectors), 2);
      testSelector = selectors[0];
      assertEqual(dictGet(testSelector, 'commands'), '-@all +set');
      assertEqual(dictGet(testSelector, 'keys'), '%W~w*');

      testSelector = selectors[1];
      assertEqual(dictGet(testSelector, 'commands'), '-@all +get');
      assertEqual(dictGet(testSelector, 'keys'), '%R~r*');
    });
  });
});

/** Selector `index` of an ACL GETUSER reply (Tcl `lindex [dict get $user selectors] index`). */
function selector(user: unknown, index: number): unknown {
  return lindex(dictGet(user, 'selectors'), index);
}

