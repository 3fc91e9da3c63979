"""pycose's side of bench/compare.sh: decode and verify the same COSE_Sign envelopes that
the Rust example verify_files times, and print per algorithm the median over rounds of
nanoseconds per envelope (`pycose ALG NS`, `count ALG N`).

Usage: pycose_verify.py ROUNDS FILE...
       pycose_verify.py --probe FILE...   (say, per file, whether pycose decodes and verifies it)

Per envelope the timed work is what a gateway would do with pycose: CoseMessage.decode of
the bytes (tag 98, COSE_Sign), the first signer's leaf certificate taken from its x5chain
header, its public key looked up in a cache keyed by that certificate's bytes (built on
first sight, as Pouch's verifier caches parsed leaves), and Signer.verify_signature().
pycose checks the signature only: no chain, no validity period, no label rules.
"""

import sys
import time

from cryptography import x509
from pycose.headers import X5chain
from pycose.keys import EC2Key, OKPKey
from pycose.messages import CoseMessage

_KEYS = {}


def _key_for(leaf_der):
    key = _KEYS.get(leaf_der)
    if key is None:
        public = x509.load_der_x509_certificate(leaf_der).public_key()
        for cls in (EC2Key, OKPKey):
            if cls._supports_cryptography_key_type(public):
                key = cls._from_cryptography_key(public)
                break
        else:
            raise ValueError(f"pycose has no COSE key type for {type(public).__name__}")
        _KEYS[leaf_der] = key
    return key


def verify(data):
    msg = CoseMessage.decode(data)
    signer = msg.signers[0]
    chain = signer.phdr[X5chain]
    leaf = chain[0] if isinstance(chain, list) else chain
    signer.key = _key_for(leaf)
    return signer.verify_signature()


def alg_name(data):
    return CoseMessage.decode(data).signers[0].get_attr(
        __import__("pycose.headers", fromlist=["Algorithm"]).Algorithm
    ).fullname


def probe(paths):
    for p in paths:
        data = open(p, "rb").read()
        try:
            ok = verify(data)
            print(f"probe {p}: decoded, signature {'valid' if ok else 'INVALID'}")
        except Exception as e:  # report exactly what pycose refuses
            print(f"probe {p}: refused: {type(e).__name__}: {e}")


def main():
    if sys.argv[1] == "--probe":
        probe(sys.argv[2:])
        return
    rounds = int(sys.argv[1])
    groups = {}
    for p in sys.argv[2:]:
        data = open(p, "rb").read()
        if not verify(data):
            sys.exit(f"pycose: {p} does not verify")
        groups.setdefault(alg_name(data), []).append(data)
    for name, items in sorted(groups.items()):
        per = []
        for _ in range(max(rounds, 1)):
            t = time.perf_counter_ns()
            for data in items:
                if not verify(data):
                    sys.exit("pycose: verification failed while timing")
            per.append((time.perf_counter_ns() - t) / len(items))
        per.sort()
        print(f"count {name} {len(items)}")
        print(f"pycose {name} {per[len(per) // 2]:.0f}")


if __name__ == "__main__":
    main()
