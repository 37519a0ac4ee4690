#!/usr/bin/env python3
"""Independent reference of WhatsApp's Noise XX (as guide §2 describes Baileys), used to
make the known-answer vectors in tests/unit/test_noise.c. Test-only; needs the Python
`cryptography` package. Run: python3 tests/interop/noise_kat.py

Fixed inputs: client static = 0x04*32, client ephemeral = 0x05*32, server static =
0x03*32, server ephemeral = 0x06*32 (private keys, clamped by X25519); the certificate
chain below was made by src/wa/cert.c with root 0x01*32, intermediate 0x02*32, XEdDSA
nonce Z = 0 (valid from 1000 to 4000000000)."""
import hashlib, hmac
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives import serialization

CHAIN = bytes.fromhex(
    "0a730a2f080810071a205dfedd3b6bd47f6fa28ee15d969d5bb0ea53774d488bdaf9df1c6e0124b3ef2220"
    "e8072880d0acf30e1240ab35c42db1f8a887216a05c3c5853bff58ac1b301cb6f9435f2e200d98f64f2a8d"
    "827f86523e6cf5483863da1db7e70d2d32afc83bb29a16b321dda47eed220212730a2f080710001a20ce8d"
    "3ad1ccb633ec7b70c17814a5c76ecd029685050d344745ba05870e587d5920e8072880d0acf30e12400333"
    "ca019efc62fca069e678f7d4e2475366c63274b5d285e91986d4b245cd5d5e609fa0b52824ab2caaa1cb78"
    "28c41498c778f8c02d6745effa1e46a4096b04")
PAYLOAD = b"client payload"


def kp(byte):
    k = X25519PrivateKey.from_private_bytes(bytes([byte]) * 32)
    return k, k.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def dh(priv, pub):
    return priv.exchange(X25519PublicKey.from_public_bytes(pub))


def hkdf(salt, ikm, n):
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    out, t, i = b"", b"", 1
    while len(out) < n:
        t = hmac.new(prk, t + bytes([i]), hashlib.sha256).digest()
        out, i = out + t, i + 1
    return out[:n]


def varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        out += bytes([b | (0x80 if n else 0)])
        if not n:
            return out


def field(num, data):
    return varint(num << 3 | 2) + varint(len(data)) + data


class State:
    def __init__(self):
        self.h = b"Noise_XX_25519_AESGCM_SHA256\0\0\0\0"
        self.ck = self.k = self.h
        self.n = 0
        self.auth(b"WA\x06\x03")

    def auth(self, x):
        self.h = hashlib.sha256(self.h + x).digest()

    def mix(self, secret):
        okm = hkdf(self.ck, secret, 64)
        self.ck, self.k, self.n = okm[:32], okm[32:], 0

    def iv(self, n):
        return b"\0" * 8 + n.to_bytes(4, "big")

    def enc(self, p):
        c = AESGCM(self.k).encrypt(self.iv(self.n), p, self.h)
        self.n += 1
        self.auth(c)
        return c

    def dec(self, c):
        p = AESGCM(self.k).decrypt(self.iv(self.n), c, self.h)
        self.n += 1
        self.auth(c)
        return p


def main():
    cs, cs_pub = kp(4)
    ce, ce_pub = kp(5)
    ss, ss_pub = kp(3)
    se, se_pub = kp(6)
    cli, srv = State(), State()
    cli.auth(ce_pub)
    hello = field(2, field(1, ce_pub))
    srv.auth(ce_pub)
    # server: e, ee, s, es, payload
    srv.auth(se_pub)
    srv.mix(dh(se, ce_pub))
    enc_s = srv.enc(ss_pub)
    srv.mix(dh(ss, ce_pub))
    enc_cert = srv.enc(CHAIN)
    server_hello = field(3, field(1, se_pub) + field(2, enc_s) + field(3, enc_cert))
    # client processing (guide §2.3 step 4)
    cli.auth(se_pub)
    cli.mix(dh(ce, se_pub))
    assert cli.dec(enc_s) == ss_pub
    cli.mix(dh(ce, ss_pub))
    assert cli.dec(enc_cert) == CHAIN
    enc_static = cli.enc(cs_pub)  # n = 1: the trap
    cli.mix(dh(cs, se_pub))
    enc_payload = cli.enc(PAYLOAD)
    finish = field(4, field(1, enc_static) + field(2, enc_payload))
    okm = hkdf(cli.ck, b"", 64)
    write, read = okm[:32], okm[32:]
    iv0 = b"\0" * 12
    print("client_hello", hello.hex())
    print("server_hello", server_hello.hex())
    print("client_finish", finish.hex())
    print("client_frame0_ping", AESGCM(write).encrypt(iv0, b"ping", None).hex())
    print("server_frame0_pong", AESGCM(read).encrypt(iv0, b"pong", None).hex())


if __name__ == "__main__":
    main()
