// Runs the seal-and-verify example of docs/binding-wasm.md as written, with only the
// package and PKI folders filled in, so the page cannot drift from the binding.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";

import { pkgDir, pkiDir, repo } from "./common.mjs";

test("docs/binding-wasm.md: the seal-and-verify example runs", async () => {
  const page = readFileSync(join(repo, "docs/binding-wasm.md"), "utf8");
  const section = page.slice(page.indexOf("## Seal and verify"));
  const example = section.match(/```js\n([\s\S]*?)```/)?.[1];
  assert.ok(example, "no js block under 'Seal and verify'");
  const filled = example
    .replace('"./pkg/pouch_wasm.js"', JSON.stringify(join(pkgDir, "pouch_wasm.js")))
    .replace('const pki = "demo-pki";', `const pki = ${JSON.stringify(pkiDir)};`);
  assert.notEqual(filled, example);
  assert.ok(filled.includes(JSON.stringify(pkiDir)), "the PKI folder was not filled in");
  const dir = mkdtempSync(join(tmpdir(), "pouch-doc-"));
  const file = join(dir, "example.mjs");
  writeFileSync(file, filled);
  try {
    await import(pathToFileURL(file).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
