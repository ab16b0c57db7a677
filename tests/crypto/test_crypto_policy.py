"""The crypto policy (dataguard.crypto.hazmat.policy) and a grep of the source tree for weak
algorithms (Feishu: no MD5, DES or SHA-1; standards.md §3)."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

from dataguard.crypto.hazmat.policy import ALLOWED, check_algorithm, is_weak
from dataguard.errors import UsageError

ROOT = Path(__file__).resolve().parents[2]
POLICY = ROOT / "dataguard" / "crypto" / "hazmat" / "policy.py"
HAZMAT = ROOT / "dataguard" / "crypto" / "hazmat"


@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_allowed_names_are_their_own_canonical_form(name: str) -> None:
    assert check_algorithm(name) == name
    assert not is_weak(name)


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        ("aes_256_gcm", "AES-256-GCM"),
        ("AES256-GCM", "AES-256-GCM"),
        (" aes-256-gcm ", "AES-256-GCM"),
        ("HMAC-SHA256", "HMAC-SHA-256"),
        ("hmac/sha-256", "HMAC-SHA-256"),
        ("sha256", "SHA-256"),
        ("sm4 gcm", "SM4-GCM"),
        ("AES-SIV", "AES-256-SIV"),
        ("argon2id", "ARGON2ID"),
        ("rsa-3072", "RSA-3072"),
    ],
)
def test_spellings(spelling: str, canonical: str) -> None:
    assert check_algorithm(spelling) == canonical


@pytest.mark.parametrize(
    "name",
    [
        "MD5",
        "md5",
        "HMAC-MD5",
        "MD4",
        "SHA-1",
        "SHA1",
        "sha1",
        "HMAC-SHA1",
        "hmac_sha1",
        "DES",
        "DES-CBC",
        "3DES",
        "TripleDES",
        "Triple DES",
        "DESede",
        "DES-EDE3-CBC",
        "RC4",
        "ARC4",
        "arcfour",
        "RC2",
        "AES-256-ECB",
        "SM4-ECB",
        "aes/ecb/pkcs5padding",
        "AES-128-GCM",
        "AES128-GCM",
        "aes-192-cbc",
        "RSA-1024",
        "RSA1024",
        "rsa-512",
        "Blowfish",
        "SHA-224",
    ],
)
def test_weak_names_are_refused_citing_feishu(name: str) -> None:
    assert is_weak(name)
    with pytest.raises(UsageError) as exc:
        check_algorithm(name)
    message = str(exc.value)
    assert repr(name) in message
    assert "Feishu" in message
    assert "standards.md §3" in message
    assert "AES-256-GCM" in message  # says what to use instead


@pytest.mark.parametrize("name", ["ROT13", "AES-256-CBC", "RSA", "ChaCha20", "", "SM2"])
def test_unknown_names_are_refused_listing_the_allowed(name: str) -> None:
    assert not is_weak(name)
    with pytest.raises(UsageError, match="AES-256-GCM, AES-256-KW"):
        check_algorithm(name)


# -- the source tree holds no weak algorithm -------------------------------------------------

# Call sites and names of weak primitives as Python code would spell them.
FORBIDDEN = re.compile(
    r"hashlib\.md5|hashlib\.sha1|\bMD5\(|\bSHA1\(|TripleDES|ARC4|modes\.ECB"
    r"|hashlib\.new\(\s*['\"](?:md5|sha1)['\"]"
)
SOURCE_DIRS = ("dataguard", "recognizers", "cli")


def _code_without_strings(path: Path) -> str:
    """The code of *path* without string literals and comments: the policy's name tables."""
    kept = []
    skip = {tokenize.STRING, tokenize.COMMENT}
    fstring_middle = getattr(tokenize, "FSTRING_MIDDLE", None)
    if fstring_middle is not None:
        skip.add(fstring_middle)
    for tok in tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline):
        if tok.type not in skip:
            kept.append(tok.string)
    return " ".join(kept)


def test_no_weak_algorithm_in_the_source_tree() -> None:
    offenders = []
    files = [p for d in SOURCE_DIRS for p in sorted((ROOT / d).rglob("*.py"))]
    assert len(files) > 50
    assert POLICY in files
    for path in files:
        text = _code_without_strings(path) if path == POLICY else path.read_text("utf-8")
        offenders += [f"{path.relative_to(ROOT)}: {m.group()}" for m in FORBIDDEN.finditer(text)]
    assert offenders == []


def test_the_grep_would_catch_a_weak_call() -> None:
    assert FORBIDDEN.search("digest = hashlib.md5(data).hexdigest()")
    assert FORBIDDEN.search("Cipher(algorithms.AES(k), modes.ECB())")
    assert FORBIDDEN.search("algorithms.TripleDES(key)")
    assert FORBIDDEN.search('hashlib.new("sha1", data)')
    assert not FORBIDDEN.search("hashlib.sha256(data)")


def test_hazmat_never_imports_the_recipes() -> None:
    """architecture.md, convention 9: hazmat imports only hazmat (and errors) of dataguard."""
    for path in sorted(HAZMAT.glob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                if name.startswith("dataguard"):
                    assert name.startswith(("dataguard.crypto.hazmat", "dataguard.errors")), (
                        f"{path.name} imports {name}"
                    )
