/** Where in an object a problem was found. `column` counts bytes from the start of the line (1-based). */
export interface InputPosition {
  /** Byte offset from the start of the (decompressed) object. */
  offset: number;
  line?: number;
  column?: number;
}

export interface InputErrorInit extends Partial<InputPosition> {
  /** The object key, e.g. `dcat/page-0042.json`. */
  key: string;
  /** What kind of problem: `invalid JSON`, `unexpected JSON-LD shape`, `invalid gzip data`. */
  problem: string;
  /** The specifics, e.g. `unexpected end of input inside @graph element 1603`. */
  detail: string;
}

/**
 * The object itself is bad (truncated, not JSON, not JSON-LD): reading it again will not help,
 * so a worker should fail the job without retrying. The message names the key and the position:
 * `dcat/page-0042.json: invalid JSON at byte 1048571 (line 20113, column 17): unexpected end of input inside @graph element 1603`.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
  readonly key: string;
  readonly problem: string;
  readonly detail: string;
  readonly offset: number | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(init: InputErrorInit) {
    let where = '';
    if (init.offset !== undefined) where += ` at byte ${init.offset}`;
    if (init.line !== undefined) where += ` (line ${init.line}, column ${init.column ?? 1})`;
    super(`${init.key}: ${init.problem}${where}: ${init.detail}`);
    this.key = init.key;
    this.problem = init.problem;
    this.detail = init.detail;
    this.offset = init.offset;
    this.line = init.line;
    this.column = init.column;
  }
}

export function isInputError(err: unknown): err is InputError {
  return err instanceof InputError;
}
