#!/usr/bin/env python3
"""Checks Porte's Flet-compatible encryption against Python's `cryptography`, both ways.

Usage: scripts/flet-crypto-check.py PATH/TO/flet_crypto

PATH/TO/flet_crypto is the built example, e.g. after
`cargo build -p porte-flet --example flet_crypto --release` it is
`$CARGO_TARGET_DIR/release/examples/flet_crypto` (debug builds work too, at ~5 s a derivation).

1. Python encrypts fresh plaintexts with a random secret; the Rust CLI decrypts them.
2. The Rust CLI encrypts plaintexts; Python decrypts them.
Plus: a wrong secret and damaged text are refused on both sides.

Python's side uses `flet.security` when Flet is installed, otherwise a copy of its two
functions (flet-dev/flet, sdk/python/packages/flet/src/flet/security/__init__.py). Needs Python
3.11 and `cryptography` (`pip install cryptography`). Prints `ok - ...` lines; exits non-zero on
the first failure.
"""

import base64
import os
import secrets
import subprocess
import sys

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC


def _key(secret_key: str, salt: bytes) -> bytes:
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=600000)
    return base64.urlsafe_b64encode(kdf.derive(secret_key.encode("utf-8")))


def _encrypt(plain_text: str, secret_key: str) -> str:
    salt = os.urandom(16)
    token = Fernet(_key(secret_key, salt)).encrypt(plain_text.encode("utf-8"))
    return base64.urlsafe_b64encode(salt + token).decode()


def _decrypt(encrypted_data: str, secret_key: str) -> str:
    data = base64.urlsafe_b64decode(encrypted_data)
    return Fernet(_key(secret_key, data[:16])).decrypt(data[16:]).decode("utf-8")


try:
    from flet.security import decrypt as py_decrypt
    from flet.security import encrypt as py_encrypt

    PY_SIDE = "flet.security"
except ImportError:
    py_encrypt, py_decrypt = _encrypt, _decrypt
    PY_SIDE = "a copy of flet.security"

PLAINTEXTS = {
    "empty": "",
    "ascii": "hello, Flet",
    "unicode": "héllo wörld – ✓ 日本語 🦀",
    "multi-line": "line 1\nline 2\r\n\ttabbed\n",
    "long": "0123456789abcdef" * 256 + "!",
}


def fail(message: str) -> None:
    print(f"not ok - {message}")
    sys.exit(1)


def rust(binary: str, mode: str, secret: str, stdin: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [binary, mode, secret], input=stdin.encode("utf-8"), capture_output=True, timeout=300
    )


def rust_ok(binary: str, mode: str, secret: str, stdin: str) -> str:
    done = rust(binary, mode, secret, stdin)
    if done.returncode != 0:
        fail(f"rust {mode} exited {done.returncode}: {done.stderr.decode(errors='replace')}")
    return done.stdout.decode("utf-8")


def main() -> None:
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        sys.exit(2)
    binary = sys.argv[1]
    secret = secrets.token_urlsafe(24) + " – ñ 🔑"  # random, and not ASCII-only
    print(f"# Python side: {PY_SIDE}; secret {secret!r}")

    # 1. Python encrypts, Rust decrypts (Rust prints the plaintext with nothing added).
    for name, plain in PLAINTEXTS.items():
        token = py_encrypt(plain, secret)
        got = rust_ok(binary, "decrypt", secret, token)
        if got != plain:
            fail(f"rust decrypt of Python's {name} plaintext: {got!r} != {plain!r}")
        print(f"ok - Python encrypt -> Rust decrypt: {name} ({len(token)} chars)")

    # 2. Rust encrypts (stdin taken byte for byte), Python decrypts.
    tokens = {}
    for name, plain in PLAINTEXTS.items():
        token = rust_ok(binary, "encrypt", secret, plain).removesuffix("\n")
        tokens[name] = token
        try:
            got = py_decrypt(token, secret)
        except (InvalidToken, ValueError) as e:
            fail(f"Python decrypt of Rust's {name} token: {type(e).__name__} {e}")
        if got != plain:
            fail(f"Python decrypt of Rust's {name} token: {got!r} != {plain!r}")
        print(f"ok - Rust encrypt -> Python decrypt: {name} ({len(token)} chars)")

    if tokens["ascii"] == rust_ok(binary, "encrypt", secret, PLAINTEXTS["ascii"]).strip():
        fail("Rust encrypt gave the same token twice (the salt must be random)")
    print("ok - Rust encrypt is randomized")

    # 3. Refusals: a wrong secret, and damaged text, on both sides.
    wrong = secret + "x"
    try:
        py_decrypt(tokens["ascii"], wrong)
        fail("Python decrypted Rust's token with a wrong secret")
    except InvalidToken:
        print("ok - Python refuses Rust's token under a wrong secret")
    py_token = py_encrypt(PLAINTEXTS["ascii"], secret)
    done = rust(binary, "decrypt", wrong, py_token)
    if done.returncode != 1 or done.stdout:
        fail(f"Rust decrypt with a wrong secret: exit {done.returncode}, stdout {done.stdout!r}")
    print(f"ok - Rust refuses Python's token under a wrong secret: {done.stderr.decode().strip()}")
    raw = bytearray(base64.urlsafe_b64decode(py_token))
    # One base64 character of the Fernet token's HMAC swapped for another: still well formed.
    raw[-5] = ord("B") if raw[-5] == ord("A") else ord("A")
    damaged = base64.urlsafe_b64encode(bytes(raw)).decode()
    for name, text in {"damaged": damaged, "truncated": py_token[:40], "garbage": "!!"}.items():
        done = rust(binary, "decrypt", secret, text)
        if done.returncode != 1 or done.stdout:
            fail(f"Rust decrypt of {name} text: exit {done.returncode}, stdout {done.stdout!r}")
        print(f"ok - Rust refuses {name} text: {done.stderr.decode().strip()}")


if __name__ == "__main__":
    main()
