"""boto3 (Debian botocore 1.29) against folio serve: session and control-plane flows with the
CommitDigest computed here, and every provokable error class checked by type."""
import os
import sys
import time
import unittest

from botocore.exceptions import ClientError

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qldb_util import Txn, clients, dot, ion_hash, start_session  # noqa: E402

TXN_TIMEOUT = int(os.environ.get("FOLIO_TXN_TIMEOUT_MS", "30000")) / 1000.0


class Boto3Session(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s, cls.q = clients()
        cls.token = start_session(cls.s)
        t = Txn(cls.s, cls.token)
        t.execute("CREATE TABLE Py")
        t.execute("CREATE INDEX ON Py (k)")
        r = t.commit()
        assert r["CommitTransaction"]["CommitDigest"] == t.digest

    def test_commit_digest_echo_and_idempotent_resend(self):
        t = Txn(self.s, self.token)
        t.execute("SELECT * FROM Py WHERE k = ?", "x")
        r = t.commit()
        self.assertEqual(r["CommitTransaction"]["CommitDigest"], t.digest)
        self.assertEqual(r["CommitTransaction"]["TransactionId"], t.id)
        self.assertIn("x-amzn-requestid", r["ResponseMetadata"]["HTTPHeaders"])
        self.assertIn("date", r["ResponseMetadata"]["HTTPHeaders"])
        again = t.commit()  # a resend of the same commit answers the same success
        self.assertEqual(again["CommitTransaction"]["CommitDigest"], t.digest)

    def test_insert_and_select_with_parameters(self):
        t = Txn(self.s, self.token)
        t.execute("INSERT INTO Py `{k: \"p1\", n: 5}`")
        r = t.execute("SELECT n FROM Py WHERE k = ?", "p1")
        vals = r["ExecuteStatement"]["FirstPage"]["Values"]
        self.assertEqual(len(vals), 1)
        self.assertTrue(vals[0]["IonBinary"].startswith(b"\xe0\x01\x00\xea"))
        t.commit()

    def test_bad_request_exceptions(self):
        E = self.s.exceptions.BadRequestException
        t = Txn(self.s, self.token)
        with self.assertRaises(E):
            t.execute("SELECT FROM WHERE")
        with self.assertRaises(E) as cm:
            t.commit(b"\x00" * 32)
        self.assertIn("Digests don't match", str(cm.exception))
        with self.assertRaises(E) as cm:
            self.s.send_command(SessionToken=self.token, ExecuteStatement={
                "TransactionId": t.id, "Statement": "SELECT * FROM Py", "Parameters": []})
        self.assertIn("No open transaction", str(cm.exception))
        t2 = Txn(self.s, self.token)
        with self.assertRaises(E) as cm:
            self.s.send_command(SessionToken=self.token, StartTransaction={})
        self.assertIn("Transaction already open", str(cm.exception))
        self.s.send_command(SessionToken=self.token, AbortTransaction={})
        self.s.send_command(SessionToken=self.token, AbortTransaction={})  # nothing open: fine
        with self.assertRaises(E):
            self.s.send_command(StartSession={"LedgerName": "no-such-ledger"})
        del t2

    def test_invalid_session_exceptions(self):
        E = self.s.exceptions.InvalidSessionException
        with self.assertRaises(E) as cm:
            self.s.send_command(SessionToken="AAAAAAAAAAAA", StartTransaction={})
        self.assertIn("No such session", str(cm.exception))
        tok = start_session(self.s)
        t = Txn(self.s, tok)
        time.sleep(TXN_TIMEOUT + 0.5)
        with self.assertRaises(E) as cm:
            t.execute("SELECT * FROM Py")
        self.assertRegex(str(cm.exception), "Transaction .* has expired")
        self.assertIn(t.id, str(cm.exception))
        self.s.send_command(SessionToken=tok, AbortTransaction={})
        Txn(self.s, tok).commit()  # the session stays usable
        self.s.send_command(SessionToken=tok, EndSession={})
        with self.assertRaises(E):
            self.s.send_command(SessionToken=tok, StartTransaction={})

    def test_occ_conflict_then_session_usable(self):
        setup = Txn(self.s, self.token)
        setup.execute("INSERT INTO Py `{k: \"occ\", n: 0}`")
        setup.commit()
        tok2 = start_session(self.s)
        a, b = Txn(self.s, self.token), Txn(self.s, tok2)
        a.execute("SELECT * FROM Py WHERE k = ?", "occ")
        b.execute("SELECT * FROM Py WHERE k = ?", "occ")
        a.execute("UPDATE Py SET n = 1 WHERE k = ?", "occ")
        b.execute("UPDATE Py SET n = 2 WHERE k = ?", "occ")
        a.commit()
        with self.assertRaises(self.s.exceptions.OccConflictException):
            b.commit()
        c = Txn(self.s, tok2)  # no abort needed after OCC
        c.commit()

    def test_limit_exceeded_sessions(self):
        # The suite runs the server with --max-sessions-per-ledger 20.
        tokens = [start_session(self.s) for _ in range(25)]
        started = 0
        with self.assertRaises(self.s.exceptions.LimitExceededException):
            for tok in tokens:
                Txn(self.s, tok)
                started += 1
        self.assertGreater(started, 0)
        for tok in tokens:
            self.s.send_command(SessionToken=tok, EndSession={})

    def test_auth_errors(self):
        bad_secret, _ = clients(secret="wrong-secret")
        with self.assertRaises(ClientError) as cm:
            start_session(bad_secret)
        self.assertEqual(cm.exception.response["Error"]["Code"], "InvalidSignatureException")
        unknown, unknown_q = clients(access_key="AKIDUNKNOWN")
        with self.assertRaises(ClientError) as cm:
            start_session(unknown)
        self.assertEqual(cm.exception.response["Error"]["Code"], "UnrecognizedClientException")
        with self.assertRaises(ClientError) as cm:
            unknown_q.list_ledgers()
        self.assertEqual(cm.exception.response["Error"]["Code"], "UnrecognizedClientException")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)


class Boto3Control(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s, cls.q = clients()

    def test_ledger_lifecycle_and_errors(self):
        q = self.q
        r = q.create_ledger(Name="py-ledger", PermissionsMode="ALLOW_ALL", Tags={"team": "a"})
        self.assertEqual(r["State"], "ACTIVE")
        self.assertTrue(r["DeletionProtection"])
        with self.assertRaises(q.exceptions.ResourceAlreadyExistsException):
            q.create_ledger(Name="py-ledger", PermissionsMode="ALLOW_ALL")
        with self.assertRaises(q.exceptions.InvalidParameterException):
            q.create_ledger(Name="bad--name", PermissionsMode="ALLOW_ALL")
        with self.assertRaises(q.exceptions.ResourceNotFoundException):
            q.describe_ledger(Name="nope")
        d = q.describe_ledger(Name="py-ledger")
        self.assertEqual(d["PermissionsMode"], "ALLOW_ALL")
        names = []
        token = None
        while True:
            kw = {"MaxResults": 1}
            if token:
                kw["NextToken"] = token
            page = q.list_ledgers(**kw)
            names += [l["Name"] for l in page["Ledgers"]]
            token = page.get("NextToken")
            if not token:
                break
        self.assertIn("py-ledger", names)
        self.assertIn("default", names)
        arn = d["Arn"]
        q.tag_resource(ResourceArn=arn, Tags={"x y": "1"})
        self.assertEqual(q.list_tags_for_resource(ResourceArn=arn)["Tags"], {"team": "a", "x y": "1"})
        q.untag_resource(ResourceArn=arn, TagKeys=["team", "x y"])
        self.assertEqual(q.list_tags_for_resource(ResourceArn=arn)["Tags"], {})
        with self.assertRaises(q.exceptions.ResourcePreconditionNotMetException):
            q.delete_ledger(Name="py-ledger")
        q.update_ledger(Name="py-ledger", DeletionProtection=False)
        q.delete_ledger(Name="py-ledger")
        with self.assertRaises(q.exceptions.ResourceNotFoundException):
            q.describe_ledger(Name="py-ledger")
        with self.assertRaises(q.exceptions.InvalidParameterException) as cm:
            q.export_journal_to_s3(Name="default", InclusiveStartTime=0, ExclusiveEndTime=1,
                                   RoleArn="arn:aws:iam::000000000000:role/x",
                                   S3ExportConfiguration={"Bucket": "bkt", "Prefix": "p",
                                                          "EncryptionConfiguration": {
                                                              "ObjectEncryptionType": "SSE_S3"}})
        self.assertIn("Amazon S3", str(cm.exception))

    def test_digest_block_proof(self):
        token = start_session(self.s)
        t = Txn(self.s, token)
        t.execute("CREATE TABLE Proofed")
        t.commit()
        digest = self.q.get_digest(Name="default")
        self.assertEqual(len(digest["Digest"]), 32)
        tip = digest["DigestTipAddress"]["IonText"]
        self.assertIn("sequenceNo", tip)
        block = self.q.get_block(Name="default", BlockAddress={"IonText": tip},
                                 DigestTipAddress={"IonText": tip})
        self.assertIn("blockHash", block["Block"]["IonText"])
        self.assertIn("Proof", block)


if __name__ == "__main__":
    unittest.main(verbosity=2)
