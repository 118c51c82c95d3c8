import net from 'node:net';

/**
 * A deliberately wrong server for the model checker's self-test: a TCP proxy in front of a real
 * one that adds 1 to the second INCR reply above 2^32 since the last FLUSHDB. Everything else
 * passes through unchanged. Commands and replies are paired in order (RESP2, no pub/sub).
 */

const LIMIT = 2n ** 32n;

/** The end offset of the RESP2 value starting at `at`, or null while it is incomplete. */
function valueEnd(buf: Buffer, at: number): number | null {
  const eol = buf.indexOf('\r\n', at);
  if (eol < 0) return null;
  const head = buf.toString('latin1', at + 1, eol);
  const kind = String.fromCharCode(buf[at]);
  if (kind === '$') {
    const len = Number(head);
    if (len < 0) return eol + 2;
    return buf.length >= eol + 2 + len + 2 ? eol + 2 + len + 2 : null;
  }
  if (kind === '*') {
    let end: number | null = eol + 2;
    for (let i = 0; i < Number(head); i++) {
      end = valueEnd(buf, end);
      if (end === null) return null;
    }
    return end;
  }
  return eol + 2;
}

/** The command name of a RESP array of bulk strings (what clients send). */
function commandName(frame: Buffer): string {
  const first = frame.indexOf('\r\n') + 2;
  const lenEnd = frame.indexOf('\r\n', first);
  return frame.toString('latin1', lenEnd + 2, lenEnd + 2 + Number(frame.toString('latin1', first + 1, lenEnd))).toLowerCase();
}

/** Calls `onFrame` with each complete RESP value read from `socket`. */
function frames(socket: net.Socket, onFrame: (frame: Buffer) => void): void {
  let pending = Buffer.alloc(0);
  socket.on('data', (data) => {
    pending = Buffer.concat([pending, data]);
    let end: number | null;
    while (pending.length > 0 && (end = valueEnd(pending, 0)) !== null) {
      onFrame(pending.subarray(0, end));
      pending = pending.subarray(end);
    }
  });
}

export interface IncrRewriter {
  host: string;
  port: number;
  /** Replies rewritten so far. */
  rewritten: number;
  close(): Promise<void>;
}

export async function startIncrRewriter(targetHost: string, targetPort: number): Promise<IncrRewriter> {
  const sockets = new Set<net.Socket>();
  const state = { rewritten: 0 };
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, targetHost);
    sockets.add(client).add(upstream);
    // Small frames both ways: without this, Nagle and delayed ACKs stall pipelined reads.
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const names: string[] = [];
    let bigIncrs = 0;
    frames(client, (frame) => {
      names.push(commandName(frame));
      upstream.write(frame);
    });
    frames(upstream, (frame) => {
      const name = names.shift();
      if (name === 'flushdb') bigIncrs = 0;
      const text = frame.toString('latin1');
      if (name === 'incr' && text.startsWith(':') && BigInt(text.slice(1, -2)) > LIMIT && ++bigIncrs === 2) {
        state.rewritten++;
        client.write(`:${BigInt(text.slice(1, -2)) + 1n}\r\n`);
        return;
      }
      client.write(frame);
    });
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', closeBoth).on('error', closeBoth);
    upstream.on('close', closeBoth).on('error', closeBoth);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    host: '127.0.0.1',
    port,
    get rewritten() {
      return state.rewritten;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
