import t from 'tap';
import { buildServerConfig, loadConfigTemplate, parseConfigTemplate, renderConfig } from '../harness/servers/config.ts';

t.test('template parsing keeps order and whole values', async (t) => {
  const config = parseConfigTemplate('# comment\n\nsave 900 1\nlogfile \'\'\nbind 127.0.0.1\nappendonly no\n');
  t.same([...config], [
    ['save', '900 1'],
    ['logfile', "''"],
    ['bind', '127.0.0.1'],
    ['appendonly', 'no'],
  ]);
});

t.test('the default template has the Tcl directives and enables DEBUG', async (t) => {
  const config = loadConfigTemplate('default.conf');
  t.equal(config.get('enable-debug-command'), 'yes');
  t.equal(config.get('bind'), '127.0.0.1');
  t.equal(config.get('repl-diskless-sync-delay'), '0');
  t.equal(config.get('save'), '900 1');
  t.equal(config.get('notify-keyspace-events'), 'KEA');
});

t.test('a missing template is a one-line error naming the fix', async (t) => {
  t.throws(() => loadConfigTemplate('nope.conf'), /config template 'nope.conf' not found .*: name a file in fixtures\/ or an absolute path/);
});

t.test('template, then dir/port/socket, then --config lines, then overrides, then omit', async (t) => {
  const config = buildServerConfig({
    template: parseConfigTemplate('port 6379\nsave 900 1\nappendonly no\nmaxmemory 0\n'),
    dir: '/d',
    port: 1234,
    unixsocket: '/d/socket',
    globalOverrides: [
      ['appendonly', 'yes'],
      ['maxmemory', '1mb'],
    ],
    overrides: { maxmemory: '2mb', 'repl-backlog-size': 100 },
    omit: ['save'],
  });
  t.equal(config.get('port'), '1234');
  t.equal(config.get('dir'), '/d');
  t.equal(config.get('unixsocket'), '/d/socket');
  t.equal(config.get('appendonly'), 'yes', 'global --config applies');
  t.equal(config.get('maxmemory'), '2mb', 'block override wins over --config');
  t.equal(config.get('repl-backlog-size'), '100');
  t.notOk(config.has('save'), 'omitted');
});

t.test('overrides given as pairs keep their order and may repeat', async (t) => {
  const config = buildServerConfig({ template: new Map(), dir: '/d', port: 1, unixsocket: '/s', overrides: [['a', '1'], ['a', '2']] });
  t.equal(config.get('a'), '2');
});

t.test('rendering writes empty values quoted and appends config_lines', async (t) => {
  const text = renderConfig(new Map([['save', ''], ['port', '1']]), [['loadmodule', '/x.so'], ['loadmodule', '/y.so']]);
  t.equal(text, 'save ""\nport 1\nloadmodule /x.so\nloadmodule /y.so\n');
});
