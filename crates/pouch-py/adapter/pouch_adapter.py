#!/usr/bin/env python3
"""The Pouch conformance adapter over the Python binding (spec/07-conformance.md §7.2).

    pouch_adapter.py features
    pouch_adapter.py verify --envelope F [--payload F] [--trust B] [--seal-policy P]
        [--at T] [--policy SPIF]... [--recipient C] [--clearance F]

Everything goes through the ``pouch`` module: this script only reads the files it is
given and maps the outcome to the protocol. ``POUCH_ADAPTER_PROVIDER`` names the crypto
provider (``aws-lc`` or ``rustcrypto``), as for the reference adapter.
"""

import json
import os
import sys

import pouch

EXIT_USAGE = 2  # a bad command line, or an option this adapter does not implement
EXIT_IO = 4  # an input file that cannot be read or loaded

USAGE = (
    "usage: pouch_adapter.py features | verify --envelope F [--payload F] [--trust B] "
    "[--seal-policy P] [--at T] [--policy SPIF]... [--recipient C [--clearance F]]"
)
OPTIONS = {
    "--envelope",
    "--payload",
    "--trust",
    "--seal-policy",
    "--at",
    "--recipient",
    "--clearance",
}


class Fail(Exception):
    """Ends the run: nothing on stdout, one line on stderr, this status."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def provider():
    return os.environ.get("POUCH_ADAPTER_PROVIDER") or None


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise Fail(EXIT_IO, f"{path}: {e.strerror}") from None


def parse(args):
    opts, policies = {}, []
    it = iter(args)
    for flag in it:
        value = next(it, None)
        if value is None:
            raise Fail(EXIT_USAGE, f"{flag} needs a value")
        if flag == "--policy":
            policies.append(value)
        elif flag in OPTIONS:
            opts[flag] = value
        else:
            raise Fail(EXIT_USAGE, f"unknown option {flag}")
    if "--envelope" not in opts:
        raise Fail(EXIT_USAGE, "--envelope is required")
    if "--clearance" in opts and "--recipient" not in opts:
        raise Fail(EXIT_USAGE, "--clearance needs --recipient")
    return opts, policies


def verify(args):
    opts, policies = parse(args)
    try:
        ctx = pouch.VerifyContext(provider())
        if "--seal-policy" in opts:
            ctx.set_seal_policy(opts["--seal-policy"])
        if "--at" in opts:
            ctx.set_at(opts["--at"])
    except pouch.ArgumentError as e:
        raise Fail(EXIT_USAGE, str(e)) from None
    try:
        for path in policies:
            ctx.add_policy(pouch.Policy.load(read(path)))
        # The trust bundle first: a recipient without one is refused (POUCH-POL-085).
        if "--trust" in opts:
            ctx.set_trust_file(opts["--trust"])
        if "--recipient" in opts:
            clearance = opts.get("--clearance")
            ctx.set_recipient(
                opts["--recipient"], read(clearance) if clearance else None
            )
    except pouch.PouchError as e:
        raise Fail(EXIT_IO, str(e)) from None
    envelope = read(opts["--envelope"])
    payload = read(opts["--payload"]) if "--payload" in opts else None
    report = ctx.verify(envelope, payload)
    print(report.json)
    return report.exit_class


def main(argv):
    try:
        if argv == ["features"]:
            # The malformed-input corpus feeds the adapter about 4,000 mutated envelopes, one
            # process each: too slow with an interpreter's start-up in CI. The bytes go
            # through the same pouch-api decoder the C adapter runs the corpus against, so
            # this adapter leaves the feature unclaimed (the corpus is then skipped).
            features = [f for f in pouch.adapter_features(provider()) if f != "malformed"]
            print(json.dumps(features))
            return 0
        if argv[:1] == ["verify"]:
            return verify(argv[1:])
        raise Fail(EXIT_USAGE, USAGE)
    except pouch.ArgumentError as e:
        raise Fail(EXIT_USAGE, str(e)) from None


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Fail as e:
        print(e, file=sys.stderr)
        sys.exit(e.status)
