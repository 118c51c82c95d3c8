import t from 'tap';
import { logLineTime, logMarks } from '../harness/worker/timeline.ts';

// Lines as Redis 7.0.15 writes them (replication.c, networking.c), a master's and a replica's.
const REPLICA_LOG = [
  '4242:C 02 Dec 2026 13:04:02.100 # oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo',
  '4242:M 02 Dec 2026 13:04:02.120 * Ready to accept connections',
  '### Starting test replica follows in suites/x.ts',
  "4242:S 02 Dec 2026 13:04:02.300 * REPLICAOF 127.0.0.1:41000 enabled (user request from 'id=3 addr=127.0.0.1:5000')",
  '4242:S 02 Dec 2026 13:04:02.310 * MASTER <-> REPLICA sync started',
  '4242:S 02 Dec 2026 13:04:02.320 * Full resync from master: 8e1f:0',
  '4243:C 02 Dec 2026 13:04:02.330 * child line, role letter C',
  '4242:S 02 Dec 2026 13:04:02.400 * MASTER <-> REPLICA sync: Finished with success',
  '4242:S 02 Dec 2026 13:04:03.000 # Connection with master lost.',
  '4242:S 02 Dec 2026 13:04:03.900 * Successful partial resynchronization with master.',
  '4242:S 02 Dec 2026 13:04:03.901 * MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.',
  "4242:M 02 Dec 2026 13:04:04.000 * MASTER MODE enabled (user request from 'id=3')",
].join('\n');

const MASTER_LOG = [
  '4100:M 02 Dec 2026 13:04:02.315 * Full resync requested by replica 127.0.0.1:41002',
  '4100:M 02 Dec 2026 13:04:03.001 # Connection with replica 127.0.0.1:41002 lost.',
  '4100:M 02 Dec 2026 13:04:03.899 * Partial resynchronization request from 127.0.0.1:41003 accepted. Sending 0 bytes of backlog starting from offset 15.',
  '4100:M 02 Dec 2026 13:04:03.950 * Partial resynchronization not accepted: Replication ID mismatch',
  '4100:M 02 Dec 2026 13:04:04.100 # Connection with replica client id #5 lost.',
].join('\n');

t.test('replication milestones and role changes are read from the logs, each with its line and time', async (t) => {
  const marks = logMarks(':41002', REPLICA_LOG);
  t.same(
    marks.map((m) => m.kind),
    ['role-change', 'full-sync', 'sync-finished', 'link-lost', 'partial-resync', 'partial-resync', 'role-change'],
  );
  t.match(marks[0].text, /^master -> replica: 4242:S .*REPLICAOF 127\.0\.0\.1:41000 enabled/);
  t.match(marks.at(-1)!.text, /^replica -> master: .*MASTER MODE enabled/);
  t.equal(marks[0].at, new Date(2026, 11, 2, 13, 4, 2, 300).getTime(), 'the time the server logged (local time)');
  t.ok(marks.every((m) => m.lane === ':41002'));
  t.notOk(marks.some((m) => m.text.includes('child line')), 'child lines (C) are not a role');

  const master = logMarks(':41000', MASTER_LOG);
  t.same(master.map((m) => m.kind), ['full-sync', 'link-lost', 'partial-resync', 'full-sync', 'link-lost'], 'a refused partial resync means a full sync');
  t.equal(master[2].text, MASTER_LOG.split('\n')[2]);
});

t.test('logLineTime: lines without a Redis timestamp have none', async (t) => {
  t.equal(logLineTime('### Starting test x'), null);
  t.equal(logLineTime('4242:M 31 Foo 2026 13:04:02.100 * x'), null);
  t.equal(logLineTime('4242:M 02 Dec 2026 13:04:02.100 * x'), new Date(2026, 11, 2, 13, 4, 2, 100).getTime());
});
