/** Every error the SDK throws for bad input: the message names the input and what to do. Nothing was written. */
export class MLOpsError extends Error {
  override name = 'MLOpsError';
}
