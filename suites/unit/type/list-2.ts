// Port of tests/unit/type/list-2.tcl (Redis 7.0.15).
import { suite, startServer, tags, test, r, rng, assertEqual } from '../../../harness/index.ts';
import { largevalue, randomWideInt } from './list-common.ts';

export default suite(async () => {
  await startServer({ tags: ['list'], overrides: { 'list-max-ziplist-size': 4 } }, async () => {
    for (const [type, large] of largevalue) {
      await tags(['slow'], async () => {
        await test(`LTRIM stress testing - ${type}`, async () => {
          let mylist: string[] = [];
          const startlen = 32;
          await r('del', 'mylist');

          // The large value goes first so that the list gets the intended encoding.
          await r('rpush', 'mylist', large);
          mylist.push(large);

          for (let i = 0; i < startlen; i++) {
            const str = randomWideInt(9223372036854775807);
            await r('rpush', 'mylist', str);
            mylist.push(str);
          }

          for (let i = 0; i < 1000; i++) {
            const min = Math.floor(rng().random() * startlen);
            const max = min + Math.floor(rng().random() * startlen);
            assertEqual(mylist.length, await r('llen', 'mylist'));
            mylist = mylist.slice(min, max + 1);
            await r('ltrim', 'mylist', min, max);
            assertEqual(mylist, await r('lrange', 'mylist', 0, -1), 'failed trim');

            for (let j = Number(await r('llen', 'mylist')); j < startlen; j++) {
              const str = randomWideInt(9223372036854775807);
              await r('rpush', 'mylist', str);
              mylist.push(str);
              assertEqual(mylist, await r('lrange', 'mylist', 0, -1), 'failed append match');
            }
          }
        });
      });
    }
  });
});
