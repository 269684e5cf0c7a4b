/**
 * Developer tools, not part of the product (nothing here is built into dist/ or the image):
 * `npm run demo`, `npm run gen -- ...`, `npm run bench -- ...` run this file with tsx.
 */
import { Command } from 'commander';
import { quietNodeVersionNotice } from '../shared/node-notice.js';

quietNodeVersionNotice();
// the commands (and the AWS SDK they load) come after the warning filter
const { register: registerBench } = await import('./bench.js');
const { register: registerDemo } = await import('./demo.js');
const { register: registerGen } = await import('./gen.js');

const program = new Command('dcat-quality-tools')
  .description('dcat-quality developer tools: demo, synthetic dumps, benchmark')
  .showHelpAfterError();
for (const register of [registerDemo, registerGen, registerBench]) register(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const e = err as Error;
  console.error(`dcat-quality: ${e.message}`);
  if (process.env.DEBUG) console.error(e.stack);
  process.exitCode = 1;
}
