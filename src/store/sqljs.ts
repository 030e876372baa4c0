// sql.js is loaded on first use only (activation must stay light). The wasm file sits next to the bundle
// (dist/sql-wasm.wasm, copied by scripts/build.mjs) or, unbundled, in node_modules.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import initSqlJs, { type SqlJsStatic } from 'sql.js';

let loading: Promise<SqlJsStatic> | undefined;

export function wasmDirectory(): string {
  if (existsSync(join(__dirname, 'sql-wasm.wasm'))) return __dirname;
  // createRequire keeps esbuild from trying to bundle the wasm path.
  return dirname(createRequire(__filename).resolve('sql.js/dist/sql-wasm.wasm'));
}

export function loadSqlJs(): Promise<SqlJsStatic> {
  loading ??= initSqlJs({ locateFile: (f: string) => join(wasmDirectory(), f) });
  return loading;
}
