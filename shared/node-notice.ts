/**
 * The AWS SDK's notice that its releases from 2027 need Node 22 is 8 lines on every command under
 * Node 20: say it in one line, once per process tree (children inherit the flag), and pass every
 * other warning through. Installed by each entry point before anything creates an S3 client.
 */
export function quietNodeVersionNotice(): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (
      warning.name === 'NodeVersionSupportWarning' ||
      warning.message.includes('NodeVersionSupportWarning')
    ) {
      if (!process.env.DCAT_QUALITY_QUIET_NODE_NOTICE) {
        console.error(`note: ${process.version}: AWS SDK releases from 2027 need Node.js >= 22`);
        process.env.DCAT_QUALITY_QUIET_NODE_NOTICE = '1';
      }
      return;
    }
    console.error(`${warning.name}: ${warning.message}`);
  });
}
