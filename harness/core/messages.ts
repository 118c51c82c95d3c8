/** Messages between the runner and its workers (Tcl's send_data_packet statuses). */
export type WorkerEvent =
  | { type: 'ready' }
  | { type: 'testing'; unit: string; name: string }
  | { type: 'ok'; unit: string; name: string; ms: number; servers?: ServerInfo[] }
  | { type: 'err'; unit: string; name: string; message: string; file: string; ms: number; servers?: ServerInfo[]; artifacts?: string; location?: SourceLocation }
  | { type: 'skip'; unit: string; name: string }
  | { type: 'ignore'; unit: string; text: string }
  | { type: 'exception'; unit: string; message: string }
  | { type: 'info'; unit: string; text: string }
  | { type: 'server-spawned'; unit: string; pid: number; port: number }
  | { type: 'server-killed'; unit: string; pid: number }
  /** A split unit: `count` top-level blocks, `long` those to hand out first. */
  | { type: 'blocks'; unit: string; count: number; long: number[] }
  /** A run_solo block met in a unit: the runner runs it alone after every other unit. */
  | { type: 'solo'; unit: string; index: number; name: string }
  /** `blocks`: the top-level blocks this worker counted while running, -1 when the body did not finish (a split unit's workers must agree). */
  | { type: 'done'; unit: string; block: number | null; ms: number; blocks: number; cpu: WorkerCpu }
  /** The worker ends after this unit (a test hung): the runner replaces it instead of assigning more. */
  | { type: 'retire'; unit: string };

/** CPU seconds a worker has used so far: its own, and the processes it started, by kind. */
export interface WorkerCpu {
  worker: number;
  servers: number;
  loadgens: number;
  tools: number;
}

/** Where a test() call sits in its suite file (project-relative path, 1-based line), for CI annotations. */
export interface SourceLocation {
  file: string;
  line: number;
}

export interface ServerInfo {
  label: string;
  port: number;
  pid: number;
  dir: string;
}

/** The name an [err] carries when a server failed to start outside any test (Tcl reports it so too). */
export const START_SERVER_FAILURE = 'start_server';

/** A unit, or one top-level block of a unit whose blocks are independent. */
export interface Task {
  unit: string;
  block: number | null;
  /** Run only this run_solo block of the unit (nothing else of it). */
  solo?: { index: number; name: string };
  /** --repeat: this is copy `copy` of the unit, run under `seed` instead of the run seed. */
  copy?: number;
  seed?: number;
}

export type RunnerCommand = { type: 'run'; task: Task } | { type: 'exit' };
