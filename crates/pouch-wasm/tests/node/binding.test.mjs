// The WebAssembly binding, end to end in Node: seal and verify with the demo coalition,
// tampering, trust, seal policies, the policy and release stages, labels, typed errors.
// Expected outcomes come from how each input was made (a flipped byte, a revoked signer,
// a SPIF rule), never from the binding's own output.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

import {
  AT, SIGNED, bundleText, demoLabel, ids, pki, pouch, repo, sealAs, spif, throwsCode,
  trustFiles, trustedContext,
} from "./common.mjs";

const RECORD = Buffer.from("the record: 2026 exercise plan, unique marker 7f3a");
const LABEL = demoLabel("SECRET", ["FIN"]);

function verify(ctx, envelope, detached) {
  const r = ctx.verify(envelope, detached);
  return { ...r, exitClass: r.exitClass, valid: r.valid, trusted: r.trusted,
    labelValid: r.labelValid, releasable: r.releasable, report: JSON.parse(r.json) };
}

test("seal and verify with each MUST algorithm of the demo coalition", () => {
  for (const alg of ["ES384", "EdDSA", "ML-DSA-65"]) {
    const env = sealAs("NOR", alg, LABEL, RECORD);
    const r = verify(trustedContext(), env);
    assert.equal(r.exitClass, 0, `${alg}: ${r.json}`);
    assert.ok(r.valid && r.trusted, alg);
    assert.deepEqual(ids(r.report.envelope), ["envelope.well-formed"]);
    assert.equal(r.report.seals.length, 1);
    assert.ok(ids(r.report.seals[0].codes).includes("seal.signature-valid"), alg);
    assert.deepEqual(ids(r.report.seals[0].trust), ["trust.signer-trusted"], alg);
    assert.equal(r.report.seals[0].algorithm, alg);
    const info = JSON.parse(pouch.inspect(env));
    assert.equal(info.seals[0].signingTime, SIGNED);
    assert.match(info.seals[0].signer, /Norway/);
    assert.match(info.envelopeId, /^[0-9a-f]{32}$/);
  }
});

test("sealing draws a fresh envelope id from the host's randomness", () => {
  const a = JSON.parse(pouch.inspect(sealAs("NOR", "ES384", LABEL, RECORD))).envelopeId;
  const b = JSON.parse(pouch.inspect(sealAs("NOR", "ES384", LABEL, RECORD))).envelopeId;
  assert.notEqual(a, b);
});

test("a flipped payload byte breaks the signature; a truncated envelope is malformed", () => {
  const env = Buffer.from(sealAs("NOR", "ES384", LABEL, RECORD));
  const at = env.indexOf(RECORD);
  assert.ok(at > 0);
  env[at + 3] ^= 0x01;
  const r = verify(trustedContext(), env);
  assert.equal(r.exitClass, 10);
  assert.equal(r.valid, false);
  assert.ok(ids(r.report.seals[0].codes).includes("seal.signature-invalid"), r.json);
  const cut = verify(trustedContext(), env.subarray(0, env.length - 10));
  assert.equal(cut.exitClass, 3);
  assert.ok(ids(cut.report.envelope).includes("envelope.malformed"), cut.json);
});

test("a detached record is checked by its digest", () => {
  const env = sealAs("DNK", "ES384", LABEL, RECORD, { detached: true, digest: "sha384" });
  assert.equal(Buffer.from(env).indexOf(RECORD), -1, "the record is not in the envelope");
  const ctx = trustedContext();
  const ok = verify(ctx, env, RECORD);
  assert.equal(ok.exitClass, 0, ok.json);
  assert.deepEqual(ids(ok.report.payload), ["payload.digest-match"]);
  const other = Buffer.from(RECORD);
  other[0] ^= 0x20;
  const bad = verify(ctx, env, other);
  assert.equal(bad.exitClass, 11);
  assert.deepEqual(ids(bad.report.payload), ["payload.digest-mismatch"]);
  assert.equal(JSON.parse(pouch.inspect(env)).content.digestAlgorithm, "SHA-384");
});

test("trust: untrusted without a bundle, and the demo's bad signers refused", () => {
  const env = sealAs("NOR", "ES384", LABEL, RECORD);
  const bare = new pouch.VerifyContext();
  bare.setAt(AT);
  const r = verify(bare, env);
  assert.equal(r.exitClass, 0);
  assert.ok(r.valid && !r.trusted, "valid is not trusted");
  // The same bundle given as a map of the files it names.
  const map = {};
  for (const n of ["NOR", "DNK", "NLD"]) {
    for (const f of ["root.pem", "intermediate.pem", "root.crl", "intermediate.crl"]) {
      map[`${n}/${f}`] = trustFiles(`${n}/${f}`);
    }
  }
  const ctx = new pouch.VerifyContext();
  ctx.setTrust(bundleText, map);
  ctx.setAt(AT);
  assert.equal(verify(ctx, env).trusted, true);
  ctx.clearTrust();
  assert.equal(verify(ctx, env).trusted, false);
  // `pouch pki demo` says what each bad signer is: revoked in the intermediate's CRL,
  // expired 2026-10-29, and without keyUsage digitalSignature.
  for (const [bad, code] of [
    ["revoked", "trust.revoked"],
    ["expired", "trust.not-valid-at-signing"],
    ["no-digital-signature", "trust.key-usage"],
  ]) {
    const e = pouch.seal(LABEL, RECORD, pki(`NOR/signer-bad-${bad}.key.pem`),
      pki(`NOR/signer-bad-${bad}.pem`), { signingTime: SIGNED });
    const v = verify(trustedContext(), e);
    assert.equal(v.exitClass, 13, `${bad}: ${v.json}`);
    assert.ok(ids(v.report.seals[0].trust).includes(code), `${bad}: ${v.json}`);
    assert.equal(v.trusted, false);
  }
});

test("seal policies: hybrid and nations, satisfied by endorsing", () => {
  const env = sealAs("NOR", "ES384", LABEL, RECORD);
  const ctx = trustedContext();
  ctx.setSealPolicy("hybrid");
  assert.equal(verify(ctx, env).exitClass, 12);
  const hybrid = pouch.endorse(env, pki("NOR/signer-ML-DSA-65.key.pem"),
    pki("NOR/signer-ML-DSA-65.pem"), { signingTime: SIGNED });
  const h = verify(ctx, hybrid);
  assert.equal(h.exitClass, 0, h.json);
  assert.deepEqual(ids(h.report.seal_policy), ["seal-policy.satisfied"]);
  assert.equal(h.report.seals.length, 2);
  assert.equal(h.report.seals[1].role, "endorser");
  ctx.setSealPolicy("nations:2:NOR,DNK");
  assert.deepEqual(ids(verify(ctx, hybrid).report.seal_policy), ["seal-policy.unsatisfied"]);
  const two = pouch.endorse(env, pki("DNK/signer-EdDSA.key.pem"), pki("DNK/signer-EdDSA.pem"),
    { signingTime: SIGNED, releaseTo: ["SWE"] });
  assert.equal(verify(ctx, two).exitClass, 0);
  assert.deepEqual(JSON.parse(pouch.inspect(two)).seals[1].releaseTo, ["SWE"]);
});

test("policy and release stages with the demo SPIF", () => {
  const demo = new pouch.Policy(spif("pouch-demo.spif.xml"));
  assert.equal(demo.name, "POUCH-DEMO");
  assert.match(demo.id, /^[0-9]+(\.[0-9]+)+$/);
  const verifyFor = (label, recipient, clearance) => {
    const ctx = trustedContext();
    ctx.addPolicy(demo);
    if (recipient) ctx.setRecipient(recipient, clearance);
    return verify(ctx, sealAs("NOR", "ES384", label, RECORD));
  };
  // Releasable To FIN: FIN may receive it, USA may not.
  const fin = verifyFor(LABEL, "FIN");
  assert.equal(fin.exitClass, 0, fin.json);
  assert.ok(fin.labelValid && fin.releasable);
  const usa = verifyFor(LABEL, "USA");
  assert.equal(usa.exitClass, 6, usa.json);
  assert.equal(usa.releasable, false);
  assert.ok(usa.valid, "a release refusal leaves the envelope valid");
  // COALITION's members (the SPIF's nspif:memberships) are NOR, DNK and NLD.
  const coalition = demoLabel("SECRET", ["COALITION"]);
  assert.equal(verifyFor(coalition, "DNK").releasable, true);
  assert.equal(verifyFor(coalition, "FIN").releasable, false);
  // NUCLEAR requires CRYPTO (Special Handling): without it, the label breaks its policy.
  const nuclear = verifyFor(demoLabel("SECRET", ["FIN"], ["NUCLEAR"]));
  assert.equal(nuclear.exitClass, 5, nuclear.json);
  assert.equal(nuclear.labelValid, false);
  assert.ok(ids(nuclear.report.policy[0].codes).includes("policy.category-required"));
  // The release function: a CRYPTO label needs a clearance holding CRYPTO.
  const crypto = demoLabel("SECRET", ["FIN"], ["CRYPTO"]);
  const cleared = readFileSync(join(repo,
    "test-vectors/envelopes/env-rel-clearance-permitted/clearance.json"));
  assert.equal(JSON.parse(pouch.release(crypto, demo, "FIN", cleared)).decision, "permit");
  const none = JSON.parse(demo.release(crypto, "FIN"));
  assert.equal(none.decision, "deny");
  assert.ok(ids(none.codes).includes("release.clearance-required"), JSON.stringify(none));
});

test("labels: convert losslessly, check, render", () => {
  const xml = pouch.labelConvert(LABEL, undefined, "xml");
  assert.match(Buffer.from(xml).toString(), /urn:nato:stanag:4774:confidentialitymetadatalabel:1:0/);
  const cbor = pouch.labelConvert(xml, "xml", "cbor");
  const back = JSON.parse(Buffer.from(pouch.labelConvert(cbor, undefined, "json")).toString());
  assert.deepEqual(back, JSON.parse(LABEL.toString()));
  assert.equal(pouch.labelRender(LABEL), "SECRET Releasable To FIN");
  const demo = new pouch.Policy(spif("pouch-demo.spif.xml"));
  assert.match(demo.renderLabel(LABEL), /SECRET/);
  assert.ok(ids(JSON.parse(pouch.labelCheck(LABEL)).codes).includes("label.well-formed"));
  const unknown = demoLabel("ULTRA", ["FIN"]);
  assert.ok(ids(JSON.parse(demo.checkLabel(unknown)).codes)
    .includes("policy.classification-unknown"));
});

test("errors are PouchErrors with a stable code", () => {
  const key = pki("NOR/signer-ES384.key.pem");
  const chain = pki("NOR/signer-ES384.pem");
  const env = sealAs("NOR", "ES384", LABEL, RECORD);
  const cases = [
    [() => pouch.seal(Buffer.from("{"), RECORD, key, chain, { signingTime: SIGNED }), "label.malformed"],
    [() => pouch.seal(LABEL, RECORD, Buffer.from("not a key"), chain), "key"],
    [() => pouch.seal(LABEL, RECORD, key, Buffer.alloc(0), { signingTime: SIGNED }), "certificate"],
    [() => pouch.seal(LABEL, RECORD, key, chain, { signingtime: SIGNED }), "argument"],
    [() => pouch.seal(LABEL, RECORD, key, chain, { detached: "yes" }), "argument"],
    [() => pouch.seal(LABEL, RECORD, key, chain, { signingTime: "yesterday" }), "argument"],
    [() => pouch.inspect(Buffer.from([0xff, 0x00])), "envelope.malformed"],
    [() => new pouch.Policy(Buffer.from("<not-a-spif/>")), "spif"],
    [() => pouch.labelConvert(LABEL, undefined, "yaml"), "argument"],
    [() => new pouch.VerifyContext().setSealPolicy("most"), "argument"],
    [() => new pouch.VerifyContext().setRecipient("FIN", Buffer.from("[")), "clearance"],
    // POUCH-POL-085: a recipient needs a trust bundle, set first.
    [() => new pouch.VerifyContext().setRecipient("FIN"), "argument"],
    [() => new pouch.VerifyContext().setTrust(bundleText, {}), "trust-bundle"],
    [() => new pouch.VerifyContext().setTrust("format = 9", {}), "trust-bundle"],
  ];
  for (const [f, code] of cases) assert.equal(throwsCode(f, code), true, `${code}: ${f}`);
  // An endorser refuses an envelope that does not verify, with the reason's status code.
  const broken = Buffer.from(env);
  broken[broken.indexOf(RECORD)] ^= 0x01;
  assert.equal(throwsCode(() => pouch.endorse(broken, key, chain, { signingTime: SIGNED }),
    "seal.signature-invalid"), true);
  // A trust-file function that throws: its message is kept.
  try {
    new pouch.VerifyContext().setTrust(bundleText, (name) => { throw new Error(`no ${name} here`); });
    assert.fail("did not throw");
  } catch (e) {
    assert.equal(e.code, "trust-bundle");
    assert.match(e.message, /no NOR\/root\.pem here/);
  }
});

test("left out, times come from the host's clock", () => {
  const before = Math.floor(Date.now() / 1000);
  const env = pouch.seal(LABEL, RECORD, pki("NOR/signer-ES384.key.pem"), pki("NOR/signer-ES384.pem"));
  const signed = Date.parse(JSON.parse(pouch.inspect(env)).seals[0].signingTime) / 1000;
  assert.ok(signed >= before && signed <= Math.floor(Date.now() / 1000) + 1, `${signed}`);
  // No setAt: verification runs at the host's time, and does not trap.
  const r = new pouch.VerifyContext().verify(env);
  assert.ok(ids(r.json ? JSON.parse(r.json).seals[0].codes : []).includes("seal.signature-valid"));
});

test("features claim every stage and every registry signature algorithm", () => {
  const f = pouch.features();
  const registry = readFileSync(join(repo, "spec/registries/algorithms.toml"), "utf8");
  const algs = [...registry.matchAll(/\[\[signature\]\]\s*\nname = "([^"]+)"/g)].map((m) => m[1]);
  assert.ok(algs.length >= 8, `${algs}`);
  for (const a of algs) assert.ok(f.includes(`alg:${a}`), a);
  for (const s of ["envelope", "detached", "trust", "seal-policy:hybrid", "seal-policy:nations",
    "policy", "release"]) assert.ok(f.includes(s), s);
  assert.equal(new pouch.VerifyContext().providerName, "RustCrypto");
});
