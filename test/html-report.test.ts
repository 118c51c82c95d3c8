import { execa } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import t from 'tap';
import { PROJECT_ROOT } from '../harness/core/processes.ts';
import { Browser, chromiumMissing } from './support/chromium.ts';

const RUNTEST = path.join(PROJECT_ROOT, 'runtest');
const SUITES = path.join(PROJECT_ROOT, 'test', 'fixture-suites');
/** Kept after the test, for a person to look at. */
const SCREENSHOT = process.env.RUNTEST_SCREENSHOT ?? path.join(PROJECT_ROOT, 'tmp', 'html-report-selftest.png');

const TEST_NAME = 'replica follows its master across a cut link (fails on purpose)';

t.test('--html: a failed two-server test, its timeline lanes and marks, checked in headless Chromium', async (t) => {
  const missing = chromiumMissing();
  if (missing) {
    t.fail(missing);
    return;
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'runtest-html-'));
  t.teardown(() => rmSync(tmp, { recursive: true, force: true }));
  const dir = path.join(tmp, 'report');
  const env = { RUNTEST_SUITES_DIR: SUITES, RUNTEST_TMPDIR: tmp, NO_COLOR: '1' };
  const r = await execa(RUNTEST, ['--baseport', '55400', '--portcount', '200', '--single', 'integration/failing-replication', '--seed', '7', '--html', dir], { env, reject: false, all: true });
  t.equal(r.exitCode, 1, 'the fixture fails');
  t.match(r.all, new RegExp(`HTML report: ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/index\\.html`));
  const drawn = /Expected '(\d+)' to be equal to '(\d+)'/.exec(r.all);
  t.ok(drawn && Number(drawn[2]) === Number(drawn[1]) + 1, `the console names the seeded draw: ${drawn?.[0]}`);

  const browser = await Browser.launch();
  t.teardown(() => browser.close());
  const page = await browser.newPage();
  await page.goto(pathToFileURL(path.join(dir, 'index.html')).href);

  const header = await page.evaluate<{ seed: string; version: string; counts: string; command: string }>(`({
    seed: document.querySelector('#seed').textContent,
    version: document.querySelector('#version').textContent,
    counts: document.querySelector('#counts').textContent,
    command: document.querySelector('#command').textContent,
  })`);
  t.equal(header.seed, '7');
  t.match(header.version, /v=\d+\.\d+\.\d+/, 'the server version');
  t.equal(header.counts, '0 passed, 1 failed');
  t.match(header.command, /--single integration\/failing-replication --seed 7 --html/);

  const failure = await page.evaluate<{ count: number; name: string; message: string; rerun: string; first: string }>(`({
    count: document.querySelectorAll('#failures article.failure').length,
    name: document.querySelector('article.failure').dataset.test,
    message: document.querySelector('article.failure .message').textContent,
    rerun: document.querySelector('article.failure .rerun').textContent,
    first: document.querySelector('body > section').id,
  })`);
  t.equal(failure.count, 1);
  t.equal(failure.first, 'failures', 'failures come first');
  t.equal(failure.name, TEST_NAME);
  t.match(failure.message, drawn![0], 'the failure message as the console printed it');
  t.match(failure.rerun, /--only .*--seed 7$/);

  const lanes = await page.evaluate<Array<{ kind: string; role: string | null; port: string | null; label: string }>>(`
    [...document.querySelectorAll('svg.timeline g.lane')].map((g) => ({
      kind: g.dataset.kind, role: g.dataset.role ?? null, port: g.dataset.port ?? null, label: g.querySelector('.lane-label').textContent,
    }))`);
  const servers = lanes.filter((l) => l.kind === 'server');
  t.equal(servers.length, 2, 'one lane per server');
  t.same(servers.map((l) => l.role), ['master', 'replica'], 'lanes labelled with the role each server last logged');
  for (const lane of servers) t.match(lane.label, new RegExp(`${lane.role} :${lane.port}`), `label names role and port: ${lane.label}`);
  t.equal(lanes.filter((l) => l.kind === 'link').length, 1, 'a lane for the link proxy');

  const marks = await page.evaluate<Array<{ kind: string; lane: string; text: string }>>(`
    [...document.querySelectorAll('svg.timeline g.mark')].map((g) => ({ kind: g.dataset.kind, lane: g.dataset.lane, text: g.querySelector('title').textContent }))`);
  const [master, replica] = servers.map((l) => `:${l.port}`);
  const on = (kind: string, lane: string) => marks.filter((m) => m.kind === kind && m.lane === lane);
  for (const lane of [master, replica]) {
    t.ok(on('spawn', lane).length >= 1, `spawn on ${lane}`);
    t.ok(on('ready', lane).length >= 1, `ready on ${lane}`);
  }
  t.match(on('role-change', replica)[0]?.text, /master -> replica: \d+:S /, 'the replica turning replica, with its log line');
  t.match(on('full-sync', master)[0]?.text, /Full resync requested by replica|Partial resynchronization not accepted/);
  t.match(on('full-sync', replica)[0]?.text, /Full resync from master/);
  t.match(on('sync-finished', replica)[0]?.text, /MASTER <-> REPLICA sync: Finished with success/);
  t.match(on('link-lost', replica)[0]?.text, /Connection with master lost/);
  t.match(on('partial-resync', master)[0]?.text, /Partial resynchronization request from \S+ accepted/);
  t.equal(on('pause', replica).length, 1, 'SIGSTOP of the replica');
  t.equal(on('resume', replica).length, 1, 'SIGCONT of the replica');
  t.ok(marks.some((m) => m.kind === 'link-drop' && m.text.includes('RST')), 'the link cut');
  t.ok(marks.some((m) => m.kind === 'test-start' && m.text.includes(TEST_NAME)), 'the test start');
  t.ok(marks.some((m) => m.kind === 'test-end' && m.text.includes(TEST_NAME)), 'the test end');

  // Hovering a mark shows its log line.
  const hovered = on('partial-resync', master)[0];
  await page.hover(`svg.timeline g.mark[data-kind="partial-resync"][data-lane="${master}"]`);
  const tip = await page.evaluate<{ hidden: boolean; text: string }>(`({ hidden: document.querySelector('#tip').hidden, text: document.querySelector('#tip').textContent })`);
  t.equal(tip.hidden, false, 'the tooltip shows');
  t.equal(tip.text, hovered.text, 'with the log line of the mark');

  // The config and log links point at copies inside the report.
  const links = await page.evaluate<string[]>(`[...document.querySelectorAll('article.failure ul.files a')].map((a) => a.getAttribute('href'))`);
  for (const port of servers.map((l) => l.port)) {
    t.ok(links.includes(`files/1/server-${port}/redis.conf`), `config link of :${port}`);
    t.ok(links.includes(`files/1/server-${port}/stdout.log`), `log link of :${port}`);
  }
  for (const href of links) t.ok(existsSync(path.join(dir, href)), `${href} is in the report`);
  t.match(readFileSync(path.join(dir, 'index.html'), 'utf8'), /^(?![\s\S]*(?:src|href)="https?:)/, 'nothing loaded from the network');

  // One picture as a person first sees it, one with the tooltip of a hovered mark.
  mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
  await page.send('Input.dispatchMouseEvent', { type: 'mouseMoved', x: 1, y: 1 });
  t.equal(await page.evaluate<boolean>(`document.querySelector('#tip').hidden`), true, 'the tooltip goes with the mouse');
  const hoverShot = SCREENSHOT.replace(/\.png$/, '-hover.png');
  for (const [file, hover] of [[SCREENSHOT, false], [hoverShot, true]] as const) {
    if (hover) await page.hover(`svg.timeline g.mark[data-kind="partial-resync"][data-lane="${master}"]`);
    const bytes = await page.screenshot(file);
    t.ok(bytes > 10_000, `screenshot ${file} (${bytes} bytes)`);
    t.equal(readFileSync(file).subarray(1, 4).toString(), 'PNG');
  }
});
