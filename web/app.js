// The Pouch web validator's script. scripts/build-web.py inlines it in one module after the
// wasm-bindgen glue (`--target web`), so `__wbg_init`, `VerifyContext`, `Policy`, `inspect`,
// `labelConvert`, `labelCheck`, `labelRender`, `features` and `POUCH_WASM_BASE64` are in
// scope. Every decision is the binding's; this script reads files, calls it, and shows what
// it says. Nothing is fetched or sent: the page's Content-Security-Policy forbids it too.

const $ = (id) => document.getElementById(id);
const DATA = JSON.parse($("pouch-data").textContent);
const REGISTRY = new Map(DATA.registry.map((c) => [c.id, c]));

// Exit classes (spec/07-conformance.md §7.4; docs/cli.md): status → manifest name, meaning.
const EXIT_CLASSES = new Map([
  [0, ["valid", "no error in any stage that ran"]],
  [3, ["malformed", "the envelope does not decode"]],
  [10, ["seal", "a seal's header, algorithm, key or signature failed"]],
  [11, ["payload", "the detached record does not match"]],
  [12, ["seal-policy", "the valid seals do not satisfy the seal policy"]],
  [13, ["trust", "a signer is not trusted or not authorised"]],
  [5, ["label-invalid", "a label of the envelope is not valid under its policy"]],
  [6, ["release-denied", "the recipient may not receive the record"]],
]);
// The decoder's default envelope limit (pouch-envelope Limits::default, spec/01): a larger
// file is refused before it is read.
const MAX_ENVELOPE = 64 * 1024 * 1024;
// Other inputs are held in memory whole; a detached record can be large, not unbounded.
const MAX_RECORD = 512 * 1024 * 1024;
const MAX_SMALL = 16 * 1024 * 1024;

const utf8 = new TextDecoder("utf-8", { fatal: false });
const enc = new TextEncoder();

// ---------------------------------------------------------------------------------------
// Small helpers

function fromBase64(s) {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function hex(bytes) {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

function fromHex(text) {
  const clean = text.replace(/\s+/g, "");
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) {
    throw new UserError("the CBOR hex has an odd number of digits or a character that is not hex");
  }
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.substr(i * 2, 2), 16);
  return out;
}

function size(n) {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} bytes`;
}

/** An error whose message is for the user as it stands. */
class UserError extends Error {}

/** What went wrong, in words: a PouchError's code and message, or the error's message. */
function describe(e) {
  if (e instanceof Error && e.name === "PouchError") return `${e.message} (error class: ${e.code})`;
  if (e instanceof UserError) return e.message;
  if (e instanceof WebAssembly.RuntimeError) {
    return `the validator failed unexpectedly (${e.message}); reload the page`;
  }
  return e instanceof Error ? e.message : String(e);
}

/** `el(tag, {attrs}, ...children)`: children are nodes or text. */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : String(c));
  }
  return node;
}

function showError(box, message) {
  box.textContent = message;
  box.hidden = false;
}

function clearError(box) {
  box.textContent = "";
  box.hidden = true;
}

/** A file's bytes, refused unread when it is larger than `limit`. */
async function readFile(file, limit, what) {
  if (file.size > limit) {
    throw new UserError(
      `${what} "${file.name}" is ${size(file.size)}, more than the ${size(limit)} this page ` +
        `reads${limit === MAX_ENVELOPE ? " (the largest envelope a verifier accepts by default)" : ""}; it was not read.`,
    );
  }
  try {
    return new Uint8Array(await file.arrayBuffer());
  } catch (e) {
    throw new UserError(`${what} "${file.name}" cannot be read: ${describe(e)}`);
  }
}

/** Each code entry `{code, detail}` as a table row: code, severity, meaning, detail. */
function codesTable(entries, caption) {
  if (!entries || entries.length === 0) {
    return el("p", { class: "none" }, caption ? `${caption}: no code.` : "No code.");
  }
  const rows = entries.map((entry) => {
    const reg = REGISTRY.get(entry.code);
    const sev = reg ? reg.severity : "unknown";
    return el(
      "tr",
      { "data-code": entry.code, "data-severity": sev },
      el("td", { class: "code" }, el("code", {}, entry.code)),
      el("td", {}, el("span", { class: `sev sev-${sev}` }, sev)),
      el(
        "td",
        {},
        reg ? reg.description : "(not in the registry)",
        entry.detail ? el("div", { class: "hint" }, `Detail: ${entry.detail}`) : null,
        reg?.requirements?.length
          ? el("div", { class: "reqs-inline" }, `Requirements: ${reg.requirements.join(", ")}`)
          : null,
      ),
    );
  });
  return el(
    "table",
    {},
    caption ? el("caption", { class: "hint" }, caption) : null,
    el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Status code"),
      el("th", { scope: "col" }, "Severity"), el("th", { scope: "col" }, "Meaning"))),
    el("tbody", {}, rows),
  );
}

function kv(pairs) {
  const dl = el("dl", { class: "kv" });
  for (const [k, v] of pairs) {
    if (v === undefined || v === null || v === "") continue;
    dl.append(el("dt", {}, k), el("dd", {}, v));
  }
  return dl;
}

// ---------------------------------------------------------------------------------------
// Policies: the built-in demo SPIFs and those chosen, shared by the verify and label views

/** The languages a SPIF's markings are written in (its xml:lang values), `en` first. */
function spifLanguages(bytes) {
  const langs = new Set(["en"]);
  for (const m of utf8.decode(bytes).matchAll(/xml:lang\s*=\s*["']([A-Za-z0-9-]+)["']/g)) {
    langs.add(m[1]);
  }
  return [...langs];
}

const policies = { builtin: [], chosen: [] };

function loadPolicy(name, bytes, source) {
  const policy = new Policy(bytes);
  return { name, source, policy, langs: spifLanguages(bytes) };
}

function allPolicies() {
  return [...policies.builtin, ...policies.chosen];
}

function refreshPolicySelect() {
  const select = $("label-policy");
  const keep = select.value;
  select.replaceChildren(el("option", { value: "" }, "none (plain marking)"));
  allPolicies().forEach((p, i) => {
    select.append(el("option", { value: String(i) }, `${p.policy.name} (${p.name}, ${p.source})`));
  });
  if ([...select.options].some((o) => o.value === keep)) select.value = keep;
  refreshLangSelect();
}

function refreshLangSelect() {
  const p = allPolicies()[Number($("label-policy").value)];
  const select = $("label-lang");
  select.replaceChildren(el("option", { value: "" }, "policy default"));
  if ($("label-policy").value !== "" && p) {
    for (const lang of p.langs) select.append(el("option", { value: lang }, lang));
  }
}

// ---------------------------------------------------------------------------------------
// The verify view

const verifyState = { envelope: null };

function setEnvelopeFile(file) {
  verifyState.envelope = file;
  $("drop").querySelector(".hint").textContent = file
    ? `Chosen: ${file.name} (${size(file.size)}).`
    : "or drop a file on this box.";
}

/** The files the trust bundle may name, read now (the binding asks for them synchronously). */
async function trustFiles() {
  const files = [...$("in-trust-files").files, ...$("in-trust-folder").files];
  const out = [];
  for (const f of files) {
    if (f.size > MAX_SMALL) continue; // no certificate or CRL is this large; never named
    out.push({ path: f.webkitRelativePath || f.name, name: f.name, bytes: await readFile(f, MAX_SMALL, "Trust file") });
  }
  return out;
}

/** `name => bytes` for `VerifyContext.setTrust`: by path within the folder, else by name. */
function trustResolver(files) {
  return (name) => {
    const want = name.replace(/^\.\//, "");
    let hits = files.filter((f) => f.path === want || f.path.endsWith(`/${want}`));
    if (hits.length === 0) hits = files.filter((f) => f.name === want.split("/").pop());
    if (hits.length === 1) return hits[0].bytes;
    if (hits.length === 0) throw new Error(`it names "${name}", which is not among the files chosen`);
    throw new Error(`it names "${name}" and ${hits.length} chosen files match; choose the bundle's folder instead`);
  };
}

async function chosenPolicies() {
  const out = [];
  for (const box of document.querySelectorAll("#builtin-spifs input:checked")) {
    out.push(policies.builtin[Number(box.value)]);
  }
  return out.concat(policies.chosen);
}

async function onSpifsChosen() {
  const box = $("verify-error");
  clearError(box);
  policies.chosen = [];
  for (const f of $("in-spifs").files) {
    try {
      policies.chosen.push(loadPolicy(f.name, await readFile(f, MAX_SMALL, "SPIF"), "chosen"));
    } catch (e) {
      showError(box, `The security policy "${f.name}" does not load: ${describe(e)}`);
    }
  }
  refreshPolicySelect();
}

/** Builds the context from the form; throws a UserError naming the input at fault. */
async function buildContext() {
  const ctx = new VerifyContext();
  const step = (what, f) => {
    try {
      return f();
    } catch (e) {
      throw new UserError(`${what}: ${describe(e)}`);
    }
  };
  for (const p of await chosenPolicies()) ctx.addPolicy(p.policy);
  // The trust bundle first: a recipient without one is refused (POUCH-POL-085).
  const bundleFile = $("in-bundle").files[0];
  if (bundleFile) {
    const text = utf8.decode(await readFile(bundleFile, MAX_SMALL, "Trust bundle"));
    const files = await trustFiles();
    step(`The trust bundle "${bundleFile.name}" does not load`, () => ctx.setTrust(text, trustResolver(files)));
  }
  const recipient = $("in-recipient").value.trim();
  const clearanceFile = $("in-clearance").files[0];
  if (clearanceFile && !recipient) throw new UserError("A clearance needs a recipient: give the recipient's code.");
  if (recipient) {
    const clearance = clearanceFile ? await readFile(clearanceFile, MAX_SMALL, "Clearance") : undefined;
    step(clearanceFile ? `The clearance "${clearanceFile.name}"` : "The recipient", () =>
      ctx.setRecipient(recipient, clearance));
  }
  const sealPolicy = $("in-seal-policy").value.trim() || "all";
  step("The seal policy", () => ctx.setSealPolicy(sealPolicy));
  const at = $("in-at").value.trim();
  if (at) step("The verification time", () => ctx.setAt(at));
  return ctx;
}

async function onVerify(event) {
  event.preventDefault();
  const box = $("verify-error");
  const out = $("verify-result");
  clearError(box);
  out.replaceChildren();
  const file = verifyState.envelope;
  if (!file) {
    showError(box, "Choose an envelope first (or drop one on the box).");
    return;
  }
  $("verify-button").disabled = true;
  try {
    const envelope = await readFile(file, MAX_ENVELOPE, "The envelope");
    const ctx = await buildContext();
    const detachedFile = $("in-detached").files[0];
    const detached = detachedFile ? await readFile(detachedFile, MAX_RECORD, "The detached record") : undefined;
    const result = ctx.verify(envelope, detached);
    const report = JSON.parse(result.json);
    let info = null;
    try {
      info = JSON.parse(inspect(envelope));
    } catch {
      // A malformed envelope has nothing to inspect; the report says why.
    }
    const inputs = {
      detachedFile,
      trust: Boolean($("in-bundle").files[0]),
      policies: (await chosenPolicies()).length,
    };
    out.append(...renderVerdict(file, envelope, result, report, info, inputs));
    out.querySelector("h3")?.focus();
  } catch (e) {
    showError(box, describe(e));
  } finally {
    $("verify-button").disabled = false;
  }
}

function flag(name, value, absent) {
  const state = value === undefined || value === null ? "na" : value ? "yes" : "no";
  const word = state === "na" ? absent : value ? "yes" : "no";
  return el("li", { class: `flag ${state}`, "data-flag": name, "data-value": state }, `${name}: ${word}`);
}

/** Whether `bytes` read as a label (JSON, XML or CBOR) when they are no envelope. */
function looksLikeLabel(bytes) {
  try {
    labelCheck(bytes);
    return true;
  } catch {
    return false;
  }
}

function renderVerdict(file, envelope, result, report, info, inputs) {
  const [className, meaning] = EXIT_CLASSES.get(result.exitClass) ?? ["unknown", "not an exit class"];
  const nodes = [];
  nodes.push(el("h3", { tabindex: "-1" }, `Result for ${file.name}`));
  nodes.push(
    el(
      "p",
      { class: `verdict ${result.exitClass === 0 ? "ok" : "bad"}`, id: "verdict",
        "data-exit-class": String(result.exitClass), "data-exit-name": className },
      result.exitClass === 0
        ? `Valid (exit class 0): ${meaning}.`
        : `Not valid: ${className} (exit class ${result.exitClass}): ${meaning}.`,
    ),
  );
  if (result.exitClass === 3) {
    const hint = looksLikeLabel(envelope)
      ? "This file is a confidentiality label, not an envelope. Open it in Label tools to check or convert it."
      : "This file is not a Pouch envelope (a tagged COSE_Sign in deterministic CBOR); the envelope stage below says where decoding stopped.";
    nodes.push(el("p", { class: "notice", id: "malformed-hint" }, hint));
  }
  nodes.push(
    el(
      "ul",
      { class: "flags", "aria-label": "Verdicts" },
      flag("Valid", result.valid, ""),
      flag("Trusted", inputs.trust ? result.trusted : undefined, "not checked (no trust bundle)"),
      flag("Label valid under its policy", result.labelValid,
        inputs.policies ? "not checked (no policy given is this label's)" : "not checked (no policy given)"),
      flag("Releasable", result.releasable, "not decided (no recipient)"),
    ),
  );

  if (info) nodes.push(renderEnvelopeInfo(info, inputs.detachedFile));

  nodes.push(el("h4", {}, "Decoding (envelope stage)"), codesTable(report.envelope));
  const seals = report.seals ?? [];
  nodes.push(el("h4", {}, `Seals (${seals.length})`));
  if (seals.length === 0) nodes.push(el("p", { class: "none" }, "No seal was checked."));
  seals.forEach((s, i) => nodes.push(renderSeal(s, i, info?.seals?.[i], inputs.trust)));
  nodes.push(el("h4", {}, "Detached record (payload stage)"), codesTable(report.payload));
  nodes.push(el("h4", {}, "Label (advisory rules)"), codesTable(report.label));
  nodes.push(el("h4", {}, "Seal policy"), codesTable(report.seal_policy));
  nodes.push(el("h4", {}, "Labels under their policies"));
  if (!report.policy || report.policy.length === 0) {
    nodes.push(el("p", { class: "none" }, "The policy stage did not run (no security policy given)."));
  } else {
    for (const l of report.policy) {
      nodes.push(codesTable(l.codes, `${l.label} label under ${l.policy ?? "no policy the verifier holds"}`));
    }
  }
  nodes.push(el("h4", {}, "Release decision"));
  if (!report.release) {
    nodes.push(el("p", { class: "none" }, "The release stage did not run (no recipient given)."));
  } else {
    const r = report.release;
    nodes.push(
      el("p", { id: "release-decision", "data-releasable": String(result.releasable) },
        result.releasable ? `Release to ${r.recipient} is permitted` : `Release to ${r.recipient} is denied`,
        r.label ? `, decided on the ${r.label} label.` : ": no label could decide."),
      codesTable(r.codes),
    );
  }
  if (info) nodes.push(renderLabelForms(info));
  nodes.push(el("details", {}, el("summary", {}, "The report as JSON (spec/07-conformance.md §7.5)"),
    el("pre", {}, JSON.stringify(report, null, 2))));
  return nodes;
}

function renderEnvelopeInfo(info, detachedFile) {
  const c = info.content ?? {};
  return el(
    "div",
    { class: "card" },
    el("h4", {}, "Envelope"),
    kv([
      ["Marking", el("strong", { id: "marking" }, info.marking)],
      ["Envelope id", el("code", {}, info.envelopeId)],
      ["Created", info.created],
      ["Format version", String(info.formatVersion)],
      ["Content type", c.contentType ?? "not given"],
      ["Record", c.payload === "detached"
        ? `detached, ${c.digestAlgorithm} ${c.digest}${c.location ? `, at ${c.location}` : ""}` +
          (detachedFile ? ` (checked against ${detachedFile.name})` : " (not supplied: not checked)")
        : `embedded, ${size(c.bytes ?? 0)}`],
    ]),
  );
}

function renderSeal(s, i, sealInfo, trustGiven) {
  const title = `Seal ${i + 1}: ${s.algorithm ?? sealInfo?.algorithm ?? "?"}, ${s.role ?? sealInfo?.role ?? "?"}`;
  const chain = sealInfo?.certificates !== undefined
    ? `${sealInfo.certificates} certificate${sealInfo.certificates === 1 ? "" : "s"} (leaf first)`
    : undefined;
  return el(
    "div",
    { class: "card seal", "data-seal": String(i) },
    el("h5", {}, title),
    kv([
      ["Signer (leaf subject)", s.signer ?? sealInfo?.signer],
      ["Nation", s.nation],
      ["Country", s.country],
      ["Signing time", s.signing_time ?? sealInfo?.signingTime],
      ["Chain", chain],
      ["Alternative label", sealInfo?.alternativeLabel],
      ["Release approved to", sealInfo?.releaseTo?.join(", ")],
      ["Fault", sealInfo?.fault ? `${sealInfo.fault}: ${sealInfo.detail ?? ""}` : undefined],
    ]),
    codesTable(s.codes, "Signature"),
    renderChain(sealInfo?.chain),
    s.trust && s.trust.length
      ? codesTable(s.trust, "Trust (chain to the nation's anchor, authorisation)")
      : el("p", { class: "none" }, trustGiven
        ? "Trust: not checked (the seal failed before its chain could be)."
        : "Trust: not checked (no trust bundle given)."),
  );
}

/** Each certificate of a seal's chain, when `inspect` lists them (subject, issuer, validity). */
function renderChain(chain) {
  if (!Array.isArray(chain) || chain.length === 0) return null;
  return el("table", { class: "chain" },
    el("caption", {}, "Chain (leaf first)"),
    el("thead", {}, el("tr", {}, ["Subject", "Issuer", "Valid from", "Valid until"].map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, chain.map((c) => el("tr", {},
      [c.subject, c.issuer, c.notBefore, c.notAfter].map((v) => el("td", {}, v ?? "—"))))));
}

function renderLabelForms(info) {
  const json = enc.encode(JSON.stringify(info.label));
  const box = el("div", { class: "card", id: "label-forms" }, el("h4", {}, "Originator label"));
  const markings = [["Plain", info.marking]];
  const policyId = info.label?.confidentialityInformation?.policyIdentifier;
  const seen = new Set();
  for (const p of allPolicies()) {
    for (const lang of p.langs) {
      try {
        const name = `${p.policy.name}, ${lang}`;
        const marking = p.policy.renderLabel(json, lang);
        // The same policy built in and chosen as a file renders once.
        if (seen.has(`${p.policy.id} ${name} ${marking}`)) continue;
        seen.add(`${p.policy.id} ${name} ${marking}`);
        markings.push([name, marking]);
      } catch {
        // Not this label's policy, or no marking in that language: nothing to show.
      }
    }
  }
  box.append(el("h5", {}, "Marking"), kv(markings));
  if (markings.length === 1) {
    box.append(el("p", { class: "hint" }, `No policy the page holds renders ${policyId ?? "this label"}'s markings; load its SPIF.`));
  }
  const forms = [["JSON", () => JSON.stringify(info.label, null, 2)],
    ["XML (ADatP-4774)", () => utf8.decode(labelConvert(json, "json", "xml"))],
    ["CBOR (hex, as in the envelope)", () => hex(labelConvert(json, "json", "cbor"))]];
  for (const [name, f] of forms) {
    let text;
    try {
      text = f();
    } catch (e) {
      text = `cannot convert: ${describe(e)}`;
    }
    box.append(el("h5", {}, name), el("pre", { "data-form": name.split(" ")[0].toLowerCase() }, text));
  }
  return box;
}

// ---------------------------------------------------------------------------------------
// The vectors view: every envelope vector, run through the adapter's calls

const conformance = DATA.conformance;
const vectorFiles = conformance.files;
const exceptions = new Map(conformance.exceptions.map((e) => [e.id, e]));
const vectorResults = new Map();
let claimed = new Set();

function vectorFile(path) {
  const norm = [];
  for (const part of path.split("/")) {
    if (part === "..") norm.pop();
    else if (part !== "." && part !== "") norm.push(part);
  }
  const b64 = vectorFiles[norm.join("/")];
  if (b64 === undefined) throw new UserError(`the vector names ${path}, which the page does not hold`);
  return fromBase64(b64);
}

const dirOf = (p) => (p.includes("/") ? p.slice(0, p.lastIndexOf("/") + 1) : "");

/** As crates/pouch-wasm/adapter/pouch-adapter.mjs: the same calls, in the same order. */
function runVector(v) {
  const i = v.inputs;
  const ctx = new VerifyContext();
  for (const path of i.policies ?? []) ctx.addPolicy(new Policy(vectorFile(path)));
  if (i.trust) {
    const base = dirOf(i.trust);
    ctx.setTrust(utf8.decode(vectorFile(i.trust)), (name) => vectorFile(base + name));
  }
  if (i.recipient) ctx.setRecipient(i.recipient, i.clearance ? vectorFile(i.clearance) : undefined);
  if (i["seal-policy"]) ctx.setSealPolicy(i["seal-policy"]);
  if (i.at) ctx.setAt(i.at);
  // The verifier options of POUCH-CNF-017.
  if (i["allowed-algs"]) ctx.setAllowedAlgs(i["allowed-algs"].join(","));
  if (i["require-current-validity"]) ctx.setRequireCurrentValidity(true);
  if (i["max-chain"] !== undefined) ctx.setMaxChain(i["max-chain"]);
  const envelope = vectorFile(i.envelope);
  const payload = i.payload ? vectorFile(i.payload) : undefined;
  const r = ctx.verify(envelope, payload);
  return { report: JSON.parse(r.json), exitClass: r.exitClass };
}

const ids = (entries) => (entries ?? []).map((e) => e.code);
const setKey = (list) => [...new Set(list)].sort().join(" ");

/**
 * Rows of expected against actual, compared as crates/pouch-vectors `compare` does: each
 * stage and each seal's codes as sets, the policy labels in order, the release decision,
 * the exit class.
 */
function compareVector(expect, actual) {
  const rows = [];
  const row = (what, e, a) => rows.push({ what, expected: e, actual: a, same: e === a });
  const codeRow = (what, e, a) => row(what, setKey(e ?? []), setKey(a ?? []));
  const rep = actual.report;
  const exitName = EXIT_CLASSES.get(actual.exitClass)?.[0] ?? `status ${actual.exitClass}`;
  row("exit class", expect.exit, exitName);
  codeRow("envelope", expect.envelope, ids(rep.envelope));
  codeRow("label", expect.label, ids(rep.label));
  codeRow("payload", expect.payload, ids(rep.payload));
  codeRow("seal policy", expect["seal-policy"], ids(rep.seal_policy));
  const es = expect.seals ?? [];
  const as = rep.seals ?? [];
  row("seals", String(es.length), String(as.length));
  for (let k = 0; k < Math.max(es.length, as.length); k++) {
    codeRow(`seal ${k + 1} codes`, es[k]?.codes, ids(as[k]?.codes));
    codeRow(`seal ${k + 1} trust`, es[k]?.trust, ids(as[k]?.trust));
  }
  const ep = expect.policy ?? [];
  const ap = rep.policy ?? [];
  if (ep.length || ap.length) row("policy labels", String(ep.length), String(ap.length));
  for (let k = 0; k < Math.max(ep.length, ap.length); k++) {
    const name = (l) => (l ? `${l.label} under ${l.policy ?? "none"}` : "none");
    row(`policy ${k + 1}`, name(ep[k]), name(ap[k]));
    codeRow(`policy ${k + 1} codes`, ep[k]?.codes, ids(ap[k]?.codes));
  }
  const er = expect.release;
  const ar = rep.release;
  if (er || ar) {
    row("release label", er ? er.label ?? "none" : "no decision", ar ? ar.label ?? "none" : "no decision");
    codeRow("release codes", er?.codes, ids(ar?.codes));
  }
  return rows;
}

/** pass, fail, known (a listed divergence), skip (a feature the binding does not claim). */
function judgeVector(v) {
  const missing = v.features.filter((f) => !claimed.has(f));
  if (missing.length) return { verdict: "skip", missing, rows: [] };
  let actual;
  try {
    actual = runVector(v);
  } catch (e) {
    return { verdict: exceptions.has(v.id) ? "known" : "fail", error: describe(e), rows: [] };
  }
  const rows = compareVector(v.expect, actual);
  const differs = rows.some((r) => !r.same);
  const listed = exceptions.has(v.id);
  // A listed vector that passes fails, as the runner judges (the list cannot go stale).
  const verdict = differs ? (listed ? "known" : "fail") : listed ? "fail" : "pass";
  return { verdict, rows, report: actual.report };
}

const VERDICT_WORDS = { pass: "pass", fail: "FAIL", known: "known divergence", skip: "skipped" };

function renderVectorList() {
  const list = $("vector-list");
  const filter = $("vector-filter").value.trim().toLowerCase();
  list.replaceChildren();
  for (const v of conformance.vectors) {
    const hay = `${v.id} ${v.title} ${v.requirements.join(" ")}`.toLowerCase();
    if (filter && !hay.includes(filter)) continue;
    const r = vectorResults.get(v.id);
    list.append(
      el("li", {},
        el("button", { type: "button", "data-vector": v.id, onclick: () => showVector(v, true),
          "aria-current": $("vector-detail").dataset.vector === v.id ? "true" : false },
          el("span", {}, el("span", { class: "vid" }, v.id), el("br"), v.title),
          r ? el("span", { class: `badge ${r.verdict}` }, VERDICT_WORDS[r.verdict]) : null)));
  }
}

function showVector(v, run) {
  const box = $("vector-detail");
  box.dataset.vector = v.id;
  if (run) vectorResults.set(v.id, judgeVector(v));
  const r = vectorResults.get(v.id);
  const nodes = [
    el("h3", { tabindex: "-1" }, v.title),
    kv([["Id", el("code", {}, v.id)], ["Features", v.features.join(", ")]]),
    el("p", {}, v.description),
    el("h4", {}, "Requirements"),
    el("ul", { class: "reqs" }, v.requirements.map((q) => el("li", {}, q))),
    el("h4", {}, "Inputs"),
    kv(Object.entries(v.inputs).map(([k, val]) => [k, Array.isArray(val) ? val.join(", ") : String(val)])),
  ];
  if (r) {
    nodes.push(el("p", { class: `verdict ${r.verdict === "pass" ? "ok" : "bad"}`, id: "vector-verdict",
      "data-verdict": r.verdict }, `Verdict: ${VERDICT_WORDS[r.verdict]}`));
    if (r.missing) nodes.push(el("p", {}, `The binding does not claim: ${r.missing.join(", ")}.`));
    if (r.error) nodes.push(el("p", { class: "error" }, `The inputs did not load: ${r.error}`));
    const ex = exceptions.get(v.id);
    if (ex) nodes.push(el("p", { class: "notice" }, `Listed divergence: ${ex.reason}`));
    if (r.rows.length) {
      nodes.push(el("table", { id: "vector-compare" },
        el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Compared"),
          el("th", { scope: "col" }, "Expected"), el("th", { scope: "col" }, "Actual"))),
        el("tbody", {}, r.rows.map((row) => el("tr", { "data-same": String(row.same) },
          el("th", { scope: "row" }, row.what),
          el("td", { class: row.same ? "same" : "differs" }, row.expected || "—"),
          el("td", { class: row.same ? "same" : "differs" }, row.actual || "—"))))));
    }
    if (r.report) {
      nodes.push(el("details", {}, el("summary", {}, "The actual report as JSON"),
        el("pre", {}, JSON.stringify(r.report, null, 2))));
    }
  }
  box.replaceChildren(...nodes);
  renderVectorList();
  if (run) box.querySelector("h3").focus();
}

function summarise() {
  const counts = { pass: 0, fail: 0, known: 0, skip: 0 };
  for (const r of vectorResults.values()) counts[r.verdict]++;
  $("vectors-summary").textContent =
    `${vectorResults.size} of ${conformance.vectors.length} run: ${counts.pass} pass, ` +
    `${counts.fail} fail, ${counts.known} known divergence, ${counts.skip} skipped.`;
  $("vectors-summary").dataset.fail = String(counts.fail);
}

async function runAll() {
  $("run-all").disabled = true;
  try {
    for (const v of conformance.vectors) {
      vectorResults.set(v.id, judgeVector(v));
      // Let the page paint between vectors.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  } finally {
    $("run-all").disabled = false;
  }
  renderVectorList();
  summarise();
}

// ---------------------------------------------------------------------------------------
// Label tools

const EXAMPLE_LABEL = {
  confidentialityInformation: {
    policyIdentifier: "POUCH-DEMO",
    classification: "SECRET",
    categories: [{ tagName: "Releasable To", type: "PERMISSIVE", values: ["FIN", "SWE"] }],
  },
  creationDateTime: "2026-11-28T09:30:00Z",
};

/** The label in the text box as bytes: CBOR when it is hex, else its UTF-8 text. */
function labelInput() {
  const text = $("label-text").value.trim();
  if (!text) throw new UserError("Type, paste or choose a label first.");
  if (!text.startsWith("{") && !text.startsWith("<") && /^[0-9a-fA-F\s]+$/.test(text)) return fromHex(text);
  return enc.encode(text);
}

function selectedPolicy() {
  const v = $("label-policy").value;
  return v === "" ? null : allPolicies()[Number(v)];
}

function labelAction(f) {
  const box = $("label-error");
  const out = $("label-result");
  clearError(box);
  out.replaceChildren();
  try {
    out.append(...f(labelInput()));
  } catch (e) {
    showError(box, describe(e));
  }
}

function convertTo(to) {
  labelAction((bytes) => {
    const outBytes = labelConvert(bytes, undefined, to);
    let text;
    if (to === "cbor") text = hex(outBytes);
    else if (to === "json") text = JSON.stringify(JSON.parse(utf8.decode(outBytes)), null, 2);
    else text = utf8.decode(outBytes);
    return [el("h3", {}, `As ${to.toUpperCase()}${to === "cbor" ? " (hex)" : ""}`),
      el("pre", { id: "label-output", "data-form": to }, text),
      el("button", { type: "button", onclick: () => { $("label-text").value = text; } }, "Use as input")];
  });
}

function checkLabel() {
  labelAction((bytes) => {
    const p = selectedPolicy();
    const result = JSON.parse(p ? p.policy.checkLabel(bytes) : labelCheck(bytes));
    return [el("h3", {}, p ? `Checked under ${p.policy.name}` : "Checked (no policy: the label profile only)"),
      el("div", { id: "label-codes" }, codesTable(result.codes))];
  });
}

function renderMarking() {
  labelAction((bytes) => {
    const p = selectedPolicy();
    const lang = $("label-lang").value || undefined;
    const marking = p ? p.policy.renderLabel(bytes, lang) : labelRender(bytes);
    return [el("h3", {}, p ? `Marking under ${p.policy.name}${lang ? ` (${lang})` : ""}` : "Plain marking"),
      el("p", { class: "verdict ok", id: "label-marking" }, marking)];
  });
}

async function onLabelFile() {
  const f = $("label-file").files[0];
  if (!f) return;
  clearError($("label-error"));
  try {
    const bytes = await readFile(f, MAX_SMALL, "The label");
    const first = bytes.find((b) => b > 0x20);
    // JSON and XML stay text; anything else (CBOR) is shown as hex.
    $("label-text").value = first === 0x7b || first === 0x3c ? utf8.decode(bytes) : hex(bytes);
  } catch (e) {
    showError($("label-error"), describe(e));
  }
}

// ---------------------------------------------------------------------------------------
// Wiring

function showView(name) {
  for (const v of ["verify", "vectors", "labels"]) {
    $(`view-${v}`).hidden = v !== name;
    $(`tab-${v}`).setAttribute("aria-pressed", String(v === name));
  }
  $(`h-${name}`).setAttribute("tabindex", "-1");
  $(`h-${name}`).focus();
}

function wire() {
  for (const v of ["verify", "vectors", "labels"]) $(`tab-${v}`).addEventListener("click", () => showView(v));
  // A file dropped anywhere but the box must not navigate away from the page.
  for (const t of ["dragover", "drop"]) window.addEventListener(t, (e) => e.preventDefault());
  const drop = $("drop");
  drop.addEventListener("dragover", () => drop.classList.add("over"));
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    drop.classList.remove("over");
    const f = e.dataTransfer?.files?.[0];
    if (f) setEnvelopeFile(f);
  });
  $("in-envelope").addEventListener("change", () => setEnvelopeFile($("in-envelope").files[0] ?? null));
  $("verify-form").addEventListener("submit", onVerify);
  $("verify-form").addEventListener("reset", () => {
    setEnvelopeFile(null);
    policies.chosen = [];
    refreshPolicySelect();
    clearError($("verify-error"));
    $("verify-result").replaceChildren();
  });
  $("in-spifs").addEventListener("change", onSpifsChosen);
  $("run-all").addEventListener("click", runAll);
  $("vector-filter").addEventListener("input", renderVectorList);
  $("to-json").addEventListener("click", () => convertTo("json"));
  $("to-xml").addEventListener("click", () => convertTo("xml"));
  $("to-cbor").addEventListener("click", () => convertTo("cbor"));
  $("label-check").addEventListener("click", checkLabel);
  $("label-render").addEventListener("click", renderMarking);
  $("label-example").addEventListener("click", () => {
    $("label-text").value = JSON.stringify(EXAMPLE_LABEL, null, 2);
  });
  $("label-file").addEventListener("change", onLabelFile);
  $("label-policy").addEventListener("change", refreshLangSelect);
}

async function main() {
  const status = $("status");
  try {
    await __wbg_init({ module_or_path: fromBase64(POUCH_WASM_BASE64) });
  } catch (e) {
    status.className = "error";
    status.textContent = `The validator could not start: ${describe(e)}. This browser needs WebAssembly.`;
    return;
  }
  // The page verifies; it never takes a private key (scripts/build-web.py leaves them out),
  // so it does not claim the adapter protocol's `open` and skips those vectors.
  claimed = new Set(features().filter((f) => f !== "open"));
  const fieldset = $("builtin-spifs");
  DATA.policies.forEach((p, i) => {
    try {
      policies.builtin.push(loadPolicy(p.name, fromBase64(p.bytes), "built in"));
      const id = `builtin-spif-${i}`;
      fieldset.append(el("div", {}, el("input", { type: "checkbox", id, value: String(policies.builtin.length - 1) }),
        " ", el("label", { for: id }, `${policies.builtin.at(-1).policy.name} (${p.name})`)));
    } catch (e) {
      fieldset.append(el("p", { class: "error" }, `${p.name}: ${describe(e)}`));
    }
  });
  refreshPolicySelect();
  renderVectorList();
  wire();
  $("provider").textContent = `${new VerifyContext().providerName} provider in WebAssembly`;
  status.textContent = `Ready: ${conformance.vectors.length} vectors, ${REGISTRY.size} status codes.`;
  document.body.dataset.ready = "true";
}

main();
