"""Minimal helpers for driving folio with raw boto3: Ion binary encoding and Ion Hash for
strings and ints, and the QLDB CommitDigest fold (spec/wire-and-drivers.md section 4)."""
import hashlib
import os

import boto3

IVM = b"\xe0\x01\x00\xea"


def _varuint_len(n):
    out = [0x80 | (n & 0x7F)]
    n >>= 7
    while n:
        out.insert(0, n & 0x7F)
        n >>= 7
    return bytes(out)


def _tl(t, body):
    if len(body) < 14:
        return bytes([t << 4 | len(body)]) + body
    return bytes([t << 4 | 14]) + _varuint_len(len(body)) + body


def ion_binary(v):
    """One Ion value (str or int) as a self-contained binary stream."""
    if isinstance(v, str):
        return IVM + _tl(8, v.encode())
    if isinstance(v, int):
        mag = abs(v).to_bytes((abs(v).bit_length() + 7) // 8, "big") if v else b""
        return IVM + _tl(2 if v >= 0 else 3, mag)
    raise TypeError(v)


def _escape(b):
    out = bytearray()
    for c in b:
        if c in (0x0B, 0x0E, 0x0C):
            out.append(0x0C)
        out.append(c)
    return bytes(out)


def ion_hash(v):
    if isinstance(v, str):
        s = b"\x0b\x80" + _escape(v.encode()) + b"\x0e"
    elif isinstance(v, int):
        mag = abs(v).to_bytes((abs(v).bit_length() + 7) // 8, "big") if v else b""
        s = b"\x0b" + (b"\x20" if v >= 0 else b"\x30") + _escape(mag) + b"\x0e"
    else:
        raise TypeError(v)
    return hashlib.sha256(s).digest()


def _cmp(a, b):
    for i in range(31, -1, -1):
        x = a[i] - 256 if a[i] > 127 else a[i]
        y = b[i] - 256 if b[i] > 127 else b[i]
        if x != y:
            return x - y
    return 0


def dot(a, b):
    if not a:
        return b
    if not b:
        return a
    return hashlib.sha256(a + b if _cmp(a, b) < 0 else b + a).digest()


class Txn:
    """Tracks the CommitDigest of one transaction while sending its statements."""

    def __init__(self, client, token):
        self.client, self.token = client, token
        r = client.send_command(SessionToken=token, StartTransaction={})
        self.id = r["StartTransaction"]["TransactionId"]
        self.digest = ion_hash(self.id)

    def execute(self, statement, *params):
        s = ion_hash(statement)
        for p in params:
            s = dot(s, ion_hash(p))
        self.digest = dot(self.digest, s)
        return self.client.send_command(
            SessionToken=self.token,
            ExecuteStatement={"TransactionId": self.id, "Statement": statement,
                              "Parameters": [{"IonBinary": ion_binary(p)} for p in params]})

    def commit(self, digest=None):
        return self.client.send_command(
            SessionToken=self.token,
            CommitTransaction={"TransactionId": self.id, "CommitDigest": digest or self.digest})


def clients(secret=None, access_key=None):
    kw = dict(region_name=os.environ["FOLIO_REGION"], endpoint_url=os.environ["FOLIO_ENDPOINT"],
              aws_access_key_id=access_key or os.environ["FOLIO_ACCESS_KEY_ID"],
              aws_secret_access_key=secret or os.environ["FOLIO_SECRET_ACCESS_KEY"])
    from botocore.config import Config
    cfg = Config(retries={"max_attempts": 0})
    return boto3.client("qldb-session", config=cfg, **kw), boto3.client("qldb", config=cfg, **kw)


def start_session(client, ledger="default"):
    return client.send_command(StartSession={"LedgerName": ledger})["StartSession"]["SessionToken"]
