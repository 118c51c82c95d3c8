import { createComplexDataset } from '../harness/suite/data.ts';
import { loadClient, parseHelperArgs, runMain } from './args.ts';

runMain(async () => {
  const [host, port, db, ops] = parseHelperArgs('bg-complex-data.ts <host> <port> <db> <ops>', 4);
  const client = await loadClient(host, port, db);
  await createComplexDataset(client, Number(ops));
});
