import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ServerHandle } from '../servers/handle.ts';
import { HARNESS_LANE, TIMELINE_FILE, type TimelineFile, type TimelineLane, type TimelineMark } from '../core/timeline.ts';
import { logMarks, mergeTimeline, type TimelineEvent } from './timeline.ts';

/** A folder name from a test name: readable, unique enough, safe on any filesystem. */
export function slug(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 100) || 'test';
}

const ROLES: Record<string, string> = { M: 'master', S: 'replica', C: 'child', X: 'sentinel' };

/** The role the server last logged under (Redis prefixes each log line with pid:M, pid:S...). */
function loggedRole(handle: ServerHandle): string | undefined {
  const lines = handle.server?.logTail().trimEnd().split('\n') ?? [];
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = /^\d+:([MSX]) /.exec(lines[i]);
    if (m) return ROLES[m[1]];
  }
  return undefined;
}

/**
 * How a server appears in reports and timelines: its place in the block, its port, and with
 * `withRole` the role it last logged (read from its log, so only for failures).
 */
export function serverLabel(handle: ServerHandle, index: number, count: number, withRole = true): string {
  const level = index - (count - 1);
  const role = withRole ? loggedRole(handle) : undefined;
  return `srv ${level}${role ? ` ${role}` : ''} :${handle.port}`;
}

function listing(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  const lines: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      lines.push(`${prefix}${entry.name}/`);
      lines.push(...listing(full, `${prefix}${entry.name}/`));
    } else {
      let size = '?';
      try {
        size = String(statSync(full).size);
      } catch {
        /* removed meanwhile */
      }
      lines.push(`${prefix}${entry.name}\t${size}`);
    }
  }
  return lines;
}

/** The failed test, as timeline.json names it. */
export interface FailedTest {
  name: string;
  file: string;
  seed: number;
  message: string;
  startedAt: number;
}

/**
 * Keeps what explains a failed test: each server's config, stdout/stderr logs and a listing of its
 * data dir, timeline.log merging every server line and harness event by time, timeline.json
 * (lanes and marks, for the HTML report), and the files the failure brought (AssertionError.files).
 */
export function writeFailureArtifacts(folder: string, servers: ServerHandle[], events: TimelineEvent[], header: string, test?: FailedTest, files: Record<string, string> = {}): string {
  mkdirSync(folder, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(folder, path.basename(name)), text);
  const logs: Array<{ source: string; file: string }> = [];
  const lanes: TimelineLane[] = [];
  const marks: TimelineMark[] = [];
  servers.forEach((handle, index) => {
    const server = handle.server;
    if (!server) return;
    const label = serverLabel(handle, index, servers.length);
    const folderName = `server-${handle.port}`;
    const dest = path.join(folder, folderName);
    mkdirSync(dest, { recursive: true });
    for (const [file, name] of [
      [server.configFile, 'redis.conf'],
      [server.stdout, 'stdout.log'],
      [server.stderr, 'stderr.log'],
    ] as const) {
      if (existsSync(file)) copyFileSync(file, path.join(dest, name));
    }
    writeFileSync(path.join(dest, 'dir-listing.txt'), listing(server.dir).join('\n') + '\n');
    logs.push({ source: label, file: server.stdout });
    const lane = `:${handle.port}`;
    lanes.push({ id: lane, label, kind: 'server', role: loggedRole(handle), port: handle.port, pid: server.pid, folder: folderName });
    try {
      marks.push(...logMarks(lane, readFileSync(server.stdout, 'utf8')));
    } catch {
      /* no log */
    }
  });
  writeFileSync(path.join(folder, 'timeline.log'), `# ${header}\n` + mergeTimeline(logs, events));
  if (test) {
    for (const e of events) {
      const lane = e.source;
      if (lane !== HARNESS_LANE && !lanes.some((l) => l.id === lane)) {
        lanes.push({ id: lane, label: lane, kind: lane.startsWith('proxy') ? 'link' : 'other' });
      }
      marks.push({ at: e.at, lane, kind: e.kind ?? 'event', text: e.text });
    }
    marks.sort((a, b) => a.at - b.at);
    const timeline: TimelineFile = { test: test.name, file: test.file, seed: test.seed, message: test.message, startedAt: test.startedAt, endedAt: Date.now(), lanes, marks };
    writeFileSync(path.join(folder, TIMELINE_FILE), JSON.stringify(timeline) + '\n');
  }
  return folder;
}
