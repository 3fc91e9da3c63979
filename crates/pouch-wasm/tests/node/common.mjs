// Shared by the Node tests: the built package, the demo PKI and the demo SPIFs.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");

/** The package wasm-bindgen wrote (`--target nodejs`); POUCH_WASM_PKG overrides. */
export const pkgDir = process.env.POUCH_WASM_PKG ?? join(repo, "target/pouch-wasm/pkg");
export const pouch = createRequire(import.meta.url)(join(pkgDir, "pouch_wasm.js"));

/**
 * The demo coalition of `pouch pki demo --seed 7 --encryption` (with each nation's
 * encryption certificates; POUCH_DEMO_PKI names one already made;
 * otherwise the host `pouch` of POUCH_BIN or target/debug makes one in a temporary folder).
 */
function demoPki() {
  if (process.env.POUCH_DEMO_PKI) return process.env.POUCH_DEMO_PKI;
  const dir = mkdtempSync(join(tmpdir(), "pouch-wasm-"));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, "pki");
  const bin = process.env.POUCH_BIN ?? join(repo, "target/debug/pouch");
  execFileSync(bin, ["pki", "demo", "--out", out, "--seed", "7", "--encryption"], {
    stdio: "ignore",
  });
  return out;
}
export const pkiDir = demoPki();
export const pki = (name) => readFileSync(join(pkiDir, name));
export const bundleText = readFileSync(join(pkiDir, "bundle.toml"), "utf8");
/** The trust files, read only as the bundle names them. */
export const trustFiles = (name) => readFileSync(join(pkiDir, name));

export const spif = (name) => readFileSync(join(repo, "crates/pouch-policy/policies", name));

// Inside the seed-7 coalition's validity (its clock is 2026-11-28T09:00:00Z).
export const SIGNED = "2026-11-28T10:00:00Z";
export const AT = "2026-11-28T11:00:00Z";

/** A POUCH-DEMO label (JSON bytes). */
export function demoLabel(classification, releasableTo, restrictive = []) {
  const categories = [{ tagName: "Releasable To", type: "PERMISSIVE", values: releasableTo }];
  if (restrictive.length) {
    categories.push({ tagName: "Special Handling", type: "RESTRICTIVE", values: restrictive });
  }
  return Buffer.from(
    JSON.stringify({
      confidentialityInformation: { policyIdentifier: "POUCH-DEMO", classification, categories },
      creationDateTime: "2026-11-28T09:30:00Z",
    }),
  );
}

/** Seals `payload` as `nation`'s `alg` signer, signed at SIGNED. */
export function sealAs(nation, alg, label, payload, options = {}) {
  return pouch.seal(label, payload, pki(`${nation}/signer-${alg}.key.pem`), pki(`${nation}/signer-${alg}.pem`), {
    signingTime: SIGNED,
    ...options,
  });
}

/** A context trusting the demo bundle at AT. */
export function trustedContext() {
  const ctx = new pouch.VerifyContext();
  ctx.setTrust(bundleText, trustFiles);
  ctx.setAt(AT);
  return ctx;
}

/** The set of status-code ids of a list of `{code}` entries. */
export const ids = (entries) => (entries ?? []).map((e) => e.code);

/** Whether `f` throws a PouchError whose code is `code`. */
export function throwsCode(f, code) {
  try {
    f();
  } catch (e) {
    if (!(e instanceof Error) || e.name !== "PouchError") throw e;
    return e.code === code ? true : `code ${e.code}: ${e.message}`;
  }
  return "did not throw";
}
