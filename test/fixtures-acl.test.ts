// The generated ACL fixtures: file text from the user data, then each file
// loaded into a real redis-server (aclfile) and read back with ACL LIST.
import t from 'tap';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Client } from '../harness/client/client.ts';
import { RedisServer } from '../harness/servers/server.ts';
import { testRun } from './support/env.ts';
import { aclFileNames, aclFileText, aclFileUsers, aclUserLine, writeAclFile, type AclFileName } from '../fixtures/acl.ts';

const PORT_BASE = 58200;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** ACL LIST as Redis 7.0.15 prints each file's users (passwords hashed, implicit rules spelt out). */
const EXPECTED_LIST: Record<AclFileName, string[]> = {
  'user.acl': [
    `user alice on #${sha256('alice')} ~* &* +@all`,
    `user bob on #${sha256('bob')} ~set* &* -@all +@set +acl`,
    'user default on nopass ~* &* +@all',
  ],
  'nodefaultuser.acl': [
    'user alice on nopass ~* resetchannels +@all',
    'user bob on nopass ~* &* +@all',
    'user default on nopass ~* &* +@all',
  ],
  'userwithselectors.acl': [
    'user alice on resetchannels -@all (~rw* resetchannels -@all +get)',
    'user bob on resetchannels -@all (%W~w* resetchannels -@all +set) (%R~r* resetchannels -@all +get)',
    'user default on nopass ~* &* +@all',
  ],
};

t.test('file text', async (tt) => {
  tt.same([...aclFileNames].sort(), ['nodefaultuser.acl', 'user.acl', 'userwithselectors.acl']);
  tt.equal(
    aclFileText('user.acl'),
    'user alice on allcommands allkeys &* >alice\nuser bob on -@all +@set +acl ~set* &* >bob\nuser default on nopass ~* &* +@all\n',
  );
  tt.equal(aclFileText('userwithselectors.acl'), 'user alice on (+get ~rw*)\nuser bob on (+set %W~w*) (+get %R~r*)\n');
  tt.same(aclFileUsers('nodefaultuser.acl').map((u) => u.name), ['alice', 'bob'], 'no default user line');
  tt.throws(() => aclUserLine({ name: 'a b', rules: ['on'] }), /one word/);
  tt.throws(() => aclUserLine({ name: 'x', rules: [{ selector: ['+get ~k'] }] }), /one word/);
  tt.throws(() => aclFileUsers('missing.acl' as AclFileName), /unknown ACL fixture/);
});

t.test('each file loads into redis-server', async (tt) => {
  const { ctx } = testRun(tt, PORT_BASE);
  for (const name of aclFileNames) {
    await tt.test(name, async (st) => {
      const dir = ctx.run.tmpdir('aclfixture');
      const path = writeAclFile(name, dir);
      st.equal(path, join(dir, name));
      st.equal(readFileSync(path, 'utf8'), aclFileText(name));
      const server = await RedisServer.start(ctx, { overrides: { save: '', aclfile: path } });
      st.teardown(() => server.kill('SIGKILL'));
      const r = await Client.connect({ host: server.host, port: server.port });
      st.teardown(() => r.close());
      const list = ((await r.call('ACL', 'LIST')) as string[]).slice().sort();
      st.same(list, EXPECTED_LIST[name], 'ACL LIST shows the file\'s users');
      if (name === 'user.acl') {
        st.equal(await r.call('AUTH', 'bob', 'bob'), 'OK', 'bob logs in with his password');
        st.equal(await r.call('SADD', 'set1', 'a'), 1);
        await st.rejects(r.call('SET', 'set2', 'x'), /NOPERM/, 'bob may not run string commands');
      }
    });
  }
});
