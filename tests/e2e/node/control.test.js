// The control plane through @aws-sdk/client-qldb 3.918.0, with proofs folded client-side.
"use strict";
const test = require("node:test");
const assert = require("node:assert");
const crypto = require("node:crypto");
const { QLDB } = require("@aws-sdk/client-qldb");
const { QldbDriver } = require("amazon-qldb-driver-nodejs");
const ion = require("ion-js");

const opts = {
  region: process.env.FOLIO_REGION,
  endpoint: process.env.FOLIO_ENDPOINT,
  credentials: {
    accessKeyId: process.env.FOLIO_ACCESS_KEY_ID,
    secretAccessKey: process.env.FOLIO_SECRET_ACCESS_KEY,
  },
};
const qldb = new QLDB(opts);

// QLDB's dot(): signed byte compare from index 31 down, concatenate smaller first, SHA-256.
function cmp(a, b) {
  for (let i = 31; i >= 0; i--) {
    const d = ((a[i] << 24) >> 24) - ((b[i] << 24) >> 24);
    if (d !== 0) return d;
  }
  return 0;
}
function dot(a, b) {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const [x, y] = cmp(a, b) < 0 ? [a, b] : [b, a];
  return new Uint8Array(crypto.createHash("sha256").update(x).update(y).digest());
}
function fold(leaf, proofIonText) {
  let acc = leaf;
  for (const h of ion.load(proofIonText)) acc = dot(acc, h.uInt8ArrayValue());
  return Buffer.from(acc).toString("base64");
}

test("create, describe, list, update, delete ledger", async () => {
  const created = await qldb.createLedger({ Name: "node-ledger", PermissionsMode: "ALLOW_ALL" });
  assert.strictEqual(created.State, "ACTIVE");
  assert.ok(created.CreationDateTime instanceof Date);
  const d = await qldb.describeLedger({ Name: "node-ledger" });
  assert.strictEqual(d.DeletionProtection, true);
  const names = [];
  let token;
  do {
    const page = await qldb.listLedgers({ MaxResults: 1, NextToken: token });
    names.push(...page.Ledgers.map((l) => l.Name));
    token = page.NextToken;
  } while (token);
  assert.deepStrictEqual(names.filter((n) => n === "default" || n === "node-ledger").sort(),
                         ["default", "node-ledger"]);
  await assert.rejects(qldb.deleteLedger({ Name: "node-ledger" }),
                       (e) => e.name === "ResourcePreconditionNotMetException");
  const u = await qldb.updateLedger({ Name: "node-ledger", DeletionProtection: false });
  assert.strictEqual(u.DeletionProtection, false);
  await qldb.deleteLedger({ Name: "node-ledger" });
  await assert.rejects(qldb.describeLedger({ Name: "node-ledger" }),
                       (e) => e.name === "ResourceNotFoundException");
});

test("GetDigest, then GetRevision and GetBlock proofs fold to the digest", async () => {
  const driver = new QldbDriver("default", opts);
  await driver.executeLambda(async (txn) => {
    await txn.execute("CREATE TABLE Vehicle");
    await txn.execute("INSERT INTO Vehicle ?", { VIN: "1N4AL", Year: 2011 });
  });
  const digest = await qldb.getDigest({ Name: "default" });
  const digestB64 = Buffer.from(digest.Digest).toString("base64");
  const tip = digest.DigestTipAddress.IonText;
  const rows = await driver.executeLambda(async (txn) =>
    (await txn.execute("SELECT blockAddress, metadata.id FROM _ql_committed_Vehicle WHERE data.VIN = ?", "1N4AL")).getResultList());
  driver.close();
  assert.strictEqual(rows.length, 1);
  const addr = rows[0].get("blockAddress");
  const addrText = `{strandId: "${addr.get("strandId").stringValue()}", sequenceNo: ${addr.get("sequenceNo").numberValue()}}`;
  const rev = await qldb.getRevision({
    Name: "default", BlockAddress: { IonText: addrText },
    DocumentId: rows[0].get("id").stringValue(), DigestTipAddress: { IonText: tip },
  });
  const revision = ion.load(rev.Revision.IonText);
  assert.strictEqual(fold(revision.get("hash").uInt8ArrayValue(), rev.Proof.IonText), digestB64);
  const blk = await qldb.getBlock({ Name: "default", BlockAddress: { IonText: addrText },
                                    DigestTipAddress: { IonText: tip } });
  const block = ion.load(blk.Block.IonText);
  assert.strictEqual(fold(block.get("blockHash").uInt8ArrayValue(), blk.Proof.IonText), digestB64);
  // A flipped bit fails verification.
  const bad = revision.get("hash").uInt8ArrayValue().slice();
  bad[0] ^= 1;
  assert.notStrictEqual(fold(bad, rev.Proof.IonText), digestB64);
});
