/**
 * timeline.json, kept beside timeline.log in a failed test's artifact folder: the workers write it,
 * the runner's HTML report draws it. One shape both processes import.
 */
export const TIMELINE_FILE = 'timeline.json';

/** The lane that holds the test's own start and end. */
export const HARNESS_LANE = 'harness';

/** One point on the timeline: a harness event (spawn, kill, link fault...) or a milestone read from a server log. */
export interface TimelineMark {
  /** Epoch ms. */
  at: number;
  /** A lane id: `:<port>` for a server, the proxy's name for a link, HARNESS_LANE for the test. */
  lane: string;
  kind: string;
  /** The event's text, or the log line the milestone was read from. */
  text: string;
}

export interface TimelineLane {
  id: string;
  /** `srv -1 master :21111`, `proxy -> :21111` */
  label: string;
  kind: 'server' | 'link' | 'other';
  role?: string;
  port?: number;
  pid?: number;
  /** The server's folder inside the artifact folder (config, logs), when it was kept. */
  folder?: string;
}

export interface TimelineFile {
  test: string;
  file: string;
  seed: number;
  message: string;
  startedAt: number;
  endedAt: number;
  lanes: TimelineLane[];
  marks: TimelineMark[];
}

/** The marks read from server logs, with the kind names the report's legend shows. */
export const LOG_MILESTONES: ReadonlyArray<readonly [kind: string, pattern: RegExp]> = [
  // Master side: the replica asked for one, or its PSYNC was refused; replica side: the master's answer.
  ['full-sync', /Full resync requested by replica|Partial resynchronization not accepted|Full resync from master:/],
  ['partial-resync', /Partial resynchronization request from \S+ accepted|Successful partial resynchronization with master|Master accepted a Partial Resynchronization/],
  ['sync-finished', /MASTER <-> REPLICA sync: Finished with success/],
  ['link-lost', /Connection with master lost|Connection with replica .* lost\./],
];
