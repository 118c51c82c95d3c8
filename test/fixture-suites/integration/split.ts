import { assertEqual, startServer, suite, test } from '../../../harness/index.ts';

// Six independent top-level blocks with two tests each; the second name repeats in every block,
// so a lost block shows in the name multiset even where a set comparison would hide it.
export default suite({ independentBlocks: true }, async () => {
  for (let block = 1; block <= 6; block++) {
    await startServer({}, async (server) => {
      await test(`split block ${block}`, async () => {
        assertEqual(await server.call('set', 'k', block), 'OK');
      });
      await test('split: the same name in every block', async () => {
        assertEqual(await server.call('get', 'k'), block);
      });
    });
  }
});
