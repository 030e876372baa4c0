// Bundles the extension host code (CommonJS, `vscode` external), the SDK and CLI for Node,
// one browser bundle per webview panel, and the integration suite; copies sql.js's wasm next to them.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const root = join(dirname(new URL(import.meta.url).pathname), '..');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

rmSync(join(root, 'dist'), { recursive: true, force: true });
mkdirSync(join(root, 'dist/webview'), { recursive: true });
copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), join(root, 'dist/sql-wasm.wasm'));

const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
};

const entries = [
  { ...node, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
];
if (existsSync(join(root, 'src/sdk.ts'))) entries.push({ ...node, entryPoints: ['src/sdk.ts'], outfile: 'dist/sdk.js' });
if (existsSync(join(root, 'src/cli.ts'))) {
  entries.push({ ...node, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } });
}
// The integration suite runs inside the extension host: `vscode` and mocha come from the host / node_modules.
if (existsSync(join(root, 'test/integration/index.ts'))) {
  entries.push({ ...node, entryPoints: ['test/integration/index.ts'], outfile: 'out/test/integration/index.js', external: ['vscode', 'mocha'] });
}
// One ES module bundle per panel: webview/<panel>/main.ts -> dist/webview/<panel>.js
for (const dir of readdirSync(join(root, 'webview'), { withFileTypes: true })) {
  if (!dir.isDirectory() || dir.name === 'components' || dir.name === 'charts') continue;
  const entry = join('webview', dir.name, 'main.ts');
  if (!existsSync(join(root, entry))) continue;
  entries.push({
    entryPoints: [entry], outfile: `dist/webview/${dir.name}.js`, bundle: true, platform: 'browser', format: 'esm',
    target: 'es2022', sourcemap: true, minify: production, logLevel: 'warning', absWorkingDir: root,
    loader: { '.css': 'text' },
  });
}

if (watch) {
  for (const e of entries) await (await esbuild.context(e)).watch();
  console.log('watching', entries.length, 'bundles');
} else {
  await Promise.all(entries.map((e) => esbuild.build(e)));
  console.log(`built ${entries.length} bundles into dist/`);
}
