/**
 * Runs README `ts` examples for readme-examples.test.ts, one process for all of them (started by `node --import tsx`):
 * `node --import tsx readme-examples-runner.ts <dir>…`. Each `<dir>/example.ts` is imported with `<dir>` as the
 * working directory; one line per example reports whether it ran, threw, or left a server listening.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RESULT_PREFIX } from './readme-examples.ts';

const listening = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;

for (const dir of process.argv.slice(2)) {
  process.chdir(dir);
  const before = listening();
  let error: string | undefined;
  try {
    await import(pathToFileURL(join(dir, 'example.ts')).href);
    const left = listening() - before;
    if (left > 0) error = `the example left ${left} server(s) listening (a missing close()?)`;
  } catch (err) {
    error = err instanceof Error ? (err.stack ?? err.message) : String(err);
  }
  console.log(RESULT_PREFIX + JSON.stringify({ dir, ...(error !== undefined && { error }) }));
}
process.exit(0);
