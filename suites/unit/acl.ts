// Port of tests/unit/acl.tcl (Redis 7.0.15).
//
// Differences from upstream:
// - The ACL files (tests/assets/user.acl, nodefaultuser.acl) are written by fixtures/acl.ts into
//   the block's tmpdir; upstream also copies default.conf there, which nothing reads, so it is not.
// - The one-shot `redis-server --user ...` runs get `--port <free port> --bind 127.0.0.1` first:
//   upstream lets them bind *:6379 before they fail on the duplicate user, and the harness binds
//   loopback only, on its own ports.
import { appendFileSync } from 'node:fs';
import {
  suite,
  startServer,
  test,
  assert,
  assertEqual,
  assertNotEqual,
  assertMatch,
  assertNoMatch,
  assertError,
  tclCatch,
  tclExec,
  tclString,
  lshuffle,
  tmpdir,
  dictGet,
  lindex,
  llength,
  findAvailablePort,
  runServerOnce,
  type Arg,
  type Client,
  type Reply,
  type ServerHandle,
  tclCatchValue,
  lsearch,
} from '../../harness/index.ts';
import { writeAclFile } from '../../fixtures/acl.ts';

/** Tcl's client close returns 0, which several upstream tests end with as their result. */
async function closed(...clients: Client[]): Promise<number> {
  for (const client of clients) await client.close();
  return 0;
}

/** A deferred client's next reply, as Tcl's `$rd read`. */
const read = (rd: Client) => rd.read();

export default suite({ independentBlocks: true }, async () => {
  await startServer({ tags: ['acl', 'external:skip'] }, async (server) => {
    const { r } = tclCaller(server);

    await test('Connections start with the default user', async () => {
      return r('ACL', 'WHOAMI');
    }, { okPattern: 'default' });

    await test('It is possible to create new users', async () => {
      return r('ACL', 'setuser', 'newuser');
    });

    await test('Usernames can not contain spaces or null characters', async () => {
      return tclCatchValue(() => r('ACL', 'setuser', 'a a'));
    }, { okPattern: "*Usernames can't contain spaces or null characters*" });

    await test('New users start disabled', async () => {
      await r('ACL', 'setuser', 'newuser', '>passwd1');
      return tclCatchValue(() => r('AUTH', 'newuser', 'passwd1'));
    }, { okPattern: '*WRONGPASS*' });

    await test('Enabling the user allows the login', async () => {
      await r('ACL', 'setuser', 'newuser', 'on', '+acl');
      await r('AUTH', 'newuser', 'passwd1');
      return r('ACL', 'WHOAMI');
    }, { okPattern: 'newuser' });

    await test('Only the set of correct passwords work', async () => {
      await r('ACL', 'setuser', 'newuser', '>passwd2');
      let e = await tclCatchValue(() => r('AUTH', 'newuser', 'passwd1'));
      assert(e === 'OK', `'${e}' eq "OK"`);
      e = await tclCatchValue(() => r('AUTH', 'newuser', 'passwd2'));
      assert(e === 'OK', `'${e}' eq "OK"`);
      return tclCatchValue(() => r('AUTH', 'newuser', 'passwd3'));
    }, { okPattern: '*WRONGPASS*' });

    await test('It is possible to remove passwords from the set of valid ones', async () => {
      await r('ACL', 'setuser', 'newuser', '<passwd1');
      return tclCatchValue(() => r('AUTH', 'newuser', 'passwd1'));
    }, { okPattern: '*WRONGPASS*' });

    await test('Test password hashes can be added', async () => {
      await r('ACL', 'setuser', 'newuser', '#34344e4d60c2b6d639b7bd22e18f2b0b91bc34bf0ac5f9952744435093cfb4e6');
      const e = await tclCatchValue(() => r('AUTH', 'newuser', 'passwd4'));
      assert(e === 'OK', `'${e}' eq "OK"`);
    });

    await test('Test password hashes validate input', async () => {
      // One hex digit short.
      await tclCatchValue(() => r('ACL', 'setuser', 'newuser', '#34344e4d60c2b6d639b7bd22e18f2b0b91bc34bf0ac5f9952744435093cfb4e'));
      // A character that is not hex.
      return tclCatchValue(() => r('ACL', 'setuser', 'newuser', '#34344e4d60c2b6d639b7bd22e18f2b0b91bc34bf0ac5f9952744435093cfb4eq'));
    }, { okPattern: '*Error in ACL SETUSER modifier*' });

    await test('ACL GETUSER returns the password hash instead of the actual password', async () => {
      const passstr = dictGet(await r('ACL', 'getuser', 'newuser'), 'passwords');
      assertMatch('*34344e4d60c2b6d639b7bd22e18f2b0b91bc34bf0ac5f9952744435093cfb4e6*', passstr);
      assertNoMatch('*passwd4*', passstr);
    });

    await test('Test hashed passwords removal', async () => {
      await r('ACL', 'setuser', 'newuser', '!34344e4d60c2b6d639b7bd22e18f2b0b91bc34bf0ac5f9952744435093cfb4e6');
      const passstr = dictGet(await r('ACL', 'getuser', 'newuser'), 'passwords');
      assertNoMatch('*34344e4d60c2b6d639b7bd22e18f2b0b91bc34bf0ac5f9952744435093cfb4e6*', passstr);
    });

    await test('By default users are not able to access any command', async () => {
      return tclCatchValue(() => r('SET', 'foo', 'bar'));
    }, { okPattern: '*NOPERM*set*' });

    await test('By default users are not able to access any key', async () => {
      await r('ACL', 'setuser', 'newuser', '+set');
      return tclCatchValue(() => r('SET', 'foo', 'bar'));
    }, { okPattern: '*NOPERM*key*' });

    await test("It's possible to allow the access of a subset of keys", async () => {
      await r('ACL', 'setuser', 'newuser', 'allcommands', '~foo:*', '~bar:*');
      await r('SET', 'foo:1', 'a');
      await r('SET', 'bar:2', 'b');
      const e = await tclCatchValue(() => r('SET', 'zap:3', 'c'));
      await r('ACL', 'setuser', 'newuser', 'allkeys'); // back to all keys
      return e;
    }, { okPattern: '*NOPERM*key*' });

    await test('By default, only default user is able to publish to any channel', async () => {
      await r('AUTH', 'default', 'pwd');
      await r('PUBLISH', 'foo', 'bar');
      await r('ACL', 'setuser', 'psuser', 'on', '>pspass', '+acl', '+client', '+@pubsub');
      await r('AUTH', 'psuser', 'pspass');
      return tclCatchValue(() => r('PUBLISH', 'foo', 'bar'));
    }, { okPattern: '*NOPERM*channels*' });

    await test('By default, only default user is not able to publish to any shard channel', async () => {
      await r('AUTH', 'default', 'pwd');
      await r('SPUBLISH', 'foo', 'bar');
      await r('AUTH', 'psuser', 'pspass');
      return tclCatchValue(() => r('SPUBLISH', 'foo', 'bar'));
    }, { okPattern: '*NOPERM*channels*' });

    // The default user subscribes, leaves, then psuser (no channels) is refused.
    for (const [name, sub, unsub, channel, confirmation] of [
      ['By default, only default user is able to subscribe to any channel', 'SUBSCRIBE', 'UNSUBSCRIBE', 'foo', 'subscribe foo 1'],
      ['By default, only default user is able to subscribe to any shard channel', 'SSUBSCRIBE', 'SUNSUBSCRIBE', 'foo', 'ssubscribe foo 1'],
      ['By default, only default user is able to subscribe to any pattern', 'PSUBSCRIBE', 'PUNSUBSCRIBE', 'bar*', 'psubscribe bar\\* 1'],
    ] as const) {
      await test(name, async () => {
        const rd = await server.newClient();
        rd.send('AUTH', 'default', 'pwd');
        await read(rd);
        rd.send(sub, channel);
        assertMatch(confirmation, await read(rd));
        rd.send(unsub);
        await read(rd);
        rd.send('AUTH', 'psuser', 'pspass');
        await read(rd);
        rd.send(sub, channel);
        const e = await tclCatchValue(() => read(rd));
        await rd.close();
        return e;
      }, { okPattern: '*NOPERM*channels*' });
    }

    await test("It's possible to allow publishing to a subset of channels", async () => {
      await r('ACL', 'setuser', 'psuser', 'resetchannels', '&foo:1', '&bar:*');
      assertEqual(await r('PUBLISH', 'foo:1', 'somemessage'), '0');
      assertEqual(await r('PUBLISH', 'bar:2', 'anothermessage'), '0');
      return tclCatchValue(() => r('PUBLISH', 'zap:3', 'nosuchmessage'));
    }, { okPattern: '*NOPERM*channel*' });

    await test("It's possible to allow publishing to a subset of shard channels", async () => {
      await r('ACL', 'setuser', 'psuser', 'resetchannels', '&foo:1', '&bar:*');
      assertEqual(await r('SPUBLISH', 'foo:1', 'somemessage'), '0');
      assertEqual(await r('SPUBLISH', 'bar:2', 'anothermessage'), '0');
      return tclCatchValue(() => r('SPUBLISH', 'zap:3', 'nosuchmessage'));
    }, { okPattern: '*NOPERM*channel*' });

    await test('Validate subset of channels is prefixed with resetchannels flag', async () => {
      await r('ACL', 'setuser', 'hpuser', 'on', 'nopass', 'resetchannels', '&foo', '+@all');

      // ACL LIST writes resetchannels before the user's channels.
      const users = (await r('ACL', 'LIST')) as string[];
      const curruser = 'hpuser';
      for (const user of lshuffle(users)) {
        if (user.includes(curruser)) assertEqual(user, 'user hpuser on nopass resetchannels &foo +@all');
      }

      await r('AUTH', 'hpuser', 'pass');
      assertEqual(await r('PUBLISH', 'foo', 'bar'), '0');
      const e = await tclCatchValue(() => r('PUBLISH', 'bar', 'game'));

      // The next tests run as psuser again.
      await r('AUTH', 'psuser', 'pspass');
      await r('ACL', 'deluser', 'hpuser');
      return e;
    }, { okPattern: '*NOPERM*channel*' });

    await test('In transaction queue publish/subscribe/psubscribe to unauthorized channel will fail', async () => {
      await r('ACL', 'setuser', 'psuser', '+multi', '+discard');
      await r('MULTI');
      await assertError('*NOPERM*channel*', () => r('PUBLISH', 'notexits', 'helloworld'));
      await r('DISCARD');
      await r('MULTI');
      await assertError('*NOPERM*channel*', () => r('SUBSCRIBE', 'notexits', 'foo:1'));
      await r('DISCARD');
      await r('MULTI');
      await assertError('*NOPERM*channel*', () => r('PSUBSCRIBE', 'notexits:*', 'bar:*'));
      await r('DISCARD');
    });

    // These clients stay open, subscribed, as upstream leaves them.
    await test("It's possible to allow subscribing to a subset of channels", async () => {
      const rd = await server.newClient();
      rd.send('AUTH', 'psuser', 'pspass');
      await read(rd);
      rd.send('SUBSCRIBE', 'foo:1');
      assertMatch('subscribe foo:1 1', await read(rd));
      rd.send('SUBSCRIBE', 'bar:2');
      assertMatch('subscribe bar:2 2', await read(rd));
      rd.send('SUBSCRIBE', 'zap:3');
      return tclCatchValue(() => read(rd));
    }, { okPattern: '*NOPERM*channel*' });

    await test("It's possible to allow subscribing to a subset of shard channels", async () => {
      const rd = await server.newClient();
      rd.send('AUTH', 'psuser', 'pspass');
      await read(rd);
      rd.send('SSUBSCRIBE', 'foo:1');
      assertMatch('ssubscribe foo:1 1', await read(rd));
      rd.send('SSUBSCRIBE', 'bar:2');
      assertMatch('ssubscribe bar:2 2', await read(rd));
      rd.send('SSUBSCRIBE', 'zap:3');
      return tclCatchValue(() => read(rd));
    }, { okPattern: '*NOPERM*channel*' });

    await test("It's possible to allow subscribing to a subset of channel patterns", async () => {
      const rd = await server.newClient();
      rd.send('AUTH', 'psuser', 'pspass');
      await read(rd);
      rd.send('PSUBSCRIBE', 'foo:1');
      assertMatch('psubscribe foo:1 1', await read(rd));
      rd.send('PSUBSCRIBE', 'bar:*');
      assertMatch('psubscribe bar:\\* 2', await read(rd));
      rd.send('PSUBSCRIBE', 'bar:baz');
      return tclCatchValue(() => read(rd));
    }, { okPattern: '*NOPERM*channel*' });

    // A psuser client subscribed to what the user is then denied is disconnected.
    for (const [name, grant, sub, channel] of [
      ['Subscribers are killed when revoked of channel permission', ['resetchannels', '&foo:1'], 'SUBSCRIBE', 'foo:1'],
      ['Subscribers are killed when revoked of channel permission', ['resetchannels', '&foo:1'], 'SSUBSCRIBE', 'foo:1'],
      ['Subscribers are killed when revoked of pattern permission', ['resetchannels', '&bar:*'], 'PSUBSCRIBE', 'bar:*'],
      ['Subscribers are killed when revoked of allchannels permission', ['allchannels'], 'PSUBSCRIBE', 'foo'],
    ] as const) {
      await test(name, async () => {
        const rd = await server.newClient();
        await r('ACL', 'setuser', 'psuser', ...grant);
        rd.send('AUTH', 'psuser', 'pspass');
        await read(rd);
        rd.send('CLIENT', 'SETNAME', 'deathrow');
        await read(rd);
        rd.send(sub, channel);
        await read(rd);
        await r('ACL', 'setuser', 'psuser', 'resetchannels');
        assertNoMatch('*deathrow*', await r('CLIENT', 'LIST'));
        return closed(rd);
      }, { okPattern: '0' });
    }

    await test('Subscribers are pardoned if literal permissions are retained and/or gaining allchannels', async () => {
      const rd = await server.newClient();
      await r('ACL', 'setuser', 'psuser', 'resetchannels', '&foo:1', '&bar:*', '&orders');
      rd.send('AUTH', 'psuser', 'pspass');
      await read(rd);
      rd.send('CLIENT', 'SETNAME', 'pardoned');
      await read(rd);
      rd.send('SUBSCRIBE', 'foo:1');
      await read(rd);
      rd.send('SSUBSCRIBE', 'orders');
      await read(rd);
      rd.send('PSUBSCRIBE', 'bar:*');
      await read(rd);
      await r('ACL', 'setuser', 'psuser', 'resetchannels', '&foo:1', '&bar:*', '&orders', '&baz:qaz', '&zoo:*');
      assertMatch('*pardoned*', await r('CLIENT', 'LIST'));
      await r('ACL', 'setuser', 'psuser', 'allchannels');
      assertMatch('*pardoned*', await r('CLIENT', 'LIST'));
      return closed(rd);
    }, { okPattern: '0' });

    await test('Users can be configured to authenticate with any password', async () => {
      await r('ACL', 'setuser', 'newuser', 'nopass');
      return r('AUTH', 'newuser', 'zipzapblabla');
    }, { okPattern: 'OK' });

    await test('ACLs can exclude single commands', async () => {
      await r('ACL', 'setuser', 'newuser', '-ping');
      await r('INCR', 'mycounter'); // allowed
      return tclCatchValue(() => r('PING'));
    }, { okPattern: '*NOPERM*ping*' });

    await test('ACLs can include or exclude whole classes of commands', async () => {
      await r('ACL', 'setuser', 'newuser', '-@all', '+@set', '+acl');
      await r('SADD', 'myset', 'a', 'b', 'c'); // allowed
      await r('ACL', 'setuser', 'newuser', '+@all', '-@string');
      await r('SADD', 'myset', 'a', 'b', 'c'); // still allowed
      // String commands are not.
      const e = await tclCatchValue(() => r('SET', 'foo', 'bar'));
      await r('ACL', 'setuser', 'newuser', 'allcommands'); // back to all commands
      return e;
    }, { okPattern: '*NOPERM*set*' });

    await test('ACLs can include single subcommands', async () => {
      await r('ACL', 'setuser', 'newuser', '+@all', '-client');
      await r('ACL', 'setuser', 'newuser', '+client|id', '+client|setname');
      const cmdstr = dictGet(await r('ACL', 'getuser', 'newuser'), 'commands');
      assertMatch('+@all*-client*+client|id*', cmdstr);
      assertMatch('+@all*-client*+client|setname*', cmdstr);
      await r('CLIENT', 'ID');
      await r('CLIENT', 'SETNAME', 'foo');
      return tclCatchValue(() => r('CLIENT', 'KILL', 'type', 'master'));
    }, { okPattern: '*NOPERM*client|kill*' });

    await test('ACLs can exclude single subcommands, case 1', async () => {
      await r('ACL', 'setuser', 'newuser', '+@all', '-client|kill');
      const cmdstr = dictGet(await r('ACL', 'getuser', 'newuser'), 'commands');
      assertEqual(cmdstr, '+@all -client|kill');
      await r('CLIENT', 'ID');
      await r('CLIENT', 'SETNAME', 'foo');
      return tclCatchValue(() => r('CLIENT', 'KILL', 'type', 'master'));
    }, { okPattern: '*NOPERM*client|kill*' });

    await test('ACLs can exclude single subcommands, case 2', async () => {
      await r('ACL', 'setuser', 'newuser', '-@all', '+acl', '+config', '-config|set');
      const cmdstr = dictGet(await r('ACL', 'getuser', 'newuser'), 'commands');
      assertMatch('*+config*', cmdstr);
      assertMatch('*-config|set*', cmdstr);
      await r('CONFIG', 'GET', 'loglevel');
      return tclCatchValue(() => r('CONFIG', 'SET', 'loglevel', 'debug'));
    }, { okPattern: '*NOPERM*config|set*' });

    await test('ACLs cannot include a subcommand with a specific arg', async () => {
      await r('ACL', 'setuser', 'newuser', '+@all', '-config|get');
      return tclCatchValue(() => r('ACL', 'setuser', 'newuser', '+config|get|appendonly'));
    }, { okPattern: '*Allowing first-arg of a subcommand is not supported*' });

    await test('ACLs cannot exclude or include a container commands with a specific arg', async () => {
      await r('ACL', 'setuser', 'newuser', '+@all', '+config|get');
      let e = await tclCatchValue(() => r('ACL', 'setuser', 'newuser', '+@all', '+config|asdf'));
      assertMatch('*Unknown command or category name in ACL*', e);
      e = await tclCatchValue(() => r('ACL', 'setuser', 'newuser', '+@all', '-config|asdf'));
      assertMatch('*Unknown command or category name in ACL*', e);
    }, { okPattern: '' });

    await test('ACLs cannot exclude or include a container command with two args', async () => {
      await r('ACL', 'setuser', 'newuser', '+@all', '+config|get');
      let e = await tclCatchValue(() => r('ACL', 'setuser', 'newuser', '+@all', '+get|key1|key2'));
      assertMatch('*Unknown command or category name in ACL*', e);
      e = await tclCatchValue(() => r('ACL', 'setuser', 'newuser', '+@all', '-get|key1|key2'));
      assertMatch('*Unknown command or category name in ACL*', e);
    }, { okPattern: '' });

    await test('ACLs including of a type includes also subcommands', async () => {
      await r('ACL', 'setuser', 'newuser', '-@all', '+acl', '+@stream');
      await r('XADD', 'key', '*', 'field', 'value');
      return r('XINFO', 'STREAM', 'key');
    });

    await test('ACLs can block SELECT of all but a specific DB', async () => {
      await r('ACL', 'setuser', 'newuser', '-@all', '+acl', '+select|0');
      const cmdstr = dictGet(await r('ACL', 'getuser', 'newuser'), 'commands');
      assertMatch('*+select|0*', cmdstr);
      await r('SELECT', 0);
      return tclCatchValue(() => r('SELECT', 1));
    }, { okPattern: '*NOPERM*select*' });

    await test('ACLs can block all DEBUG subcommands except one', async () => {
      await r('ACL', 'setuser', 'newuser', '-@all', '+acl', '+incr', '+debug|object');
      const cmdstr = dictGet(await r('ACL', 'getuser', 'newuser'), 'commands');
      assertMatch('*+debug|object*', cmdstr);
      await r('INCR', 'key');
      await r('DEBUG', 'OBJECT', 'key');
      return tclCatchValue(() => r('DEBUG', 'SEGFAULT'));
    }, { okPattern: '*NOPERM*debug*' });

    await test('ACLs set can include subcommands, if already full command exists', async () => {
      await r('ACL', 'setuser', 'bob', '+memory|doctor');
      let cmdstr = dictGet(await r('ACL', 'getuser', 'bob'), 'commands');
      assertEqual(cmdstr, '-@all +memory|doctor');

      // The subcommand rule is absorbed by +memory.
      await r('ACL', 'setuser', 'bob', '+memory');
      cmdstr = dictGet(await r('ACL', 'getuser', 'bob'), 'commands');
      assertEqual(cmdstr, '-@all +memory');

      // Added to bob's rules, then absorbed by +@all.
      await r('ACL', 'setuser', 'bob', '+@all', '+client|id');
      cmdstr = dictGet(await r('ACL', 'getuser', 'bob'), 'commands');
      assertEqual(cmdstr, '+@all');

      await r('ACL', 'setuser', 'bob', '>passwd1', 'on');
      await r('AUTH', 'bob', 'passwd1');
      await r('CLIENT', 'ID');
      await r('MEMORY', 'DOCTOR');
    });

    await test('ACLs set can exclude subcommands, if already full command exists', async () => {
      await r('ACL', 'setuser', 'alice', '+@all', '-memory|doctor');
      let cmdstr = dictGet(await r('ACL', 'getuser', 'alice'), 'commands');
      assertEqual(cmdstr, '+@all -memory|doctor');

      await r('ACL', 'setuser', 'alice', '>passwd1', 'on');
      await r('AUTH', 'alice', 'passwd1');

      await assertError('*NOPERM*memory|doctor*', () => r('MEMORY', 'DOCTOR'));
      await r('MEMORY', 'STATS');

      // The subcommand rule is absorbed by -memory.
      await r('ACL', 'setuser', 'alice', '+@all', '-memory');
      cmdstr = dictGet(await r('ACL', 'getuser', 'alice'), 'commands');
      assertEqual(cmdstr, '+@all -memory');

      await assertError('*NOPERM*memory|doctor*', () => r('MEMORY', 'DOCTOR'));
      await assertError('*NOPERM*memory|stats*', () => r('MEMORY', 'STATS'));

      // Added to alice's rules: she can run nothing now, so newuser reads her back.
      await r('ACL', 'setuser', 'alice', '-@all');
      await r('AUTH', 'newuser', 'passwd1');

      // Everything is absorbed by -@all.
      cmdstr = dictGet(await r('ACL', 'getuser', 'alice'), 'commands');
      assertEqual(cmdstr, '-@all');

      await r('AUTH', 'alice', 'passwd1');

      await assertError('*NOPERM*get*', () => r('GET', 'key'));
      await assertError('*NOPERM*memory|stats*', () => r('MEMORY', 'STATS'));

      // The next test runs as newuser.
      await r('AUTH', 'newuser', 'passwd1');
    });

    // The server's rule order is not stable, so the parts are matched one by one.
    await test('ACL GETUSER is able to translate back command permissions', async () => {
      // Subtractive.
      await r('ACL', 'setuser', 'newuser', 'reset', '+@all', '~*', '-@string', '+incr', '-debug', '+debug|digest');
      let cmdstr = dictGet(await r('ACL', 'getuser', 'newuser'), 'commands');
      assertMatch('*+@all*', cmdstr);
      assertMatch('*-@string*', cmdstr);
      assertMatch('*+incr*', cmdstr);
      assertMatch('*-debug +debug|digest**', cmdstr);

      // Additive.
      await r('ACL', 'setuser', 'newuser', 'reset', '+@string', '-incr', '+acl', '+debug|digest', '+debug|segfault');
      cmdstr = dictGet(await r('ACL', 'getuser', 'newuser'), 'commands');
      assertMatch('*-@all*', cmdstr);
      assertMatch('*+@string*', cmdstr);
      assertMatch('*-incr*', cmdstr);
      assertMatch('*+debug|digest*', cmdstr);
      assertMatch('*+debug|segfault*', cmdstr);
      assertMatch('*+acl*', cmdstr);
    });

    // A single category rule is kept as written, on top of +@all or -@all.
    await test('ACL GETUSER provides reasonable results', async () => {
      const categories = (await r('ACL', 'CAT')) as string[];
      for (const category of categories) {
        // Commands added later stay allowed.
        await r('ACL', 'setuser', 'additive', 'reset', '+@all', `-@${category}`);
        let cmdstr = dictGet(await r('ACL', 'getuser', 'additive'), 'commands');
        assertEqual(cmdstr, `+@all -@${category}`);

        // Commands added later stay denied.
        await r('ACL', 'setuser', 'restrictive', 'reset', '-@all', `+@${category}`);
        cmdstr = dictGet(await r('ACL', 'getuser', 'restrictive'), 'commands');
        assertEqual(cmdstr, `-@all +@${category}`);
      }
    });

    await test('ACL CAT with illegal arguments', async () => {
      await assertError("*Unknown category 'NON_EXISTS'", () => r('ACL', 'CAT', 'NON_EXISTS'));
      await assertError("*unknown subcommand or wrong number of arguments for 'CAT'*", () => r('ACL', 'CAT', 'NON_EXISTS', 'NON_EXISTS2'));
    });

    await test('ACL CAT without category - list all categories', async () => {
      const categories = await r('acl', 'cat');
      assertNotEqual(lsearch(categories, 'keyspace'), -1);
      assertNotEqual(lsearch(categories, 'connection'), -1);
    });

    await test('ACL CAT category - list all commands/subcommands that belong to category', async () => {
      assertNotEqual(lsearch(await r('acl', 'cat', 'transaction'), 'multi'), -1);
      assertNotEqual(lsearch(await r('acl', 'cat', 'scripting'), 'function|list'), -1);

      // And not every command.
      assertEqual(lsearch(await r('acl', 'cat', 'keyspace'), 'set'), -1);
      assertEqual(lsearch(await r('acl', 'cat', 'stream'), 'get'), -1);
    });

    await test('ACL requires explicit permission for scripting for EVAL_RO, EVALSHA_RO and FCALL_RO', async () => {
      await r('ACL', 'SETUSER', 'scripter', 'on', 'nopass', '+readonly');
      assertEqual(await r('ACL', 'DRYRUN', 'scripter', 'EVAL_RO', '', 0), "This user has no permissions to run the 'eval_ro' command");
      assertEqual(await r('ACL', 'DRYRUN', 'scripter', 'EVALSHA_RO', '', 0), "This user has no permissions to run the 'evalsha_ro' command");
      assertEqual(await r('ACL', 'DRYRUN', 'scripter', 'FCALL_RO', '', 0), "This user has no permissions to run the 'fcall_ro' command");
    });

    await test('ACL #5998 regression: memory leaks adding / removing subcommands', async () => {
      await r('AUTH', 'default', '');
      await r('ACL', 'setuser', 'newuser', 'reset', '-debug', '+debug|a', '+debug|b', '+debug|c');
      await r('ACL', 'setuser', 'newuser', '-debug');
      // A leak would show in the server's leak check at exit.
    });

    await test('ACL LOG shows failed command executions at toplevel', async () => {
      await r('ACL', 'LOG', 'RESET');
      await r('ACL', 'setuser', 'antirez', '>foo', 'on', '+set', '~object:1234');
      await r('ACL', 'setuser', 'antirez', '+eval', '+multi', '+exec');
      await r('ACL', 'setuser', 'antirez', 'resetchannels', '+publish');
      await r('AUTH', 'antirez', 'foo');
      await assertError('*NOPERM*get*', () => r('GET', 'foo'));
      await r('AUTH', 'default', '');
      const entry = lindex(await r('ACL', 'LOG'), 0);
      assert(tclString(dictGet(entry, 'username')) === 'antirez', '[dict get $entry username] eq {antirez}');
      assert(tclString(dictGet(entry, 'context')) === 'toplevel', '[dict get $entry context] eq {toplevel}');
      assert(tclString(dictGet(entry, 'reason')) === 'command', '[dict get $entry reason] eq {command}');
      assert(tclString(dictGet(entry, 'object')) === 'get', '[dict get $entry object] eq {get}');
    });

    await test('ACL LOG shows failed subcommand executions at toplevel', async () => {
      await r('ACL', 'LOG', 'RESET');
      await r('ACL', 'DELUSER', 'demo');
      await r('ACL', 'SETUSER', 'demo', 'on', 'nopass');
      await r('AUTH', 'demo', '');
      await assertError('*NOPERM*script|help*', () => r('SCRIPT', 'HELP'));
      await r('AUTH', 'default', '');
      const entry = lindex(await r('ACL', 'LOG'), 0);
      assertEqual(dictGet(entry, 'username'), 'demo');
      assertEqual(dictGet(entry, 'context'), 'toplevel');
      assertEqual(dictGet(entry, 'reason'), 'command');
      assertEqual(dictGet(entry, 'object'), 'script|help');
    });

    await test('ACL LOG is able to test similar events', async () => {
      await r('ACL', 'LOG', 'RESET');
      await r('AUTH', 'antirez', 'foo');
      await tclCatch(() => r('GET', 'foo'));
      await tclCatch(() => r('GET', 'foo'));
      await tclCatch(() => r('GET', 'foo'));
      await r('AUTH', 'default', '');
      const entry = lindex(await r('ACL', 'LOG'), 0);
      assert(Number(dictGet(entry, 'count')) === 3, '[dict get $entry count] == 3');
    });

    await test('ACL LOG is able to log keys access violations and key name', async () => {
      await r('AUTH', 'antirez', 'foo');
      await tclCatch(() => r('SET', 'somekeynotallowed', '1234'));
      await r('AUTH', 'default', '');
      const entry = lindex(await r('ACL', 'LOG'), 0);
      assert(tclString(dictGet(entry, 'reason')) === 'key', '[dict get $entry reason] eq {key}');
      assert(tclString(dictGet(entry, 'object')) === 'somekeynotallowed', '[dict get $entry object] eq {somekeynotallowed}');
    });

    await test('ACL LOG is able to log channel access violations and channel name', async () => {
      await r('AUTH', 'antirez', 'foo');
      await tclCatch(() => r('PUBLISH', 'somechannelnotallowed', 'nullmsg'));
      await r('AUTH', 'default', '');
      const entry = lindex(await r('ACL', 'LOG'), 0);
      assert(tclString(dictGet(entry, 'reason')) === 'channel', '[dict get $entry reason] eq {channel}');
      assert(tclString(dictGet(entry, 'object')) === 'somechannelnotallowed', '[dict get $entry object] eq {somechannelnotallowed}');
    });

    await test('ACL LOG RESET is able to flush the entries in the log', async () => {
      await r('ACL', 'LOG', 'RESET');
      assert(llength(await r('ACL', 'LOG')) === 0, '[llength [r ACL LOG]] == 0');
    });

    await test('ACL LOG can distinguish the transaction context (1)', async () => {
      await r('AUTH', 'antirez', 'foo');
      await r('MULTI');
      await tclCatch(() => r('INCR', 'foo'));
      await tclCatch(() => r('EXEC'));
      await r('AUTH', 'default', '');
      const entry = lindex(await r('ACL', 'LOG'), 0);
      assert(tclString(dictGet(entry, 'context')) === 'multi', '[dict get $entry context] eq {multi}');
      assert(tclString(dictGet(entry, 'object')) === 'incr', '[dict get $entry object] eq {incr}');
    });

    await test('ACL LOG can distinguish the transaction context (2)', async () => {
      const rd1 = await server.newClient();
      await r('ACL', 'SETUSER', 'antirez', '+incr');

      await r('AUTH', 'antirez', 'foo');
      await r('MULTI');
      await r('INCR', 'object:1234');
      // Revoked while the transaction is queued: EXEC fails the queued INCR.
      rd1.send('ACL', 'SETUSER', 'antirez', '-incr');
      await read(rd1);
      await tclCatch(() => r('EXEC'));
      await rd1.close();
      await r('AUTH', 'default', '');
      const entry = lindex(await r('ACL', 'LOG'), 0);
      assert(tclString(dictGet(entry, 'context')) === 'multi', '[dict get $entry context] eq {multi}');
      assert(tclString(dictGet(entry, 'object')) === 'incr', '[dict get $entry object] eq {incr}');
      await r('ACL', 'SETUSER', 'antirez', '-incr');
    });

    await test('ACL can log errors in the context of Lua scripting', async () => {
      await r('AUTH', 'antirez', 'foo');
      await tclCatch(() => r('EVAL', "redis.call('incr','foo')", 0));
      await r('AUTH', 'default', '');
      const entry = lindex(await r('ACL', 'LOG'), 0);
      assert(tclString(dictGet(entry, 'context')) === 'lua', '[dict get $entry context] eq {lua}');
      assert(tclString(dictGet(entry, 'object')) === 'incr', '[dict get $entry object] eq {incr}');
    });

    await test('ACL LOG can accept a numerical argument to show less entries', async () => {
      await r('AUTH', 'antirez', 'foo');
      for (let i = 0; i < 4; i++) await tclCatch(() => r('INCR', 'foo'));
      await r('AUTH', 'default', '');
      assert(llength(await r('ACL', 'LOG')) > 1, '[llength [r ACL LOG]] > 1');
      assert(llength(await r('ACL', 'LOG', 2)) === 2, '[llength [r ACL LOG 2]] == 2');
    });

    await test('ACL LOG can log failed auth attempts', async () => {
      await tclCatch(() => r('AUTH', 'antirez', 'wrong-password'));
      const entry = lindex(await r('ACL', 'LOG'), 0);
      assert(tclString(dictGet(entry, 'context')) === 'toplevel', '[dict get $entry context] eq {toplevel}');
      assert(tclString(dictGet(entry, 'reason')) === 'auth', '[dict get $entry reason] eq {auth}');
      assert(tclString(dictGet(entry, 'object')) === 'AUTH', '[dict get $entry object] eq {AUTH}');
      assert(tclString(dictGet(entry, 'username')) === 'antirez', '[dict get $entry username] eq {antirez}');
    });

    await test('ACL LOG entries are limited to a maximum amount', async () => {
      await r('ACL', 'LOG', 'RESET');
      await r('CONFIG', 'SET', 'acllog-max-len', 5);
      await r('AUTH', 'antirez', 'foo');
      for (let j = 0; j < 10; j++) await tclCatch(() => r('SET', `obj:${j}`, '123'));
      await r('AUTH', 'default', '');
      assert(llength(await r('ACL', 'LOG')) === 5, '[llength [r ACL LOG]] == 5');
    });

    await test('When default user is off, new connections are not authenticated', async () => {
      await r('ACL', 'setuser', 'default', 'off');
      // The new client's SELECT is refused.
      const e = await tclCatchValue(() => server.newClient());
      await r('ACL', 'setuser', 'default', 'on');
      return e;
    }, { okPattern: '*NOAUTH*' });

    await test('When default user has no command permission, hello command still works for other users', async () => {
      await r('ACL', 'setuser', 'secure-user', '>supass', 'on', '+@all');
      await r('ACL', 'setuser', 'default', '-@all');
      await r('HELLO', 2, 'AUTH', 'secure-user', 'supass');
      await r('ACL', 'setuser', 'default', 'nopass', '+@all');
      return r('AUTH', 'default', '');
    });

    await test('ACL HELP should not have unexpected options', async () => {
      const e = await tclCatchValue(() => r('ACL', 'help', 'xxx'));
      assertMatch("*wrong number of arguments for 'acl|help' command", e);
    });

    await test("Delete a user that the client doesn't use", async () => {
      await r('ACL', 'setuser', 'not_used', 'on', '>passwd');
      assert(Number(await r('ACL', 'deluser', 'not_used')) === 1, '[r ACL deluser not_used] == 1');
      // This client stays connected.
      assert((await r('ping')) === 'PONG', '[r ping] eq {PONG}');
    });

    await test('Delete a user that the client is using', async () => {
      await r('ACL', 'setuser', 'using', 'on', '+acl', '>passwd');
      await r('AUTH', 'using', 'passwd');
      // The reply still arrives...
      assert(Number(await r('ACL', 'deluser', 'using')) === 1, '[r ACL deluser using] == 1');
      // ...then the server closes the connection.
      const e = await tclCatchValue(() => r('ping'));
      assertMatch('*I/O error*', e);
    });

    await test('ACL GENPASS command failed test', async () => {
      const err1 = await tclCatchValue(() => r('ACL', 'genpass', -236));
      const err2 = await tclCatchValue(() => r('ACL', 'genpass', 5000));
      assertMatch('*ACL GENPASS argument must be the number*', err1);
      assertMatch('*ACL GENPASS argument must be the number*', err2);
    });

    await test('Default user can not be removed', async () => {
      return tclCatchValue(() => r('ACL', 'deluser', 'default'));
    }, { okPattern: "ERR The 'default' user cannot be removed" });

    await test('ACL load non-existing configured ACL file', async () => {
      return tclCatchValue(() => r('ACL', 'load'));
    }, { okPattern: '*Redis instance is not configured to use an ACL file*' });
  });

  let serverPath = tmpdir('server.acl');
  writeAclFile('user.acl', serverPath);
  await startServer({ overrides: { dir: serverPath, 'acl-pubsub-default': 'allchannels', aclfile: 'user.acl' }, tags: ['external:skip'] }, async (server) => {
    // The file's users:
    //   alice: all commands, all keys, all channels, password alice
    //   bob:   only @set and ACL, keys set*, all channels, password bob
    //   default: everything, no password
    const { r, reconnect } = tclCaller(server);

    await test('default: load from include file, can access any channels', async () => {
      await r('SUBSCRIBE', 'foo');
      await r('PSUBSCRIBE', 'bar*');
      await r('UNSUBSCRIBE');
      await r('PUNSUBSCRIBE');
      return r('PUBLISH', 'hello', 'world');
    });

    await test('default: with config acl-pubsub-default allchannels after reset, can access any channels', async () => {
      await r('ACL', 'setuser', 'default', 'reset', 'on', 'nopass', '~*', '+@all');
      await r('SUBSCRIBE', 'foo');
      await r('PSUBSCRIBE', 'bar*');
      await r('UNSUBSCRIBE');
      await r('PUNSUBSCRIBE');
      return r('PUBLISH', 'hello', 'world');
    });

    await test('default: with config acl-pubsub-default resetchannels after reset, can not access any channels', async () => {
      await r('CONFIG', 'SET', 'acl-pubsub-default', 'resetchannels');
      await r('ACL', 'setuser', 'default', 'reset', 'on', 'nopass', '~*', '+@all');
      await assertError('*NOPERM*channel*', () => r('SUBSCRIBE', 'foo'));
      await assertError('*NOPERM*channel*', () => r('PSUBSCRIBE', 'bar*'));
      await assertError('*NOPERM*channel*', () => r('PUBLISH', 'hello', 'world'));
      await r('CONFIG', 'SET', 'acl-pubsub-default', 'resetchannels');
    });

    await test('Alice: can execute all command', async () => {
      await r('AUTH', 'alice', 'alice');
      assertEqual(await r('acl', 'whoami'), 'alice');
      return r('SET', 'key', 'value');
    });

    await test('Bob: just execute @set and acl command', async () => {
      await r('AUTH', 'bob', 'bob');
      assertEqual(await r('acl', 'whoami'), 'bob');
      assertEqual(await r('sadd', 'set', 1, 2, 3), '3');
      return tclCatchValue(() => r('SET', 'key', 'value'));
    }, { okPattern: '*NOPERM*set*' });

    await test('ACL load and save', async () => {
      await r('ACL', 'setuser', 'eve', '+get', 'allkeys', '>eve', 'on');
      await r('ACL', 'save');

      // Loading frees the old users and disconnects their clients, this one included.
      await r('ACL', 'load');
      const e = await tclCatchValue(() => r('ACL', 'LIST'));
      assertMatch('*I/O error*', e);

      await reconnect();
      await r('AUTH', 'alice', 'alice');
      await r('SET', 'key', 'value');
      await r('AUTH', 'eve', 'eve');
      await r('GET', 'key');
      return tclCatchValue(() => r('SET', 'key', 'value'));
    }, { okPattern: '*NOPERM*set*' });

    await test('ACL load and save with restricted channels', async () => {
      await r('AUTH', 'alice', 'alice');
      await r('ACL', 'setuser', 'harry', 'on', 'nopass', 'resetchannels', '&test', '+@all', '~*');
      await r('ACL', 'save');

      // Loading frees the old users and disconnects their clients, this one included.
      await r('ACL', 'load');
      const e = await tclCatchValue(() => r('ACL', 'LIST'));
      assertMatch('*I/O error*', e);

      await reconnect();
      await r('AUTH', 'harry', 'anything');
      await r('publish', 'test', 'bar');
      const denied = await tclCatchValue(() => r('publish', 'test1', 'bar'));
      await r('ACL', 'deluser', 'harry');
      return denied;
    }, { okPattern: '*NOPERM*channel*' });
  });

  serverPath = tmpdir('resetchannels.acl');
  writeAclFile('nodefaultuser.acl', serverPath);
  await startServer({ overrides: { dir: serverPath, aclfile: 'nodefaultuser.acl' }, tags: ['external:skip'] }, async (server) => {
    const r = (...args: Arg[]) => server.call(...args);

    await test('Default user has access to all channels irrespective of flag', async () => {
      let channelinfo = dictGet(await r('ACL', 'getuser', 'default'), 'channels');
      assertEqual(channelinfo, '&*');
      channelinfo = dictGet(await r('ACL', 'getuser', 'alice'), 'channels');
      assertEqual(channelinfo, '');
    });

    await test("Update acl-pubsub-default, existing users shouldn't get affected", async () => {
      let channelinfo = dictGet(await r('ACL', 'getuser', 'default'), 'channels');
      assertEqual(channelinfo, '&*');
      await r('CONFIG', 'set', 'acl-pubsub-default', 'allchannels');
      await r('ACL', 'setuser', 'mydefault');
      channelinfo = dictGet(await r('ACL', 'getuser', 'mydefault'), 'channels');
      assertEqual(channelinfo, '&*');
      await r('CONFIG', 'set', 'acl-pubsub-default', 'resetchannels');
      channelinfo = dictGet(await r('ACL', 'getuser', 'mydefault'), 'channels');
      assertEqual(channelinfo, '&*');
    });

    await test('Single channel is valid', async () => {
      await r('ACL', 'setuser', 'onechannel', '&test');
      const channelinfo = dictGet(await r('ACL', 'getuser', 'onechannel'), 'channels');
      assertEqual(channelinfo, '&test');
      await r('ACL', 'deluser', 'onechannel');
    });

    await test('Single channel is not valid with allchannels', async () => {
      await r('CONFIG', 'set', 'acl-pubsub-default', 'allchannels');
      const err = await tclCatchValue(() => r('ACL', 'setuser', 'onechannel', '&test'));
      await r('CONFIG', 'set', 'acl-pubsub-default', 'resetchannels');
      return err;
    }, { okPattern: '*start with an empty list of channels*' });
  });

  serverPath = tmpdir('resetchannels.acl');
  writeAclFile('nodefaultuser.acl', serverPath);
  await startServer({ overrides: { dir: serverPath, 'acl-pubsub-default': 'resetchannels', aclfile: 'nodefaultuser.acl' }, tags: ['external:skip'] }, async (server) => {
    const r = (...args: Arg[]) => server.call(...args);

    await test('Only default user has access to all channels irrespective of flag', async () => {
      let channelinfo = dictGet(await r('ACL', 'getuser', 'default'), 'channels');
      assertEqual(channelinfo, '&*');
      channelinfo = dictGet(await r('ACL', 'getuser', 'alice'), 'channels');
      assertEqual(channelinfo, '');
    });
  });

  await startServer({ overrides: { user: 'default on nopass ~* +@all' }, tags: ['external:skip'] }, async (server) => {
    await test("default: load from config file, without channel permission default user can't access any channels", async () => {
      return tclCatchValue(() => server.call('SUBSCRIBE', 'foo'));
    }, { okPattern: '*NOPERM*channel*' });
  });

  await startServer({ overrides: { user: 'default on nopass ~* &* +@all' }, tags: ['external:skip'] }, async (server) => {
    const r = (...args: Arg[]) => server.call(...args);

    await test('default: load from config file with all channels permissions', async () => {
      await r('SUBSCRIBE', 'foo');
      await r('PSUBSCRIBE', 'bar*');
      await r('UNSUBSCRIBE');
      await r('PUNSUBSCRIBE');
      return r('PUBLISH', 'hello', 'world');
    });
  });

  serverPath = tmpdir('duplicate.acl');
  const duplicatePath = serverPath;
  writeAclFile('user.acl', duplicatePath);
  await startServer({ overrides: { dir: duplicatePath, aclfile: 'user.acl' }, tags: ['external:skip'] }, async (server) => {
    const r = (...args: Arg[]) => server.call(...args);

    // The file as written, then a second definition of `user` appended (as `echo ... >>` does).
    for (const [name, user] of [
      ['Test loading an ACL file with duplicate users', 'alice'],
      ['Test loading an ACL file with duplicate default user', 'default'],
    ] as const) {
      await test(name, async () => {
        const file = writeAclFile('user.acl', duplicatePath);
        appendFileSync(file, `\nuser ${user} on nopass ~* -@all\n`);
        const err = await tclCatchValue(() => r('ACL', 'LOAD'));
        assertMatch(`*Duplicate user '${user}' found*`, err);

        // The users loaded before are all still there (a missing one reads as '').
        assert(tclString(await r('ACL', 'GETUSER', 'alice')) !== '', '[r ACL GETUSER alice] != ""');
        assertEqual(dictGet(await r('ACL', 'GETUSER', 'alice'), 'commands'), '+@all');
        assert(tclString(await r('ACL', 'GETUSER', 'bob')) !== '', '[r ACL GETUSER bob] != ""');
        assert(tclString(await r('ACL', 'GETUSER', 'default')) !== '', '[r ACL GETUSER default] != ""');
      });
    }

    await test('Test loading duplicate users in config on startup', async () => {
      let err = await execServer(['--user', 'foo', '--user', 'foo']);
      assertMatch('*Duplicate user*', err);

      err = await execServer(['--user', 'default', '--user', 'default']);
      assertMatch('*Duplicate user*', err);
    }, { okPattern: '', tags: ['external:skip'] });
  });

  await startServer({ overrides: { user: 'default on nopass ~* +@all -flushdb' }, tags: ['acl', 'external:skip'] }, async (server) => {
    await test('ACL from config file and config rewrite', async () => {
      await assertError('NOPERM *', () => server.call('flushdb'));
      await server.call('config', 'rewrite');
      await server.restart({ waitReady: true, rotateLogs: false });
      await assertError('NOPERM *', () => server.call('flushdb'));
    });
  });
});

// Harness candidate: redis.tcl reconnect-on-next-command after an I/O error (plus util.tcl reconnect)
/**
 * The server's default client as Tcl's `r` uses it: after a command failed with an I/O error,
 * the next command opens a new link first (redis.tcl reconnects when its fd was dropped).
 */
function tclCaller(server: ServerHandle) {
  let dropped = false;
  const r = async (...args: Arg[]): Promise<Reply> => {
    if (dropped) {
      dropped = false;
      await server.reconnect();
    }
    try {
      return await server.call(...args);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('I/O error')) dropped = true;
      throw err;
    }
  };
  /** Tcl `reconnect` (util.tcl): a new default client, SELECTed again. */
  const reconnect = async () => {
    dropped = false;
    await server.reconnect();
  };
  return { r, reconnect };
}

/**
 * Tcl `catch {exec src/redis-server ...} err`: a one-shot server run (bound to loopback on a free
 * port) with these arguments; its output as the catch gives it.
 */
async function execServer(args: string[]): Promise<string> {
  const port = await findAvailablePort();
  return tclCatchValue(async () => tclExec([await runServerOnce(['--port', String(port), '--bind', '127.0.0.1', ...args])]));
}
