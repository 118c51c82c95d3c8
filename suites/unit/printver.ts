import { suite, startServer, puts, infoField, identityFromInfo, nameTitle } from '../../harness/index.ts';

// No tests: prints the version of the server under test, as the first unit of a run.
// Differs from Tcl, which prints redis_version: a fork is named with its own version (Valkey 8
// reports redis_version 7.2.4 for compatibility); for Redis the line is Tcl's.
export default suite(async () => {
  await startServer({}, async (server) => {
    const info = await server.info();
    const { name, version } = identityFromInfo(info);
    puts(`Testing ${nameTitle(name)} version ${version} (${infoField(info, 'redis_git_sha1')})`);
  });
});
