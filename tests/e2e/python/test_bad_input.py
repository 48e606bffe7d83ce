"""Hostile and malformed requests against folio serve: each gets the right error type, and the
server keeps serving afterwards. Requests are signed with botocore's SigV4Auth so that the body,
not the signature, is what is wrong (except in the signature tests)."""
import http.client
import json
import os
import sys
import unittest
from urllib.parse import urlparse

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qldb_util import clients, start_session  # noqa: E402

URL = urlparse(os.environ["FOLIO_ENDPOINT"])
CREDS = Credentials(os.environ["FOLIO_ACCESS_KEY_ID"], os.environ["FOLIO_SECRET_ACCESS_KEY"])
TXN = "A" * 22


def send(body, target="QLDBSession.SendCommand", path="/", method="POST", sign=True,
         creds=CREDS, extra_headers=None):
    if isinstance(body, str):
        body = body.encode()
    headers = {"Content-Type": "application/x-amz-json-1.0", "Host": URL.netloc}
    if target is not None:
        headers["X-Amz-Target"] = target
    headers.update(extra_headers or {})
    req = AWSRequest(method=method, url=os.environ["FOLIO_ENDPOINT"] + path, data=body,
                     headers=headers)
    if sign:
        SigV4Auth(creds, "qldb", os.environ["FOLIO_REGION"]).add_auth(req)
    conn = http.client.HTTPConnection(URL.hostname, URL.port, timeout=30)
    conn.request(method, path, body=body, headers=dict(req.headers.items()))
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    parsed = json.loads(data) if data else {}
    return resp.status, dict((k.lower(), v) for k, v in resp.getheaders()), parsed


class BadInput(unittest.TestCase):
    def assertError(self, result, status, error_type, message_part=""):
        code, headers, body = result
        self.assertEqual(code, status, body)
        self.assertEqual(headers.get("x-amzn-errortype"), error_type, body)
        self.assertTrue(body.get("__type", "").endswith("#" + error_type), body)
        self.assertIn(message_part, body.get("Message", ""))
        self.assertIn("x-amzn-requestid", headers)
        self.assertIn("date", headers)

    def tearDown(self):
        # After every hostile request the server still serves a normal one.
        s, _ = clients()
        self.assertTrue(start_session(s))

    def test_malformed_json(self):
        self.assertError(send("{\"StartSession\":"), 400, "BadRequestException", "Malformed JSON")
        self.assertError(send("[" * 100000), 400, "BadRequestException")
        self.assertError(send(b"\"\xff\xfe\""), 400, "BadRequestException", "Malformed JSON")

    def test_wrong_target(self):
        self.assertError(send("{}", target="QLDBSession.Nope"), 400, "UnknownOperationException")
        self.assertError(send("{}", target="DynamoDB_20120810.ListTables"), 400,
                         "UnknownOperationException")

    def test_missing_fields_and_wrong_types(self):
        self.assertError(send("{}"), 400, "BadRequestException", "exactly one command")
        self.assertError(send('{"StartSession":{}}'), 400, "BadRequestException", "LedgerName")
        self.assertError(send('{"StartSession":{"LedgerName":7}}'), 400, "BadRequestException",
                         "must be a string")
        self.assertError(send('{"StartSession":[]}'), 400, "BadRequestException", "structure")
        self.assertError(send('{"SessionToken":"abcd","ExecuteStatement":{"Statement":"x"}}'), 400,
                         "BadRequestException", "TransactionId")
        self.assertError(send('{"SessionToken":"abcd","CommitTransaction":{"TransactionId":"' + TXN +
                              '","CommitDigest":"AAAA"}}'), 400, "BadRequestException", "32 bytes")
        self.assertError(send('{"StartTransaction":{}}'), 400, "BadRequestException",
                         "SessionToken is required")

    def test_unknown_tokens(self):
        self.assertError(send('{"SessionToken":"Zm9vYmFyYmF6","StartTransaction":{}}'), 400,
                         "InvalidSessionException", "No such session")
        self.assertError(send('{"SessionToken":"bad token!","StartTransaction":{}}'), 400,
                         "BadRequestException", "SessionToken")
        s, _ = clients()
        tok = start_session(s)
        self.assertError(send(json.dumps({"SessionToken": tok, "FetchPage": {
            "TransactionId": TXN, "NextPageToken": "bm9wZQ=="}})), 400, "BadRequestException",
            "No open transaction")

    def test_garbage_ion_parameters(self):
        s, _ = clients()
        tok = start_session(s)
        txn = s.send_command(SessionToken=tok, StartTransaction={})["StartTransaction"]["TransactionId"]
        for holder, part in [({"IonBinary": "4AEA6v8="}, "not valid Ion"),
                             ({"IonBinary": "AAAAAA=="}, "not valid Ion"),
                             ({"IonText": "{a:"}, "not valid Ion"),
                             ({"IonText": "1 2"}, "exactly one Ion value"),
                             ({"IonBinary": "!!!"}, "base64")]:
            body = json.dumps({"SessionToken": tok, "ExecuteStatement": {
                "TransactionId": txn, "Statement": "SELECT ? FROM x", "Parameters": [holder]}})
            self.assertError(send(body), 400, "BadRequestException", part)

    def test_huge_statement(self):
        body = json.dumps({"SessionToken": "abcd", "ExecuteStatement": {
            "TransactionId": TXN, "Statement": "S" * 100001}})
        self.assertError(send(body), 400, "BadRequestException", "between 1 and 100000")

    def test_oversized_body(self):
        self.assertError(send("{\"x\":\"" + "a" * (3 * 1024 * 1024) + "\"}"), 413,
                         "RequestEntityTooLargeException", "exceeds the limit")

    def test_bad_signatures(self):
        wrong = Credentials(os.environ["FOLIO_ACCESS_KEY_ID"], "not-the-secret")
        self.assertError(send('{"StartSession":{"LedgerName":"default"}}', creds=wrong), 400,
                         "InvalidSignatureException", "does not match")
        self.assertError(send('{"StartSession":{"LedgerName":"default"}}', sign=False), 400,
                         "MissingAuthenticationTokenException")
        unknown = Credentials("AKIDNOBODY", "x")
        self.assertError(send('{"StartSession":{"LedgerName":"default"}}', creds=unknown), 400,
                         "UnrecognizedClientException")
        self.assertError(send('{"StartSession":{"LedgerName":"default"}}', sign=False,
                              extra_headers={"Authorization": "AWS4-HMAC-SHA256 Credential=x"}),
                         400, "IncompleteSignatureException")
        self.assertError(send("", target=None, path="/ledgers", method="GET", creds=wrong), 403,
                         "InvalidSignatureException")

    def test_control_plane_bad_input(self):
        self.assertError(send('{"Name":', target=None, path="/ledgers"), 400,
                         "InvalidParameterException", "Malformed JSON")
        self.assertError(send('{"Name":"x1"}', target=None, path="/ledgers"), 400,
                         "InvalidParameterException", "PermissionsMode")
        self.assertError(send("", target=None, path="/nowhere", method="GET"), 404,
                         "UnknownOperationException")
        self.assertError(send("", target=None, path="/ledgers?max_results=1000", method="GET"), 400,
                         "InvalidParameterException", "max_results")

    def test_metrics_exposed(self):
        conn = http.client.HTTPConnection(URL.hostname, URL.port, timeout=10)
        conn.request("GET", "/metrics")
        resp = conn.getresponse()
        text = resp.read().decode()
        self.assertEqual(resp.status, 200)
        self.assertIn("folio_requests_total", text)
        self.assertIn("folio_active_sessions", text)


if __name__ == "__main__":
    unittest.main(verbosity=2)
