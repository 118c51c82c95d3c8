// --html DIR: one index.html with report.css and report.js beside it, and each failed test's
// configs and logs copied under files/, so the folder works offline and as a CI artifact.
// Built from the test records and the timeline.json the workers keep with each failure.

import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { HARNESS_LANE, TIMELINE_FILE, type TimelineFile } from '../core/timeline.ts';
import { flakeTable, percent, runLabel } from './flakes.ts';
import type { TestRecord } from './reports.ts';

export interface HtmlReportInput {
  server: string;
  seed: number;
  commandLine: string;
  startedAt: string;
  passes: number;
  copies: number;
  passed: number;
  failed: number;
  skipped: number;
  units: Array<[string, number]>;
  tests: TestRecord[];
}

const esc = (text: string | number) =>
  String(text).replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

/** `redis-server --version`, as the report's header shows it. */
function serverVersion(binary: string): string {
  try {
    return execFileSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim();
  } catch (err) {
    return `(version unknown: ${(err as Error).message.split('\n')[0]})`;
  }
}

/** Marks the legend explains, in its order; anything else is drawn grey. */
const KINDS: Record<string, { color: string; label: string; row: -1 | 0 | 1 }> = {
  spawn: { color: '#2b8a3e', label: 'spawn', row: -1 },
  ready: { color: '#40c057', label: 'ready', row: -1 },
  restart: { color: '#1971c2', label: 'restart', row: -1 },
  kill: { color: '#c92a2a', label: 'kill (signal)', row: -1 },
  exit: { color: '#862e9c', label: 'exit', row: -1 },
  pause: { color: '#e67700', label: 'pause (SIGSTOP)', row: -1 },
  resume: { color: '#f59f00', label: 'resume (SIGCONT)', row: -1 },
  'port-busy': { color: '#868e96', label: 'port busy', row: -1 },
  'role-change': { color: '#5f3dc4', label: 'role change', row: 1 },
  'full-sync': { color: '#d6336c', label: 'full sync', row: 1 },
  'partial-resync': { color: '#0ca678', label: 'partial resync accepted', row: 1 },
  'sync-finished': { color: '#1098ad', label: 'MASTER <-> REPLICA sync finished', row: 1 },
  'link-lost': { color: '#e03131', label: 'connection lost', row: 1 },
  'test-start': { color: '#343a40', label: 'test start', row: 0 },
  'test-end': { color: '#343a40', label: 'test end', row: 0 },
};
const LINK_COLOR = '#f76707';

function kindStyle(kind: string) {
  if (KINDS[kind]) return KINDS[kind];
  if (kind.startsWith('link-')) return { color: LINK_COLOR, label: `link ${kind.slice(5)}`, row: 0 as const };
  return { color: '#adb5bd', label: kind, row: 0 as const };
}

function clock(at: number): string {
  const d = new Date(at);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** Events long before the failing test say little about it: the picture starts this much before it at most. */
const LOOKBACK_MS = 15_000;

/** The failed test's timeline as SVG: one lane per server (and per link proxy), marks with their log lines. */
export function timelineSvg(t: TimelineFile): string {
  const testStart = t.marks.filter((m) => m.kind === 'test-start' && m.at <= t.startedAt + 5).at(-1)?.at ?? t.startedAt;
  const first = Math.min(testStart, ...t.marks.map((m) => m.at));
  const t0 = Math.max(first, testStart - LOOKBACK_MS);
  const shown = t.marks.filter((m) => m.at >= t0 && m.at <= t.endedAt + 1000);
  const omitted = t.marks.length - shown.length;
  const t1 = Math.max(t.endedAt, ...shown.map((m) => m.at), t0 + 1);
  const pad = (t1 - t0) * 0.02;
  const [from, to] = [t0 - pad, t1 + pad];
  const lanes = t.lanes.filter((l) => l.id !== HARNESS_LANE);
  const width = 1100;
  const left = 230;
  const right = 20;
  const top = 34;
  const laneHeight = 64;
  const height = top + lanes.length * laneHeight + 34;
  const x = (at: number) => left + ((at - from) / (to - from)) * (width - left - right);
  const laneY = (id: string) => top + lanes.findIndex((l) => l.id === id) * laneHeight + laneHeight / 2;
  const parts: string[] = [];
  parts.push(`<svg class="timeline" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="timeline of ${esc(t.test)}">`);
  lanes.forEach((_, i) => {
    if (i % 2 === 0) parts.push(`<rect class="lane-bg" x="0" y="${top + i * laneHeight}" width="${width}" height="${laneHeight}" />`);
  });
  // The failing test's span, shaded behind the lanes' marks.
  const testEnd = t.marks.filter((m) => m.kind === 'test-end' && m.at >= testStart).at(-1)?.at ?? t.endedAt;
  parts.push(`<rect class="test-span" x="${x(testStart).toFixed(1)}" y="${top - 6}" width="${Math.max(1, x(testEnd) - x(testStart)).toFixed(1)}" height="${lanes.length * laneHeight + 6}" />`);
  lanes.forEach((lane, i) => {
    const y = top + i * laneHeight + laneHeight / 2;
    const attrs = `data-lane="${esc(lane.id)}" data-kind="${lane.kind}"${lane.role ? ` data-role="${esc(lane.role)}"` : ''}${lane.port ? ` data-port="${lane.port}"` : ''}`;
    parts.push(`<g class="lane" ${attrs}>`);
    parts.push(`<line class="lane-line${lane.kind === 'link' ? ' link' : ''}" x1="${left}" x2="${width - right}" y1="${y}" y2="${y}" />`);
    parts.push(`<text class="lane-label" x="8" y="${y + 4}">${esc(lane.label)}${lane.pid ? ` <tspan class="pid">pid ${lane.pid}</tspan>` : ''}</text>`);
    // SIGSTOP to SIGCONT: the server was frozen.
    let pausedAt: number | null = null;
    for (const m of shown.filter((m) => m.lane === lane.id)) {
      if (m.kind === 'pause') pausedAt = m.at;
      if (m.kind === 'resume' && pausedAt !== null) {
        parts.push(`<rect class="paused" x="${x(pausedAt).toFixed(1)}" y="${y - 14}" width="${Math.max(2, x(m.at) - x(pausedAt)).toFixed(1)}" height="28" />`);
        pausedAt = null;
      }
    }
    parts.push('</g>');
  });
  // Test starts and ends: lines across every lane, labelled on top.
  for (const m of shown.filter((m) => m.lane === HARNESS_LANE)) {
    const own = m.at >= testStart;
    parts.push(`<line class="test-line${own ? ' own' : ''}" x1="${x(m.at).toFixed(1)}" x2="${x(m.at).toFixed(1)}" y1="${top - 6}" y2="${top + lanes.length * laneHeight}" />`);
  }
  // Marks closer than a mark's width step outward from the lane line instead of hiding each other.
  const lastX = new Map<string, number[]>();
  const MARK_GAP = 11;
  for (const m of shown) {
    const style = kindStyle(m.kind);
    if (m.lane !== HARNESS_LANE && !lanes.some((l) => l.id === m.lane)) continue;
    const row = `${m.lane}\u0000${style.row}`;
    const levels = lastX.get(row) ?? [];
    let level = levels.findIndex((at) => x(m.at) - at >= MARK_GAP);
    if (level < 0) level = Math.min(levels.length, 2);
    levels[level] = x(m.at);
    lastX.set(row, levels);
    const outward = style.row === 0 ? (level % 2 === 0 ? level / 2 : -(level + 1) / 2) * 9 : style.row * level * 9;
    const y = m.lane === HARNESS_LANE ? top - 14 : laneY(m.lane) + style.row * 11 + outward;
    const text = `${clock(m.at)} [${m.lane}] ${m.text}`;
    const cx = x(m.at).toFixed(1);
    const shape =
      style.row === 1
        ? `<circle cx="${cx}" cy="${y}" r="5.5" fill="${style.color}" />`
        : m.lane === HARNESS_LANE
          ? `<path d="M${cx} ${y + 6} l-5 -9 h10 z" fill="${style.color}" />`
          : style.row === -1
            ? `<rect x="${(Number(cx) - 5).toFixed(1)}" y="${y - 5}" width="10" height="10" fill="${style.color}" />`
            : `<path d="M${cx} ${y - 6} l6 6 l-6 6 l-6 -6 z" fill="${style.color}" />`;
    parts.push(`<g class="mark" data-kind="${esc(m.kind)}" data-lane="${esc(m.lane)}" data-at="${m.at}" data-text="${esc(text)}"><title>${esc(text)}</title>${shape}</g>`);
  }
  // Time axis, relative to the failing test's start.
  const axisY = top + lanes.length * laneHeight + 14;
  for (let i = 0; i <= 6; i++) {
    const at = from + ((to - from) * i) / 6;
    const rel = (at - testStart) / 1000;
    parts.push(`<text class="tick" x="${x(at).toFixed(1)}" y="${axisY}">${rel >= 0 ? '+' : ''}${rel.toFixed(rel > -10 && rel < 10 ? 2 : 1)} s</text>`);
  }
  parts.push(`<text class="axis-note" x="8" y="${axisY}">time from test start</text>`);
  parts.push('</svg>');
  const kinds = [...new Set(shown.map((m) => m.kind))];
  const legend = kinds
    .map((k) => `<span class="key" data-kind="${esc(k)}"><i style="background:${kindStyle(k).color}"></i>${esc(kindStyle(k).label)}</span>`)
    .join(' ');
  const note = omitted > 0 ? `<p class="omitted">${omitted} earlier event(s) not drawn; timeline.log has them all.</p>` : '';
  return `<div class="timeline-box">${parts.join('\n')}</div><p class="legend">${legend}</p>${note}`;
}

function readTimeline(folder: string): TimelineFile | null {
  try {
    return JSON.parse(readFileSync(path.join(folder, TIMELINE_FILE), 'utf8')) as TimelineFile;
  } catch {
    return null;
  }
}

/** Copies a failure's configs and logs into the report; returns the links, relative to index.html. */
function copyArtifacts(source: string, dir: string, n: number): { timeline: string | null; servers: Map<string, string[][]> } {
  const rel = path.join('files', String(n));
  const servers = new Map<string, string[][]>();
  let timeline: string | null = null;
  if (!existsSync(source)) return { timeline, servers };
  mkdirSync(path.join(dir, rel), { recursive: true });
  if (existsSync(path.join(source, 'timeline.log'))) {
    copyFileSync(path.join(source, 'timeline.log'), path.join(dir, rel, 'timeline.log'));
    timeline = path.join(rel, 'timeline.log');
  }
  for (const entry of readdirSync(source, { withFileTypes: true })) {
    if (!entry.isDirectory() || !entry.name.startsWith('server-')) continue;
    mkdirSync(path.join(dir, rel, entry.name), { recursive: true });
    const links: string[][] = [];
    for (const [file, label] of [['redis.conf', 'config'], ['stdout.log', 'log'], ['stderr.log', 'stderr'], ['dir-listing.txt', 'dir listing']]) {
      if (!existsSync(path.join(source, entry.name, file))) continue;
      copyFileSync(path.join(source, entry.name, file), path.join(dir, rel, entry.name, file));
      links.push([label, path.join(rel, entry.name, file)]);
    }
    servers.set(entry.name, links);
  }
  return { timeline, servers };
}

function failureSection(r: TestRecord, n: number, dir: string, input: HtmlReportInput): string {
  const where = [r.unit, runLabel({ pass: r.pass, copy: r.copy, seed: r.seed }, input.passes), `seed ${r.seed}`].filter((p) => p !== 'run').join(' · ');
  const copied = r.artifacts ? copyArtifacts(r.artifacts, dir, n) : { timeline: null, servers: new Map<string, string[][]>() };
  const timeline = r.artifacts ? readTimeline(r.artifacts) : null;
  const files: string[] = [];
  for (const server of r.servers ?? []) {
    const links = copied.servers.get(`server-${server.port}`) ?? [];
    files.push(`<li data-port="${server.port}">${esc(server.label)} (pid ${server.pid}): ${links.map(([label, href]) => `<a href="${esc(href)}">${esc(label)}</a>`).join(' · ') || 'no files kept'}</li>`);
  }
  if (copied.timeline) files.push(`<li><a href="${esc(copied.timeline)}">timeline.log</a> (every server line and harness event, by time)</li>`);
  return [
    `<article class="failure" id="failure-${n}" data-test="${esc(r.name)}" data-unit="${esc(r.unit)}">`,
    `<h3><span class="status ${r.status}">${r.status === 'failed' ? 'err' : 'exception'}</span> ${esc(r.name)}</h3>`,
    `<p class="where">${esc(where)}</p>`,
    `<pre class="message">${esc(r.message ?? '')}</pre>`,
    r.rerun ? `<p>Rerun: <code class="rerun">${esc(r.rerun)}</code></p>` : '',
    files.length > 0 ? `<ul class="files">${files.join('')}</ul>` : '',
    timeline ? timelineSvg(timeline) : r.artifacts ? '<p class="omitted">no timeline.json in the artifacts</p>' : '',
    '</article>',
  ].join('\n');
}

function flakeSection(input: HtmlReportInput): string {
  if (input.passes <= 1 && input.copies <= 1) return '';
  const rows = flakeTable(input.tests).sort((a, b) => b.rate - a.rate);
  const body = rows
    .map((r) => {
      const runs = r.failed.map((f) => `<li>${esc(runLabel(f, input.passes))}, seed ${f.seed}: <code class="rerun">${esc(f.rerun ?? '')}</code></li>`).join('');
      return `<tr class="${r.failures > 0 ? 'flaky' : ''}"><td class="num">${r.failures}/${r.runs}</td><td class="num">${percent(r.rate)}</td><td class="num">${percent(r.low)} – ${percent(r.high)}</td><td>${esc(r.unit)}: ${esc(r.name)}${runs ? `<ul>${runs}</ul>` : ''}</td></tr>`;
    })
    .join('\n');
  const shape = input.copies > 1 ? `${input.copies} copies${input.passes > 1 ? ` × ${input.passes} passes` : ''}` : `${input.passes} passes`;
  return `<section id="flakes"><h2>Flake table (${shape})</h2><table class="flakes"><thead><tr><th>failed/runs</th><th>rate</th><th>95% interval</th><th>test</th></tr></thead><tbody>${body}</tbody></table></section>`;
}

function durationSection(units: Array<[string, number]>): string {
  const max = Math.max(1, ...units.map(([, s]) => s));
  const rows = units
    .map(([unit, s]) => `<div class="bar-row"><span class="unit">${esc(unit)}</span><span class="bar-track"><span class="bar" style="width:${((s / max) * 100).toFixed(1)}%"></span></span><span class="secs">${s} s</span></div>`)
    .join('\n');
  return `<section id="durations"><h2>Unit durations</h2>${rows}</section>`;
}

function testsSection(tests: TestRecord[]): string {
  const rows = tests
    .map((t) => `<tr class="${t.status}"><td>${t.status}</td><td>${esc(t.unit)}</td><td>${esc(t.name)}</td><td class="num">${t.ms}</td><td class="num">${t.copy ?? ''}</td></tr>`)
    .join('\n');
  return `<section id="tests"><details><summary>All tests (${tests.length})</summary><table><thead><tr><th>status</th><th>unit</th><th>test</th><th>ms</th><th>copy</th></tr></thead><tbody>${rows}</tbody></table></details></section>`;
}

/** Writes DIR/index.html (and its assets); returns the index's path. */
export function writeHtmlReport(dir: string, input: HtmlReportInput): string {
  const root = path.resolve(dir);
  mkdirSync(root, { recursive: true });
  const failures = input.tests.filter((t) => t.status === 'failed' || t.status === 'exception');
  const html = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><title>runtest-ts report</title><link rel="stylesheet" href="report.css"></head><body>',
    `<header><h1>runtest-ts report</h1><dl class="run">`,
    `<dt>Server</dt><dd id="server">${esc(input.server)}<br><span id="version">${esc(serverVersion(input.server))}</span></dd>`,
    `<dt>Seed</dt><dd id="seed">${input.seed}</dd>`,
    `<dt>Command</dt><dd><code id="command">${esc(input.commandLine)}</code></dd>`,
    `<dt>Started</dt><dd>${esc(input.startedAt)}</dd>`,
    `<dt>Result</dt><dd id="counts"><span class="passed">${input.passed} passed</span>, <span class="${input.failed > 0 ? 'failed' : 'none-failed'}">${input.failed} failed</span>${input.skipped ? `, ${input.skipped} skipped` : ''}</dd>`,
    '</dl></header>',
    failures.length > 0 ? `<section id="failures"><h2>Failed tests (${failures.length})</h2>${failures.map((r, i) => failureSection(r, i + 1, root, input)).join('\n')}</section>` : '<p class="all-passed">All tests passed.</p>',
    flakeSection(input),
    durationSection(input.units),
    testsSection(input.tests),
    '<div id="tip" hidden></div>',
    '<script src="report.js"></script>',
    '</body></html>',
  ].join('\n');
  writeFileSync(path.join(root, 'report.css'), CSS);
  writeFileSync(path.join(root, 'report.js'), JS);
  const index = path.join(root, 'index.html');
  writeFileSync(index, html + '\n');
  return index;
}

const CSS = `body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #212529; }
h1 { margin: 0 0 8px; } h2 { border-bottom: 1px solid #dee2e6; padding-bottom: 4px; margin-top: 28px; }
dl.run { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
dl.run dt { font-weight: 600; } dl.run dd { margin: 0; }
.passed { color: #2b8a3e; } .failed { color: #c92a2a; font-weight: 600; }
code, pre { font: 12px/1.4 ui-monospace, monospace; }
article.failure { border: 1px solid #ffc9c9; border-left: 4px solid #e03131; padding: 8px 14px; margin: 14px 0; border-radius: 4px; }
article.failure h3 { margin: 4px 0; } .where { color: #495057; margin: 0; }
.status { background: #e03131; color: #fff; border-radius: 3px; padding: 0 6px; font-size: 12px; }
pre.message { background: #fff5f5; padding: 8px; white-space: pre-wrap; }
code.rerun { background: #f1f3f5; padding: 1px 4px; }
ul.files { padding-left: 18px; }
.timeline-box { overflow-x: auto; }
svg.timeline { background: #fff; border: 1px solid #dee2e6; }
svg.timeline .lane-bg { fill: #f8f9fa; } svg.timeline .lane-line { stroke: #adb5bd; stroke-width: 2; }
svg.timeline .lane-line.link { stroke-dasharray: 6 4; stroke: #ffa94d; }
svg.timeline .lane-label { font: 12px ui-monospace, monospace; fill: #212529; } svg.timeline .pid { fill: #868e96; }
svg.timeline .test-span { fill: #fff3bf; opacity: .6; }
svg.timeline .test-line { stroke: #ced4da; stroke-dasharray: 2 3; } svg.timeline .test-line.own { stroke: #495057; }
svg.timeline .paused { fill: #ffd8a8; opacity: .7; }
svg.timeline .tick, svg.timeline .axis-note { font: 11px system-ui, sans-serif; fill: #868e96; text-anchor: middle; }
svg.timeline .axis-note { text-anchor: start; }
svg.timeline .mark { cursor: pointer; } svg.timeline .mark:hover { opacity: .6; }
.legend .key { margin-right: 12px; white-space: nowrap; font-size: 12px; }
.legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; vertical-align: middle; }
.omitted { color: #868e96; font-size: 12px; }
table { border-collapse: collapse; } td, th { border: 1px solid #dee2e6; padding: 3px 8px; text-align: left; vertical-align: top; }
td.num { text-align: right; white-space: nowrap; } tr.flaky td { background: #fff5f5; } tr.failed td, tr.exception td { color: #c92a2a; }
.bar-row { display: grid; grid-template-columns: 340px 1fr 60px; gap: 8px; align-items: center; margin: 2px 0; font-size: 12px; }
.bar-track { background: #f1f3f5; height: 12px; } .bar { display: block; background: #4dabf7; height: 12px; min-width: 1px; }
.secs { text-align: right; }
#tip { position: fixed; max-width: 720px; background: #212529; color: #f8f9fa; font: 12px/1.4 ui-monospace, monospace; padding: 6px 8px; border-radius: 4px; pointer-events: none; white-space: pre-wrap; z-index: 10; }
`;

// Hovering a mark shows its log line (the SVG <title> shows it too, where tooltips are native).
const JS = `(function () {
  var tip = document.getElementById('tip');
  function mark(e) { return e.target && e.target.closest ? e.target.closest('.mark') : null; }
  document.addEventListener('mouseover', function (e) {
    var m = mark(e);
    if (!m) return;
    tip.textContent = m.getAttribute('data-text');
    tip.hidden = false;
    tip.style.left = Math.max(0, Math.min(e.clientX + 12, window.innerWidth - 740)) + 'px';
    tip.style.top = (e.clientY + 14) + 'px';
  });
  document.addEventListener('mouseout', function (e) { if (mark(e)) tip.hidden = true; });
})();
`;
