// Parquet through hyparquet (ESM, hence the dynamic imports), one row group at a time so memory
// stays at one row group; hyparquet-compressors adds ZSTD/GZIP/Brotli/LZ4, which real files use.
// The hash is still taken over the file's bytes, in a separate sequential read.

import type { SchemaElement } from 'hyparquet' with { 'resolution-mode': 'import' };
import type { ColumnAcc } from './column';
import { HINT_DATE, HINT_FLOAT, HINT_NAIVE, HINT_NONE } from './column';
import { ProfileError, abortedError } from './errors';
import { streamFile, type StreamOptions } from './reader';

export interface ParquetResult {
  rows: number;
  sha256: string;
  columns: ColumnAcc[];
}

function hintFor(el: SchemaElement): number {
  const lt = el.logical_type;
  if (el.type === 'FLOAT' || el.type === 'DOUBLE' || el.converted_type === 'DECIMAL' || lt?.type === 'DECIMAL' || lt?.type === 'FLOAT16') return HINT_FLOAT;
  if (lt?.type === 'DATE' || el.converted_type === 'DATE') return HINT_DATE;
  if (el.type === 'INT96') return HINT_NAIVE;
  if (lt?.type === 'TIMESTAMP' && !lt.isAdjustedToUTC) return HINT_NAIVE;
  return HINT_NONE;
}

export async function profileParquet(
  path: string,
  size: number,
  opts: StreamOptions,
  makeColumns: (names: string[]) => ColumnAcc[],
): Promise<ParquetResult> {
  const { sha256 } = await streamFile(path, size, { data: (_b, _s, e) => e, end: () => undefined }, { signal: opts.signal, utf8: false });
  const hp = await import('hyparquet');
  const { compressors } = await import('hyparquet-compressors');
  const bad = (err: unknown): ProfileError =>
    err instanceof ProfileError
      ? err
      : new ProfileError('BAD_PARQUET', `${path} could not be read as Parquet (${err instanceof Error ? err.message : String(err)}). Check that the file is a complete Parquet file, or export the data as CSV.`, path);
  let file;
  let metadata;
  try {
    file = await hp.asyncBufferFromFile(path);
    metadata = await hp.parquetMetadataAsync(file);
  } catch (err) {
    throw bad(err);
  }
  const top = hp.parquetSchema(metadata).children;
  const names = top.map((c) => c.element.name);
  const hints = top.map((c) => (c.children.length > 0 ? HINT_NONE : hintFor(c.element)));
  const columns = makeColumns(names);
  const byName = new Map(names.map((n, i) => [n, i]));
  let rowStart = 0;
  let done = 4;
  for (const rg of metadata.row_groups) {
    if (opts.signal?.aborted) throw abortedError(path);
    const n = Number(rg.num_rows);
    const rowEnd = rowStart + n;
    const chunks: { col: number; data: ArrayLike<unknown>; start: number }[] = [];
    try {
      await hp.parquetRead({
        file,
        metadata,
        compressors,
        rowStart,
        rowEnd,
        onChunk(c) {
          const col = byName.get(c.columnName);
          if (col !== undefined) chunks.push({ col, data: c.columnData as ArrayLike<unknown>, start: c.rowStart });
        },
      });
    } catch (err) {
      throw bad(err);
    }
    for (const { col, data, start } of chunks) {
      const acc = columns[col];
      const hint = hints[col];
      // Chunks may reach outside the requested rows: keep only this row group's.
      const from = Math.max(rowStart, start);
      const to = Math.min(rowEnd, start + data.length);
      for (let r = from; r < to; r++) acc.addValue(data[r - start], hint);
    }
    rowStart = rowEnd;
    done += Number(rg.total_compressed_size ?? 0);
    opts.onProgress?.(Math.min(done, size), size);
  }
  // The footer (schema, statistics) is read too: the whole file has been seen.
  opts.onProgress?.(size, size);
  return { rows: rowStart, sha256, columns };
}
