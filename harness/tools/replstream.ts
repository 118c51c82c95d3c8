import { assertMatch, tclString } from '../suite/assert.ts';
import { Client } from '../client/client.ts';
import type { ServerHandle } from '../servers/handle.ts';

/**
 * A raw connection that issued SYNC and skipped the RDB payload: what follows is the stream of
 * commands the master propagates (Tcl attach_to_replication_stream).
 */
export class ReplicationStream {
  private constructor(private readonly client: Client, private readonly master: ServerHandle) {}

  static async attach(master: ServerHandle): Promise<ReplicationStream> {
    await master.call('config', 'set', 'repl-ping-replica-period', 3600);
    const client = await Client.connect({ host: master.host, port: master.port, tls: master.clientTls() });
    client.writeRaw('SYNC\r\n');
    let header = '';
    // Empty lines are keepalives sent while the RDB is produced.
    while (header === '') header = await client.readLine();
    if (!header.startsWith('$')) {
      client.destroy();
      throw new Error(`attach_to_replication_stream error. Received '${header}' as count.`);
    }
    await client.readBytes(Number(header.slice(1)));
    return new ReplicationStream(client, master);
  }

  /** The next propagated command with its name lowercased, or null after ~1 s of silence (as Tcl). */
  async read(): Promise<string[] | null> {
    this.client.setReadTimeout(1000);
    let header: string;
    try {
      header = await this.client.readLine();
    } catch (err) {
      if (/timeout/i.test((err as Error).message)) return null;
      throw err;
    } finally {
      this.client.setReadTimeout(undefined);
    }
    const count = Number(header.slice(1));
    const args: string[] = [];
    for (let j = 0; j < count; j++) {
      const len = Number((await this.client.readLine()).slice(1));
      const arg = (await this.client.readBytes(len + 2)).subarray(0, len).toString();
      args.push(j === 0 ? arg.toLowerCase() : arg);
    }
    return args;
  }

  /** Each next command must glob-match its pattern (a Tcl list rendered with spaces). */
  async assertStream(patterns: string[]): Promise<void> {
    for (const pattern of patterns) assertMatch(pattern, tclString(await this.read()));
  }

  async close(): Promise<void> {
    this.client.destroy();
    await this.master.call('config', 'set', 'repl-ping-replica-period', 10);
  }
}

