"""Pouch: labelled, signed envelopes (CBOR + COSE_Sign) carrying ADatP-4774 labels.

Type stubs for the native module. Every function takes and returns ``bytes`` for binary
data; JSON outputs of the API are returned as ``dict``; every error is a ``PouchError``.
"""

import os
from typing import Any, BinaryIO, Dict, List, Mapping, Optional, Sequence, Union

__version__: str

class PouchError(Exception):
    """Every error Pouch raises."""

    code: str
    """A registry status code (``label.malformed``...) or a stable class (``argument``...)."""
    exit_class: Optional[int]
    """The exit class of the error (``release.*`` 6, ``trust.*`` 13...); None for internal."""
    message: str
    """What was wrong, and where."""

class ArgumentError(PouchError):
    """An argument is not one the function accepts (code ``argument``)."""

class PrivateKeyError(PouchError):
    """The private key is not PKCS#8 of an algorithm the provider implements (``key``)."""

class CertificateError(PouchError):
    """The chain is not PEM certificates or one DER certificate (``certificate``)."""

class TrustBundleError(PouchError):
    """The trust bundle does not load (``trust-bundle``)."""

class SpifError(PouchError):
    """The security policy (SPIF) does not load (``spif``)."""

class ClearanceError(PouchError):
    """The clearance (JSON) does not load (``clearance``)."""

class LabelPolicyError(PouchError):
    """The label cannot be rendered, or is not resolved, under the policy (``label-policy``)."""

class CryptoError(PouchError):
    """The crypto backend failed (``crypto``)."""

class InternalError(PouchError):
    """A bug, never an input's fault (``internal``)."""

class LabelError(PouchError):
    """The label does not decode (``label.*``)."""

class EnvelopeError(PouchError):
    """The envelope does not decode (``envelope.*``)."""

class SealError(PouchError):
    """A seal of the envelope is wrong (``seal.*``)."""

class PayloadError(PouchError):
    """The detached record does not match its sealed digest (``payload.*``)."""

class TrustError(PouchError):
    """A certificate is not trusted under the bundle (``trust.*``, exit class 13)."""

class ReleaseDeniedError(PouchError):
    """The policy denies release to a nation (``release.*``, exit class 6)."""

class DecryptError(PouchError):
    """An encrypted envelope does not decrypt (``decrypt.*``, exit class 11)."""

class TrustBundle:
    """A loaded trust bundle: whose encryption certificates may be encrypted to."""

    @staticmethod
    def load(path: Union[str, os.PathLike[str]]) -> TrustBundle: ...
    @staticmethod
    def from_toml(text: str, files: Mapping[str, bytes]) -> TrustBundle: ...
    @property
    def nations(self) -> List[str]: ...

class Opened:
    """What ``VerifyContext.open`` found."""

    @property
    def ok(self) -> bool:
        """The plaintext decrypted and every chunk authenticated."""
    @property
    def exit_class(self) -> int: ...
    @property
    def nation(self) -> str: ...
    @property
    def written(self) -> Optional[int]: ...
    @property
    def report(self) -> Report: ...
    @property
    def plaintext(self) -> Optional[bytes]:
        """The plaintext when ``open`` had no ``out`` and it authenticated."""

class Policy:
    """A loaded security policy (Open XML SPIF 2.1)."""

    @staticmethod
    def load(spif: bytes) -> Policy:
        """Loads a SPIF (XML bytes); raises ``SpifError`` when it does not load."""
    @property
    def name(self) -> str:
        """The policy's name, e.g. ``POUCH-DEMO``."""
    @property
    def id(self) -> str:
        """The policy's identifier (an OID)."""
    @property
    def warnings(self) -> List[str]:
        """The warnings loading it gave."""

class SealReport:
    """What verification found about one seal."""

    @property
    def index(self) -> int: ...
    @property
    def algorithm(self) -> Optional[str]: ...
    @property
    def role(self) -> Optional[str]: ...
    @property
    def signer(self) -> Optional[str]: ...
    @property
    def nation(self) -> Optional[str]: ...
    @property
    def codes(self) -> List[str]:
        """The seal's status codes: header, algorithm, key, signature."""
    @property
    def trust(self) -> List[str]:
        """The trust stage's status codes (empty without a trust bundle)."""
    @property
    def signature_valid(self) -> bool: ...
    @property
    def signer_trusted(self) -> bool: ...

class Report:
    """The outcome of verifying one envelope: status codes per stage and per seal."""

    @property
    def json(self) -> str:
        """The report as one line of JSON (spec/07-conformance.md §7.5)."""
    def to_dict(self) -> Dict[str, Any]:
        """The report as a ``dict``."""
    @property
    def exit_class(self) -> int:
        """0 valid, 3 malformed, 10 seal, 11 payload, 13 trust, 12 seal policy,
        5 label invalid, 6 release denied."""
    @property
    def is_valid(self) -> bool:
        """No error in any envelope stage that ran (policy and release are apart)."""
    @property
    def signatures_valid(self) -> bool: ...
    @property
    def signers_trusted(self) -> bool: ...
    @property
    def label_valid(self) -> Optional[bool]: ...
    @property
    def releasable(self) -> Optional[bool]: ...
    @property
    def seals(self) -> List[SealReport]: ...
    @property
    def codes(self) -> List[str]:
        """Every status code of every stage, in pipeline order."""
    def has(self, code: str) -> bool:
        """Whether any stage carries the status code ``code``."""

class VerifyContext:
    """Everything a verification needs; configure once, verify many times."""

    def __init__(self, provider: Optional[str] = None) -> None: ...
    @property
    def provider_name(self) -> str: ...
    def set_trust(self, bundle_toml: str, files: Mapping[str, bytes]) -> None:
        """The trust bundle's TOML and the bytes of each file it names."""
    def set_trust_file(self, path: Union[str, os.PathLike[str]]) -> None:
        """The trust bundle from a file, with the files it names relative to it."""
    def clear_trust(self) -> None: ...
    def set_seal_policy(self, policy: str) -> None:
        """``"all"``, ``"hybrid"`` or ``"nations:T:A,B,..."``."""
    def set_at(self, at: Optional[str]) -> None:
        """The verification time (RFC 3339); ``None`` is the system clock."""
    def add_policy(self, policy: Policy) -> None: ...
    def set_recipient(
        self, recipient: Optional[str], clearance: Optional[bytes] = None
    ) -> None: ...
    def verify(
        self, envelope: bytes, payload: Optional[Union[bytes, BinaryIO]] = None
    ) -> Report:
        """Verifies ``envelope``; never raises for a bad envelope. ``payload``, the detached
        record, is bytes or a binary file-like object (streamed with ``read(n)``)."""
    def set_allowed_algs(self, algs: Optional[Union[str, Sequence[str]]]) -> None: ...
    def set_require_current_validity(self, require: bool) -> None: ...
    def set_max_chain(self, max: Optional[int]) -> None: ...
    def open(
        self,
        envelope: bytes,
        key: bytes,
        chain: bytes,
        *,
        payload: Optional[Union[bytes, BinaryIO]] = None,
        out: Optional[Union[str, os.PathLike[str], BinaryIO]] = None,
    ) -> Opened:
        """Verifies with release to the opener's nation, then decrypts (see the docs)."""

def seal_encrypted(
    label: bytes,
    record: Union[bytes, BinaryIO],
    key: bytes,
    chain: bytes,
    recipients: Sequence[bytes],
    trust: TrustBundle,
    policy: Policy,
    *,
    ciphertext: Optional[BinaryIO] = None,
    provider: Optional[str] = None,
    digest: Optional[str] = None,
    content_type: Optional[str] = None,
    location: Optional[str] = None,
    role: Optional[str] = None,
    alg: Optional[str] = None,
    signing_time: Optional[str] = None,
    force_release: Optional[Sequence[str]] = None,
) -> bytes: ...
def add_recipient(
    envelope: bytes,
    key: bytes,
    chain: bytes,
    new_recipient: bytes,
    trust: TrustBundle,
    policy: Policy,
    *,
    provider: Optional[str] = None,
    at: Optional[str] = None,
) -> bytes: ...
def kem_names() -> List[str]: ...

def seal(
    label: bytes,
    payload: bytes,
    key: bytes,
    chain: bytes,
    *,
    provider: Optional[str] = None,
    detached: bool = False,
    digest: Optional[str] = None,
    content_type: Optional[str] = None,
    location: Optional[str] = None,
    role: Optional[str] = None,
    alg: Optional[str] = None,
    signing_time: Optional[str] = None,
) -> bytes:
    """Seals ``payload`` under ``label``: a new envelope with one seal."""

def endorse(
    envelope: bytes,
    key: bytes,
    chain: bytes,
    *,
    provider: Optional[str] = None,
    role: Optional[str] = None,
    alg: Optional[str] = None,
    alternative_label: Optional[bytes] = None,
    release_to: Optional[Sequence[str]] = None,
    signing_time: Optional[str] = None,
) -> bytes:
    """Adds a seal to a verifying envelope; returns the new envelope."""

def inspect(envelope: bytes) -> Dict[str, Any]:
    """What the envelope says, without judging it."""

def label_convert(label: bytes, to: str, from_: Optional[str] = None) -> bytes:
    """Converts a label to ``"json"``, ``"xml"`` or ``"cbor"``."""

def label_check(label: bytes, policy: Optional[Policy] = None) -> Dict[str, Any]:
    """``{"codes": [{"code", "path", "detail"}...]}``."""

def label_render(
    label: bytes, policy: Optional[Policy] = None, lang: Optional[str] = None
) -> str:
    """The label's marking, or the SPIF's display marking with ``policy``."""

def policy_load(spif: bytes) -> Policy:
    """Loads a security policy (SPIF XML bytes)."""

def release(
    label: bytes, policy: Policy, recipient: str, clearance: Optional[bytes] = None
) -> Dict[str, Any]:
    """``{"policy", "recipient", "decision", "permitted", "codes"}``."""

def adapter_features(provider: Optional[str] = None) -> List[str]:
    """The features a conformance adapter over this binding claims."""

def provider_names() -> List[str]: ...
def default_provider_name() -> str: ...
