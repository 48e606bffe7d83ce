"""boto3 against folio serve started with request limits: RateExceededException (suite
limits_rate, --max-session-rps) and CapacityExceededException (suite limits_capacity,
--max-pending-commits 1), each provoked on purpose and checked by type and HTTP status."""
import os
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qldb_util import Txn, clients, start_session  # noqa: E402

MODE = os.environ.get("FOLIO_LIMITS", "rate")


@unittest.skipUnless(MODE == "rate", "server started without --max-session-rps")
class RateLimit(unittest.TestCase):
    def test_rate_exceeded_then_refilled(self):
        s, _ = clients()
        with self.assertRaises(s.exceptions.RateExceededException) as cm:
            for _ in range(200):
                start_session(s)
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)
        self.assertIn("Rate exceeded", cm.exception.response["Error"]["Message"])
        time.sleep(1.5)  # the bucket refills at the configured rate
        self.assertTrue(start_session(s))


@unittest.skipUnless(MODE == "capacity", "server started without --max-pending-commits")
class CapacityLimit(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        s, _ = clients()
        t = Txn(s, start_session(s))
        t.execute("CREATE TABLE Cap")
        t.commit()

    def test_capacity_exceeded_while_commits_overlap(self):
        seen, errors, stop = [], [], threading.Event()

        def worker(n):
            s, _ = clients()
            token = start_session(s)
            i = 0
            while not stop.is_set():
                try:
                    t = Txn(s, token)
                    t.execute("INSERT INTO Cap VALUE {'k': ?}", f"{n}-{i}")
                    i += 1
                    t.commit()
                except s.exceptions.CapacityExceededException as e:
                    seen.append(e.response["ResponseMetadata"]["HTTPStatusCode"])
                    s.send_command(SessionToken=token, AbortTransaction={})
                    stop.set()
                except Exception as e:  # noqa: BLE001 - anything else fails the test
                    errors.append(repr(e))
                    stop.set()

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(12)]
        for th in threads:
            th.start()
        stop.wait(30)
        stop.set()
        for th in threads:
            th.join()
        self.assertEqual(errors, [])
        self.assertTrue(seen, "no commit was refused with CapacityExceededException in 30 s")
        self.assertTrue(all(code == 503 for code in seen), seen)
        # The refused transaction was aborted; the ledger keeps committing.
        s, _ = clients()
        t = Txn(s, start_session(s))
        t.execute("INSERT INTO Cap VALUE {'k': ?}", "after")
        t.commit()


if __name__ == "__main__":
    unittest.main(verbosity=2)
