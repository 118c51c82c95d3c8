/** The model's data and replies, shared by its command files (keyspace.ts, collections.ts). */
import type { Keyspace } from './keyspace.ts';

/** A reply as the harness client returns it: integers as bigint here, errors as ModelError. */
export type ModelReply = string | bigint | null | ModelError | ModelReply[];

export class ModelError {
  constructor(readonly message: string) {}
}

export type Value =
  | { type: 'string'; s: string }
  | { type: 'list'; items: string[] }
  | { type: 'hash'; fields: Map<string, string> }
  | { type: 'set'; members: Set<string> }
  | { type: 'zset'; scores: Map<string, number> };

export const WRONGTYPE = new ModelError('WRONGTYPE Operation against a key holding the wrong kind of value');
export const NOT_INTEGER = new ModelError('ERR value is not an integer or out of range');
export const NOT_FLOAT = new ModelError('ERR value is not a valid float');
export const SYNTAX = new ModelError('ERR syntax error');

export type Handler = (ks: Keyspace, args: string[], now: bigint) => ModelReply;

/** Redis's list index rules: negative counts from the end. */
export function listRange(length: number, start: bigint, stop: bigint): [number, number] | null {
  const n = BigInt(length);
  let s = start < 0n ? n + start : start;
  let e = stop < 0n ? n + stop : stop;
  if (s < 0n) s = 0n;
  if (s > e || s >= n) return null;
  if (e >= n) e = n - 1n;
  return [Number(s), Number(e)];
}
