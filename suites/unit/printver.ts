import { suite, startServer, puts, infoField } from '../../harness/index.ts';

// No tests: prints the version of the server under test, as the first unit of a run.
export default suite(async () => {
  await startServer({}, async (server) => {
    const info = await server.info();
    puts(`Testing Redis version ${infoField(info, 'redis_version')} (${infoField(info, 'redis_git_sha1')})`);
  });
});
