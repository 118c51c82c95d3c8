import { readFileSync } from 'node:fs';
import { LOG_MILESTONES, type TimelineMark } from '../core/timeline.ts';

/** One harness event: test start/end, server spawn/kill/restart/pause/resume, proxy faults. */
export interface TimelineEvent {
  at: number;
  source: string;
  text: string;
  /** What happened, for the report's marks: spawn, ready, kill, test-start, link-drop... */
  kind?: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
// Redis log lines: "<pid>:<role> 25 Nov 2026 17:27:24.123 <level> <message>"
const LOG_LINE = /^\d+:[A-Z] (\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2})\.(\d{3}) /;

/** The time a Redis log line was written (local time, as the server prints it); null when it has none. */
export function logLineTime(line: string): number | null {
  const m = LOG_LINE.exec(line);
  if (!m) return null;
  const month = MONTHS.indexOf(m[2]);
  if (month < 0) return null;
  return new Date(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]), Number(m[7])).getTime();
}

function stamp(at: number): string {
  const d = new Date(at);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/**
 * Every line the servers logged and every harness event, ordered by time, each naming its source.
 * Lines without a timestamp (banners, harness markers) keep the time of the line before them.
 */
export function mergeTimeline(logs: Array<{ source: string; file: string }>, events: TimelineEvent[]): string {
  const entries: Array<TimelineEvent & { seq: number }> = [];
  let seq = 0;
  for (const { source, file } of logs) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    let last = 0;
    for (const line of text.split('\n')) {
      if (line === '') continue;
      last = logLineTime(line) ?? last;
      entries.push({ at: last, source, text: line, seq: seq++ });
    }
  }
  for (const event of events) entries.push({ ...event, seq: seq++ });
  entries.sort((a, b) => a.at - b.at || a.seq - b.seq);
  return entries.map((e) => `${stamp(e.at)} [${e.source}] ${e.text}`).join('\n') + '\n';
}

const ROLE_LETTERS: Record<string, string> = { M: 'master', S: 'replica', X: 'sentinel' };

/**
 * The replication milestones and role changes in one server's log, as timeline marks. A role
 * change is where the role letter after the pid changes (child lines, `C`, say nothing of it).
 */
export function logMarks(lane: string, log: string): TimelineMark[] {
  const marks: TimelineMark[] = [];
  let role: string | undefined;
  let last = 0;
  for (const line of log.split('\n')) {
    const at = logLineTime(line);
    if (at === null) continue;
    last = at;
    const letter = /^\d+:([A-Z]) /.exec(line)?.[1] ?? '';
    const now = ROLE_LETTERS[letter];
    if (now) {
      if (role && now !== role) marks.push({ at, lane, kind: 'role-change', text: `${role} -> ${now}: ${line}` });
      role = now;
    }
    for (const [kind, pattern] of LOG_MILESTONES) {
      if (pattern.test(line)) marks.push({ at: last, lane, kind, text: line });
    }
  }
  return marks;
}
