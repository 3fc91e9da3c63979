"""Envelopes made by other tools, verified by Pouch.

A PKI is made with the `openssl` command (a root and an intermediate CA per nation, CRLs from
`openssl ca -gencrl`, signers with id-kp-documentSigning), and envelopes are made with pycose
from the text of spec/03-envelope.md alone: a tagged COSE_Sign whose body protected header
holds `crit` and the `"pouch"` envelope header with a label, and whose seals carry `alg`,
`crit`, `x5chain` and the seal header. Pouch's own code makes none of these bytes. Then
`pouch verify` must find each one valid and its signer trusted, and must refuse each
variation with the code the spec gives it. The other way, an envelope `pouch seal` makes with
the openssl key must decode in pycose and its signature verify there. Last, a record encrypted
to an openssl-made P-384 encryption certificate (keyAgreement) must open with the openssl key,
as PKCS #8 and as SEC 1.

Usage: pycose_envelopes.py POUCH_BINARY WORKDIR
Exits non-zero, naming the case, when Pouch's verdict differs from the expected one.
"""

import datetime
import json
import os
import subprocess
import sys

import cbor2
from cryptography.hazmat.primitives import serialization
from pycose.algorithms import Es256, Es384, Ps256
from pycose.headers import Algorithm, Critical, X5chain, ContentType
from pycose.keys import CoseKey
from pycose.messages import SignMessage
from pycose.messages.signer import CoseSignature

# Every certificate and CRL starts when it is made, so the seals are signed after the PKI
# exists (set in main) and verified a minute later.
SIGNED = None
AT = None
DOCUMENT_SIGNING = "1.3.6.1.5.5.7.3.36"


def sh(*args, cwd):
    out = subprocess.run(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if out.returncode != 0:
        sys.exit(f"interop: {' '.join(args)} failed in {cwd}:\n{out.stderr}")


CA_CONF = """
[ca]
default_ca = ca_default
[ca_default]
dir = {dir}
database = {dir}/index.txt
serial = {dir}/serial
crlnumber = {dir}/crlnumber
new_certs_dir = {dir}
default_md = sha384
default_crl_days = 30
policy = any
certificate = {dir}/{name}.pem
private_key = {dir}/{name}.key
[any]
countryName = optional
organizationName = optional
commonName = supplied
[req]
distinguished_name = dn
[dn]
[v3_root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[v3_int]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[v3_encrypt]
basicConstraints = critical, CA:FALSE
keyUsage = critical, keyAgreement
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[v3_signer]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = {eku}
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""


def make_ca_dir(work, name):
    d = os.path.join(work, name)
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, "index.txt"), "w").close()
    with open(os.path.join(d, "serial"), "w") as f:
        f.write("1000\n")
    with open(os.path.join(d, "crlnumber"), "w") as f:
        f.write("01\n")
    with open(os.path.join(d, "ca.cnf"), "w") as f:
        f.write(CA_CONF.format(dir=d, name=name, eku=DOCUMENT_SIGNING))
    return d


def pki(work):
    """Norway: root (P-384) > intermediate (P-384) > signers (P-256, P-384, RSA-2048)."""
    root = make_ca_dir(work, "root")
    sh("openssl", "ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out", "root.key", cwd=root)
    sh("openssl", "req", "-new", "-x509", "-key", "root.key", "-out", "root.pem", "-days", "3650",
       "-subj", "/C=NO/O=Interop Norway/CN=Interop Root", "-config", "ca.cnf",
       "-extensions", "v3_root", "-set_serial", "1", cwd=root)
    inter = make_ca_dir(work, "intermediate")
    sh("openssl", "ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out", "intermediate.key",
       cwd=inter)
    sh("openssl", "req", "-new", "-key", "intermediate.key", "-out", "intermediate.csr",
       "-subj", "/C=NO/O=Interop Norway/CN=Interop Intermediate", "-config", "ca.cnf", cwd=inter)
    sh("openssl", "ca", "-batch", "-config", os.path.join(root, "ca.cnf"), "-extensions", "v3_int",
       "-in", "intermediate.csr", "-out", "intermediate.pem", "-days", "1825", "-notext", cwd=inter)
    signers = {}
    for alg, keygen in [
        ("ES256", ["openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout"]),
        ("ES384", ["openssl", "ecparam", "-name", "secp384r1", "-genkey", "-noout"]),
        ("PS256", ["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]),
        ("REVOKED", ["openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout"]),
    ]:
        sh(*keygen, "-out", f"{alg}.key", cwd=inter)
        sh("openssl", "req", "-new", "-key", f"{alg}.key", "-out", f"{alg}.csr",
           "-subj", f"/C=NO/O=Interop Norway/CN=Interop signer {alg}", "-config", "ca.cnf",
           cwd=inter)
        sh("openssl", "ca", "-batch", "-config", "ca.cnf", "-extensions", "v3_signer",
           "-in", f"{alg}.csr", "-out", f"{alg}.pem", "-days", "365", "-notext", cwd=inter)
        signers[alg] = (os.path.join(inter, f"{alg}.key"), os.path.join(inter, f"{alg}.pem"))
    # Norway's P-384 encryption key and certificate (keyAgreement), for DHKEM(P-384).
    sh("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:secp384r1",
       "-out", "ENCRYPT.key", cwd=inter)
    sh("openssl", "req", "-new", "-key", "ENCRYPT.key", "-out", "ENCRYPT.csr",
       "-subj", "/C=NO/O=Interop Norway/CN=Interop encryption", "-config", "ca.cnf", cwd=inter)
    sh("openssl", "ca", "-batch", "-config", "ca.cnf", "-extensions", "v3_encrypt",
       "-in", "ENCRYPT.csr", "-out", "ENCRYPT.pem", "-days", "365", "-notext", cwd=inter)
    signers["ENCRYPT"] = (os.path.join(inter, "ENCRYPT.key"), os.path.join(inter, "ENCRYPT.pem"))
    sh("openssl", "ca", "-config", "ca.cnf", "-revoke", "REVOKED.pem", "-crl_reason", "keyCompromise",
       cwd=inter)
    for d, name in [(root, "root"), (inter, "intermediate")]:
        sh("openssl", "ca", "-gencrl", "-config", "ca.cnf", "-out", f"{name}.crl.pem", cwd=d)
        sh("openssl", "crl", "-in", f"{name}.crl.pem", "-outform", "DER", "-out", f"{name}.crl",
           cwd=d)
    bundle = os.path.join(work, "bundle.toml")
    with open(bundle, "w") as f:
        f.write(
            'format = 1\ndescription = "made with the openssl command"\n\n'
            '[[nation]]\ncode = "NOR"\ncountry = "NO"\n'
            'anchors = ["root/root.pem"]\nintermediates = ["intermediate/intermediate.pem"]\n'
            'crls = ["root/root.crl", "intermediate/intermediate.crl"]\n\n'
            '[[nation.authorisation]]\npolicy = "NATO"\n'
            'classifications = ["UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL", "SECRET"]\n\n'
            '[[nation.authorisation]]\npolicy = "POUCH-DEMO"\n'
            'classifications = ["UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL", "SECRET"]\n'
        )
    return bundle, signers, os.path.join(inter, "intermediate.pem")


def der_of(pem_path):
    from cryptography import x509

    return x509.load_pem_x509_certificate(open(pem_path, "rb").read()).public_bytes(
        serialization.Encoding.DER
    )


def label(classification):
    # spec/02-label.md §2.4: {1: {1: policy, 3: classification}, 3: 0(creation time)}
    return {1: {1: "NATO", 3: classification}, 3: cbor2.CBORTag(0, "2026-12-01T10:00:00Z")}


def envelope(alg_cls, key_path, chain, payload, classification="SECRET", role=1, tamper=None):
    key = CoseKey._from_cryptography_key(
        serialization.load_pem_private_key(open(key_path, "rb").read(), password=None)
    )
    # Keys in deterministic order (RFC 8949 §4.2.1: bytewise order of their encodings):
    # 2, 3, then the text key "pouch"; inside the maps, integers ascending.
    body = {
        Critical: ["pouch"],
        ContentType: "text/plain",
        "pouch": {
            1: 1,
            2: bytes(range(16)),
            3: cbor2.CBORTag(0, "2026-12-01T10:00:00Z"),
            4: label(classification),
        },
    }
    seal_header = {
        Algorithm: alg_cls,
        Critical: ["pouch"],
        X5chain: chain,
        "pouch": {1: cbor2.CBORTag(0, SIGNED), 2: role},
    }
    signer = CoseSignature(phdr=seal_header, uhdr={}, key=key)
    msg = SignMessage(phdr=body, uhdr={}, payload=payload, signers=[signer])
    data = msg.encode(tag=True)
    if tamper:
        data = tamper(data)
    return data


def verify(pouch, bundle, path):
    out = subprocess.run(
        [pouch, "verify", "--json", "--trust", bundle, "--at", AT, path],
        capture_output=True,
        text=True,
    )
    report = json.loads(out.stdout) if out.stdout.strip().startswith("{") else None
    return out.returncode, report, out.stderr


def codes(report):
    found = set()

    def walk(v):
        if isinstance(v, dict):
            if "code" in v:
                found.add(v["code"])
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk(report)
    return found


def encryption(pouch, work, bundle, signers, inter_pem):
    """Encrypt to Norway's openssl-made P-384 certificate and open with its openssl key, under
    the demo SPIF (written by `pouch pki demo`, the one input Pouch makes here)."""
    failures = []
    demo = os.path.join(work, "demo")
    subprocess.run([pouch, "pki", "demo", "--out", demo], check=True, capture_output=True)
    spif = os.path.join(demo, "policies", "pouch-demo.spif.xml")
    label = os.path.join(work, "enc-label.json")
    with open(label, "w") as f:
        json.dump({"confidentialityInformation": {
            "policyIdentifier": "POUCH-DEMO", "classification": "SECRET",
            "categories": [{"tagName": "Releasable To", "type": "PERMISSIVE", "values": ["NOR"]}]},
            "creationDateTime": SIGNED, "reviewDateTime": "2036-11-28T00:00:00Z"}, f)
    enc_key, enc_cert = signers["ENCRYPT"]
    enc_chain = os.path.join(work, "enc-chain.pem")
    with open(enc_chain, "wb") as f:
        f.write(open(enc_cert, "rb").read() + open(inter_pem, "rb").read())
    key, cert = signers["ES384"]
    record = os.path.join(work, "secret.txt")
    with open(record, "wb") as f:
        f.write(b"for Norway's eyes, encrypted to an openssl-made certificate\n" * 500)
    sealed = os.path.join(work, "encrypted.cbor")
    out = subprocess.run([pouch, "seal", "--label", label, "--key", key,
                          "--cert", os.path.join(work, "chain.pem"),
                          "--encrypt-to", "NOR", "--recipient-cert", f"NOR={enc_chain}",
                          "--trust", bundle, "--policy", spif, "-o", sealed, record],
                         capture_output=True, text=True)
    if out.returncode != 0:
        return [f"seal --encrypt-to NOR (openssl P-384 certificate): exit {out.returncode}: "
                f"{out.stderr.strip()}"]
    # The key as `openssl genpkey` wrote it (PKCS #8), then as `openssl ec` writes it (SEC 1).
    sec1 = os.path.join(work, "enc-sec1.key")
    sh("openssl", "ec", "-in", enc_key, "-out", sec1, cwd=work)
    for form, key_file in [("PKCS #8", enc_key), ("SEC 1", sec1)]:
        plain = os.path.join(work, f"opened-{form[:3]}.txt")
        out = subprocess.run([pouch, "open", sealed, "--key", key_file, "--cert", enc_chain,
                              "--trust", bundle, "--policy", spif, "-o", plain],
                             capture_output=True, text=True)
        if out.returncode != 0 or open(plain, "rb").read() != open(record, "rb").read():
            failures.append(f"open with the openssl P-384 key as {form}: exit {out.returncode}: "
                            f"{out.stderr.strip()} {out.stdout.strip()[:300]}")
        else:
            print(f"ok encrypted to an openssl-made P-384 certificate, opened with its key as {form}")
    return failures


def main():
    pouch, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    bundle, signers, inter_pem = pki(work)
    global SIGNED, AT
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    SIGNED = (now + datetime.timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    AT = (now + datetime.timedelta(seconds=60)).strftime("%Y-%m-%dT%H:%M:%SZ")
    inter_der = der_of(inter_pem)
    cases = []
    for name, cls in [("ES256", Es256), ("ES384", Es384), ("PS256", Ps256)]:
        key, cert = signers[name]
        chain = [der_of(cert), inter_der]
        cases.append((f"pycose-{name}", envelope(cls, key, chain, b"record from pycose"), 0,
                      {"envelope.well-formed", "seal.signature-valid", "trust.signer-trusted"}))
    key, cert = signers["ES256"]
    chain = [der_of(cert), inter_der]

    def flip_payload(data):
        i = data.index(b"record from pycose")
        return data[:i] + bytes([data[i] ^ 1]) + data[i + 1:]

    cases.append(("pycose-tampered-payload",
                  envelope(Es256, key, chain, b"record from pycose", tamper=flip_payload), 10,
                  {"seal.signature-invalid"}))
    cases.append(("pycose-leaf-only-chain",
                  envelope(Es256, key, der_of(cert), b"record from pycose"), 0,
                  {"trust.signer-trusted"}))
    cases.append(("pycose-top-secret-unauthorised",
                  envelope(Es256, key, chain, b"record", classification="TOP SECRET"), 13,
                  {"trust.signer-trusted", "trust.unauthorised-classification"}))
    key, cert = signers["REVOKED"]
    cases.append(("pycose-revoked-signer",
                  envelope(Es256, key, [der_of(cert), inter_der], b"record"), 13,
                  {"seal.signature-valid", "trust.revoked"}))
    failures = []
    for name, data, want_exit, want_codes in cases:
        path = os.path.join(work, f"{name}.cbor")
        with open(path, "wb") as f:
            f.write(data)
        code, report, err = verify(pouch, bundle, path)
        got = codes(report) if report else set()
        if code != want_exit or not want_codes <= got:
            failures.append(f"{name}: exit {code} (want {want_exit}), codes {sorted(got)} "
                            f"(want at least {sorted(want_codes)}); stderr: {err.strip()}")
        else:
            print(f"ok {name}: exit {code}, {sorted(want_codes)}")
    # The other way: an envelope sealed by `pouch seal` with the openssl-made key (SEC 1, as
    # `openssl ecparam` wrote it) decodes in pycose and its signature verifies there.
    key, cert = signers["ES384"]
    with open(os.path.join(work, "label.json"), "w") as f:
        json.dump({"confidentialityInformation": {"policyIdentifier": "NATO",
                                                  "classification": "SECRET"},
                   "creationDateTime": SIGNED}, f)
    with open(os.path.join(work, "record.txt"), "wb") as f:
        f.write(b"record from pouch")
    with open(os.path.join(work, "chain.pem"), "wb") as f:
        f.write(open(cert, "rb").read() + open(inter_pem, "rb").read())
    sealed = os.path.join(work, "pouch-sealed.cbor")
    out = subprocess.run([pouch, "seal", "--label", os.path.join(work, "label.json"), "--key", key,
                          "--cert", os.path.join(work, "chain.pem"), "-o", sealed,
                          os.path.join(work, "record.txt")], capture_output=True, text=True)
    if out.returncode != 0:
        failures.append(f"pouch seal with the openssl key: exit {out.returncode}: {out.stderr}")
    else:
        from cryptography import x509
        from pycose.messages import CoseMessage

        msg = CoseMessage.decode(open(sealed, "rb").read())
        seal = msg.signers[0]
        chain = seal.phdr[X5chain]
        leaf = chain[0] if isinstance(chain, list) else chain
        public = x509.load_der_x509_certificate(leaf).public_key()
        seal.key = CoseKey._from_cryptography_key(public)
        if msg.payload != b"record from pouch" or not seal.verify_signature():
            failures.append("pouch-sealed envelope: pycose does not verify its signature")
        else:
            print("ok pouch-sealed envelope: pycose decodes it and verifies the ES384 seal")
    failures.extend(encryption(pouch, work, bundle, signers, inter_pem))
    if failures:
        print("\n".join(failures), file=sys.stderr)
        sys.exit(1)
    print(f"interop: {len(cases)} envelopes made by pycose on an openssl PKI, every verdict as "
          "expected; one sealed by pouch verified by pycose; a record encrypted to an "
          "openssl-made P-384 certificate opened with its openssl key")


if __name__ == "__main__":
    main()
