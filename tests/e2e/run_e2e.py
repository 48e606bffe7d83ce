#!/usr/bin/env python3
"""Starts `folio serve` on a free loopback port with a temporary data directory, runs one client
test suite against it, then stops the server with SIGTERM and checks that it shut down cleanly.

Usage: run_e2e.py <folio binary> <suite> [extra serve flags...]
  suite: node | python | badinput
The client sees FOLIO_ENDPOINT, FOLIO_REGION, FOLIO_ACCESS_KEY_ID, FOLIO_SECRET_ACCESS_KEY and
FOLIO_TXN_TIMEOUT_MS in its environment.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TXN_TIMEOUT_MS = 4000


def main():
    folio, suite, extra = sys.argv[1], sys.argv[2], sys.argv[3:]
    data_dir = tempfile.mkdtemp(prefix="folio-e2e-")
    log_path = os.path.join(data_dir, "server.log")
    log = open(log_path, "w")
    server = subprocess.Popen(
        [folio, "serve", "--data-dir", data_dir, "--listen", "127.0.0.1:0", "--no-fsync",
         "--transaction-timeout-ms", str(TXN_TIMEOUT_MS)] + extra,
        stdout=subprocess.PIPE, stderr=log, text=True)
    banner = ""
    deadline = time.time() + 60
    while time.time() < deadline:
        line = server.stdout.readline()
        if not line:
            break
        banner += line
        if "metrics:" in line:
            break
    m = re.search(r"endpoint:\s+(\S+)", banner)
    ak = re.search(r"access key id:\s+(\S+)", banner)
    sk = re.search(r"secret access key:\s+(\S+)", banner)
    if not (m and ak and sk):
        print("server did not start:\n" + banner + open(log_path).read())
        server.kill()
        return 1
    env = dict(os.environ, FOLIO_ENDPOINT=m.group(1), FOLIO_REGION="us-east-1",
               FOLIO_ACCESS_KEY_ID=ak.group(1), FOLIO_SECRET_ACCESS_KEY=sk.group(1),
               FOLIO_TXN_TIMEOUT_MS=str(TXN_TIMEOUT_MS), AWS_EC2_METADATA_DISABLED="true")
    if suite == "node":
        node_dir = os.path.join(HERE, "node")
        if not os.path.isdir(os.path.join(node_dir, "node_modules", "amazon-qldb-driver-nodejs")):
            subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                           cwd=node_dir, check=True)
        cmd = ["node", "--test", "--test-concurrency=1", node_dir]
    elif suite == "python":
        cmd = ["/usr/bin/python3", os.path.join(HERE, "python", "test_boto3.py")]
    elif suite in ("limits_rate", "limits_capacity"):
        env["FOLIO_LIMITS"] = suite.split("_")[1]
        cmd = ["/usr/bin/python3", os.path.join(HERE, "python", "test_boto3_limits.py")]
    elif suite == "badinput":
        cmd = ["/usr/bin/python3", os.path.join(HERE, "python", "test_bad_input.py")]
    else:
        print("unknown suite " + suite)
        server.kill()
        return 2
    rc = subprocess.call(cmd, env=env)

    server.send_signal(signal.SIGTERM)
    try:
        server_rc = server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server_rc = -1
    log.close()
    text = open(log_path).read()
    if server_rc != 0 or "shutdown_complete" not in text:
        print(f"server did not shut down cleanly (exit {server_rc}); log tail:\n" + text[-3000:])
        rc = rc or 1
    if rc != 0:
        print("server log tail:\n" + text[-4000:])
    shutil.rmtree(data_dir, ignore_errors=True)
    return rc


if __name__ == "__main__":
    sys.exit(main())
