// What Porte adds to a page: the release wasm + JS glue of examples/minimal and of the same page
// without Porte (end2end/bench/no-porte), each after wasm-bindgen and `wasm-opt -Oz` (as
// cargo-leptos does), compressed with brotli (quality 11). Prints JSON.
//   node bench/wasm-weight.mjs <dir with minimal/ and no-porte/>
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const dir = process.argv[2];
const brotli = (file) =>
  zlib.brotliCompressSync(readFileSync(file), { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const weigh = (name) => {
  const files = readdirSync(path.join(dir, name)).filter((f) => f === 'opt.wasm' || f.endsWith('.js'));
  const sizes = Object.fromEntries(files.map((f) => [f, brotli(path.join(dir, name, f))]));
  return { files: sizes, total: Object.values(sizes).reduce((a, b) => a + b, 0) };
};
const withPorte = weigh('minimal');
const without = weigh('no-porte');
console.log(JSON.stringify({ withPorte, without, added: withPorte.total - without.total }));
