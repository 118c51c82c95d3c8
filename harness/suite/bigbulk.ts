// Tcl write_big_bulk / read_big_bulk (util.tcl): multi-GB arguments and replies in 500 MB pieces,
// for the large-memory tests, with socket backpressure so memory stays bounded.
import type { Client } from '../client/client.ts';
import type { Reply } from '../client/resp.ts';
import { assert, assertEqual } from './assert.ts';
import { srv } from './blocks.ts';

const PIECE = 500_000_000;
let piece: Buffer | undefined;
/** 500 MB of 'x', made once (upstream's ::str500). */
function bigPiece(): Buffer {
  piece ??= Buffer.alloc(PIECE, 'x');
  return piece;
}

async function write(c: Client, data: string | Buffer): Promise<void> {
  c.writeRaw(data);
  await c.drained();
}

/** Sends a bulk of `size` bytes (prefix, then 'x's) as the next argument and, unless skipRead, reads the reply. */
export async function writeBigBulk(size: number, prefix = '', skipRead = false, c: Client = srv(0).client): Promise<Reply | undefined> {
  assert(prefix.length <= size, 'the prefix fits in the bulk');
  await write(c, `$${size}\r\n`);
  await write(c, prefix);
  let left = size - prefix.length;
  while (left >= PIECE) {
    await write(c, bigPiece());
    left -= PIECE;
  }
  if (left > 0) await write(c, Buffer.alloc(left, 'x'));
  await write(c, '\r\n');
  return skipRead ? undefined : c.read();
}

/**
 * Runs `code` in raw mode and reads the big bulk it answers piece by piece; with `compare`, checks
 * it is `prefix` then 'x's. Returns the bulk's length.
 */
export async function readBigBulk(code: () => Promise<unknown>, compare = false, prefix = '', c: Client = srv(0).client): Promise<number> {
  c.readRaw(true);
  const header = String(await code());
  assertEqual(header.slice(0, 1), '$');
  const length = Number(header.slice(1));
  if (compare) {
    assert(prefix.length <= length, 'the prefix fits in the reply');
    assert(prefix.length <= PIECE, 'the prefix fits in one piece');
  }
  let remaining = length;
  while (remaining > 0) {
    let data = await c.readBytes(Math.min(remaining, PIECE));
    const n = data.length;
    if (compare) {
      if (remaining === length) {
        assertEqual(data.subarray(0, prefix.length).toString('latin1'), prefix);
        data = data.subarray(prefix.length);
      }
      // One boolean, not a huge message, when it differs.
      assert(data.equals(bigPiece().subarray(0, data.length)), 'the bulk holds the expected bytes');
    }
    remaining -= n;
  }
  assertEqual((await c.readBytes(2)).toString('latin1'), '\r\n');
  c.readRaw(false);
  return length;
}
