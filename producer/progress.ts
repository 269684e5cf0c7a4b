import cliProgress from 'cli-progress';

/**
 * A progress bar on a terminal, a line per change elsewhere (CI logs, pipes).
 * `update(value, total, label)`; `stop()` before printing anything else.
 */
export function createProgress(title: string) {
  const tty = process.stderr.isTTY;
  const bar = tty
    ? new cliProgress.SingleBar(
        { format: `${title} [{bar}] {percentage}% | {label}`, stream: process.stderr, hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let started = false;
  let lastLabel = '';
  let lastNote = '';
  return {
    update(value: number, total: number, label: string) {
      if (bar) {
        if (!started) bar.start(Math.max(total, 1), 0, { label });
        started = true;
        bar.setTotal(Math.max(total, 1));
        bar.update(Math.min(value, Math.max(total, 1)), { label });
      } else if (label !== lastLabel) {
        process.stderr.write(`${title}: ${label}\n`);
      }
      lastLabel = label;
    },
    /** A passing problem (a service blip), said once until it changes. */
    note(message: string) {
      if (message === lastNote) return;
      lastNote = message;
      process.stderr.write(`${tty ? '\n' : ''}${title}: ${message}\n`);
    },
    stop() {
      if (bar && started) bar.stop();
    },
  };
}
