// bundle.mjs - lays out the test page's web root: index.html, tempchat.js
// and scaledrone.js, the real scaledrone-node@1.5.0 bundled for the browser.
//
// The bundle is the package's code as installed from npm (tests/package.json),
// put together by esbuild; the only substitution is its config.js, replaced
// by scaledrone-config.browser.js so the package runs its browser path.
// 'ws' and 'sockjs-client' are left out: that path never requires them;
// Node's `global` is defined as globalThis, as browser bundlers do.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const HERE = dirname(fileURLToPath(import.meta.url));
const SCALEDRONE_VERSION = '1.5.0';

export const PAGE_FILES = ['index.html', 'tempchat.js'];

// The browser bundle of scaledrone-node as a string (an IIFE that sets
// window.Scaledrone, like the script the real page loads from a CDN).
export async function bundleScaledrone() {
  const esbuild = require('esbuild');
  const entry = require.resolve('scaledrone-node');
  const pkgDir = dirname(entry);
  const { version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  if (version !== SCALEDRONE_VERSION) {
    throw new Error(`scaledrone-node ${version} installed, tests expect ${SCALEDRONE_VERSION}`);
  }
  const browserConfig = join(HERE, 'scaledrone-config.browser.js');
  let substituted = 0;
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    write: false,
    logLevel: 'silent',
    legalComments: 'inline',
    external: ['ws', 'sockjs-client'],
    // lie and immediate expect Node's `global`, as browserify provided it.
    define: { global: 'globalThis' },
    plugins: [{
      name: 'scaledrone-browser-config',
      setup(build) {
        build.onResolve({ filter: /^\.\/config(\.js)?$/ }, (args) => {
          if (!args.importer.startsWith(pkgDir + sep)) return undefined;
          substituted += 1;
          return { path: browserConfig };
        });
      },
    }],
  });
  if (substituted !== 1) throw new Error(`expected one config.js to replace, found ${substituted}`);
  return `/* scaledrone-node@${version} (Apache-2.0), bundled by tests/web/bundle.mjs */\n`
    + result.outputFiles[0].text;
}

// Writes the page files and the bundle into `dir`.
export async function buildSite(dir) {
  for (const name of PAGE_FILES) copyFileSync(join(HERE, name), join(dir, name));
  writeFileSync(join(dir, 'scaledrone.js'), await bundleScaledrone());
}
