import { createHash, randomUUID } from 'node:crypto';

/** Run ids are random (32 hex digits, like MLflow's). */
export function newRunId(): string {
  return randomUUID().replace(/-/g, '');
}

/** Experiment ids derive from the name, so two processes that create "Titanic" at once agree on one experiment. */
export function experimentIdFor(name: string): string {
  return createHash('sha256').update(name.trim().normalize('NFC'), 'utf8').digest('hex').slice(0, 16);
}
