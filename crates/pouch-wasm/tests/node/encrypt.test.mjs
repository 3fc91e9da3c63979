// Encryption through the WebAssembly binding (spec/10-encryption.md): sealing to the
// nations release permits, a refused nation, chunks in and out, opening, a wrong key, a
// truncated ciphertext, adding a recipient, and the verifier options. The PKI is
// `pouch pki demo --seed 7 --encryption`'s; expected outcomes follow from how inputs were made.
import assert from "node:assert/strict";
import { test } from "node:test";

import { AT, SIGNED, bundleText, demoLabel, ids, pki, pouch, spif, trustFiles } from "./common.mjs";

const LABEL = demoLabel("SECRET", ["DNK", "NLD"]);
// More than one 64 KiB chunk of STREAM.
const RECORD = Buffer.alloc(200 * 1024, 0).map((_, i) => (i * 31 + 7) & 0xff);
const party = (nation, kem) => ({
  chain: pki(`${nation}/encrypt-${kem}.pem`),
  key: pki(`${nation}/encrypt-${kem}.key.pem`),
});
const DNK = party("DNK", "HPKE-XWING-KE");
const NLD = party("NLD", "HPKE-1-KE");
const NOR = party("NOR", "HPKE-MLKEM1024-KE");
const policy = new pouch.Policy(spif("pouch-demo.spif.xml"));
const trust = new pouch.TrustBundle(bundleText, trustFiles);

function context() {
  const ctx = new pouch.VerifyContext();
  ctx.setTrust(bundleText, trustFiles);
  ctx.setAt(AT);
  ctx.addPolicy(new pouch.Policy(spif("pouch-demo.spif.xml")));
  return ctx;
}

function seal(record, recipients, options = {}) {
  return pouch.sealEncrypted(LABEL, record, pki("NOR/signer-ES384.key.pem"),
    pki("NOR/signer-ES384.pem"), recipients.map((r) => r.chain), trust, policy,
    { signingTime: SIGNED, ...options });
}

/** A `next()` over `bytes` in chunks of `size`. */
function chunks(bytes, size = 10_000) {
  let at = 0;
  return () => {
    if (at >= bytes.length) return undefined;
    const c = bytes.subarray(at, at + size);
    at += size;
    return c;
  };
}

const decrypt = (r) => ids(JSON.parse(r.json).decrypt);

test("sealed to Denmark and the Netherlands, each opens it; a gateway verifies without a key", () => {
  const env = seal(RECORD, [DNK, NLD]);
  const ctx = context();
  assert.equal(ctx.verify(env).exitClass, 0);
  for (const [p, nation] of [[DNK, "DNK"], [NLD, "NLD"]]) {
    const r = ctx.open(env, p.key, p.chain);
    assert.ok(r.ok, r.json);
    assert.equal(r.exitClass, 0);
    assert.equal(r.nation, nation);
    assert.deepEqual(decrypt(r), ["decrypt.plaintext-authentic"]);
    assert.ok(Buffer.from(r.plaintext).equals(RECORD));
  }
});

test("a nation release denies is refused with exit class 6, nothing encrypted", () => {
  let thrown;
  try {
    seal(RECORD, [DNK, NOR]);
  } catch (e) {
    thrown = e;
  }
  assert.ok(thrown instanceof Error && thrown.name === "PouchError");
  assert.match(thrown.code, /^release\./);
  assert.equal(thrown.exitClass, 6);
  assert.match(thrown.message, /NOR/);
});

test("chunks in, chunks out: a detached ciphertext streamed both ways", () => {
  const parts = [];
  const env = seal(chunks(RECORD), [DNK], { ciphertext: (c) => parts.push(Buffer.from(c)) });
  const ct = Buffer.concat(parts);
  assert.ok(parts.length > 1 && ct.indexOf(RECORD.subarray(0, 64)) === -1);
  const ctx = context();
  assert.equal(ctx.verifyChunks(env, chunks(ct)).exitClass, 0);
  let passes = 0;
  const out = [];
  const r = ctx.openChunks(env, DNK.key, DNK.chain, () => (passes++, chunks(ct)), (c) =>
    out.push(Buffer.from(c)));
  assert.ok(r.ok, r.json);
  assert.equal(passes, 2);
  assert.equal(r.plaintext, undefined);
  assert.ok(Buffer.concat(out).equals(RECORD));
  // Cut short: the sealed digest fails (11), nothing decrypted, nothing written.
  const cut = ct.subarray(0, ct.length - 100);
  const written = [];
  const bad = ctx.openChunks(env, DNK.key, DNK.chain, () => chunks(cut), (c) => written.push(c));
  assert.equal(bad.ok, false);
  assert.equal(bad.exitClass, 11);
  assert.deepEqual(decrypt(bad), []);
  assert.equal(written.length, 0);
  // In bytes too.
  assert.ok(Buffer.from(ctx.open(env, DNK.key, DNK.chain, ct).plaintext).equals(RECORD));
});

test("a wrong key gets the decrypt code and no plaintext", () => {
  const env = seal(RECORD, [DNK, NLD]);
  // Denmark's certificate with the Netherlands' key.
  const r = context().open(env, NLD.key, DNK.chain);
  assert.equal(r.ok, false);
  assert.equal(r.exitClass, 11);
  assert.equal(r.plaintext, undefined);
  const codes = decrypt(r);
  assert.equal(codes.length, 1);
  assert.match(codes[0], /^decrypt\./);
  assert.notEqual(codes[0], "decrypt.plaintext-authentic");
});

test("a holder adds a recipient release permits, not one it denies", () => {
  const env = seal(RECORD, [DNK]);
  const added = pouch.addRecipient(env, DNK.key, DNK.chain, NLD.chain, trust, policy, AT);
  const r = context().open(added, NLD.key, NLD.chain);
  assert.ok(r.ok, r.json);
  assert.throws(() => pouch.addRecipient(env, DNK.key, DNK.chain, NOR.chain, trust, policy, AT),
    (e) => e.code.startsWith("release.") && e.exitClass === 6);
});

test("untrusted certificates, bad keys and missing trust throw typed errors", () => {
  const env = seal(RECORD, [DNK]);
  // A signing certificate: trusted path, but no encryption key usage.
  assert.throws(() => context().open(env, DNK.key, pki("DNK/signer-ES384.pem")),
    (e) => e.code.startsWith("trust.") && e.exitClass === 13);
  assert.throws(() => context().open(env, Buffer.from("not a key"), DNK.chain),
    (e) => e.code === "key");
  const bare = new pouch.VerifyContext();
  bare.setAt(AT);
  assert.throws(() => bare.open(env, DNK.key, DNK.chain), (e) => e.code === "argument");
});

test("verifier options: allowed algorithms, current validity, chain limit; features", () => {
  const env = seal(RECORD, [DNK]);
  const ctx = context();
  ctx.setAllowedAlgs("EdDSA");
  const r = ctx.verify(env);
  assert.equal(r.exitClass, 10);
  assert.ok(JSON.parse(r.json).seals[0].codes.some((c) => c.code === "seal.alg-not-allowed"));
  ctx.setAllowedAlgs(undefined);
  ctx.setRequireCurrentValidity(true);
  assert.equal(ctx.verify(env).exitClass, 0);
  ctx.setMaxChain(1);
  assert.match(ctx.verify(env).json, /seal\.header-limit-exceeded/);
  ctx.setMaxChain(undefined);
  assert.equal(ctx.verify(env).exitClass, 0);
  assert.throws(() => ctx.setAllowedAlgs("ES999"), (e) => e.code === "argument");
  const f = pouch.features();
  for (const k of ["open", "allowed-algs", "current-validity", "max-chain"]) assert.ok(f.includes(k), k);
  for (const k of pouch.kemNames()) assert.ok(f.includes(`kem:${k}`), k);
  assert.deepEqual(pouch.kemNames().sort(), ["HPKE-1-KE", "HPKE-MLKEM1024-KE", "HPKE-XWING-KE"]);
});
