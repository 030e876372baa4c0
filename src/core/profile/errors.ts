// The one error type profiling throws: callers (SDK, commands) show `message` as is, so every message
// names the input and says what to do. A ProfileError always means "no result", never a partial one.

export type ProfileErrorCode =
  | 'NOT_FOUND'
  | 'IS_DIRECTORY'
  | 'EMPTY'
  | 'RAGGED'
  | 'UNTERMINATED_QUOTE'
  | 'NO_SUCH_COLUMN'
  | 'NOT_UTF8'
  | 'BAD_JSON'
  | 'TOO_LARGE'
  | 'UNSUPPORTED'
  | 'BAD_PARQUET'
  | 'WRONG_KIND'
  | 'BAD_OPTION'
  | 'BAD_ROWS'
  | 'ABORTED'
  | 'IO';

export class ProfileError extends Error {
  override readonly name = 'ProfileError';
  constructor(
    readonly code: ProfileErrorCode,
    message: string,
    /** The file (or "memory") the error is about. */
    readonly source: string,
    /** 1-based line number, where the error has one. */
    readonly line?: number,
    /** 0-based byte offset in the file, where the error has one. */
    readonly offset?: number,
  ) {
    super(message);
  }
}

export function abortedError(source: string): ProfileError {
  return new ProfileError('ABORTED', `Profiling ${source} was cancelled; nothing was recorded. Run it again to profile the file.`, source);
}
