import net from 'node:net';

/** Hands out ports from one worker's slice of [baseport, baseport+portcount), probing that each is free. */
export class PortAllocator {
  private next: number;

  constructor(private readonly start: number, private readonly count: number) {
    if (count < 1) throw new Error(`port range is empty (start ${start}, count ${count}): raise --portcount`);
    this.next = start;
  }

  static forWorker(baseport: number, portcount: number, workerIndex: number, workers: number): PortAllocator {
    const slice = Math.floor(portcount / Math.max(1, workers));
    return new PortAllocator(baseport + workerIndex * slice, slice);
  }

  /** The next port in the slice that is free on loopback (and whose cluster-bus twin is too, as Tcl checks). */
  async take(host = '127.0.0.1'): Promise<number> {
    for (let tries = 0; tries < this.count; tries++) {
      const port = this.next;
      this.next = port + 1 >= this.start + this.count ? this.start : port + 1;
      if ((await isPortFree(port, host)) && (port + 10000 > 65535 || (await isPortFree(port + 10000, host)))) return port;
    }
    throw new Error(`no free port in ${this.start}..${this.start + this.count - 1}: free some ports or pass another --baseport`);
  }
}

export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}
