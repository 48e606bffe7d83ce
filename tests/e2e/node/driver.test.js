// The official Amazon QLDB Node.js driver (3.1.0) against folio serve.
"use strict";
const test = require("node:test");
const assert = require("node:assert");
const { QldbDriver, RetryConfig } = require("amazon-qldb-driver-nodejs");
const ion = require("ion-js");

const endpoint = process.env.FOLIO_ENDPOINT;
const clientOptions = {
  region: process.env.FOLIO_REGION,
  endpoint,
  credentials: {
    accessKeyId: process.env.FOLIO_ACCESS_KEY_ID,
    secretAccessKey: process.env.FOLIO_SECRET_ACCESS_KEY,
  },
};
const txnTimeoutMs = Number(process.env.FOLIO_TXN_TIMEOUT_MS || 30000);
const driver = new QldbDriver("default", clientOptions, {}, 10, new RetryConfig(4));

test.after(() => driver.close());

test("tables, indexes and getTableNames", async () => {
  await driver.executeLambda(async (txn) => {
    await txn.execute("CREATE TABLE Person");
    await txn.execute("CREATE INDEX ON Person (GovId)");
  });
  const names = await driver.getTableNames();
  assert.ok(names.includes("Person"), JSON.stringify(names));
});

test("parameters of every Ion type read back equal", async () => {
  const text =
    "{GovId: \"all-types\", n: null, nb: null.bool, b: true, i: -12345678901234567890123, " +
    "f: 1.5e0, d: 12.340, ts: 2024-05-06T07:08:09.120+01:00, tsd: 2024-05-06T, sym: 'a sym', " +
    "s: \"caf\\u00e9\", clob: {{\"clob text\"}}, blob: {{aGVsbG8=}}, list: [1, [2], {x: 3}], " +
    "sexp: (a b 1), st: {nested: {deep: 1}}, ann: tag::{z: 1}}";
  const doc = ion.load(text);
  await driver.executeLambda(async (txn) => {
    await txn.execute("INSERT INTO Person ?", doc);
  });
  const rows = await driver.executeLambda(async (txn) =>
    (await txn.execute("SELECT * FROM Person WHERE GovId = ?", "all-types")).getResultList());
  assert.strictEqual(rows.length, 1);
  assert.ok(rows[0].equals(doc), ion.dumpText(rows[0]));
  // Scalars as individual parameters.
  for (const p of [ion.load("2024-05-06T07:08:09.120Z"), ion.load("12.340"), ion.load("'sym'"),
                   ion.load("{{aGVsbG8=}}"), 7, "str", true]) {
    const r = await driver.executeLambda(async (txn) =>
      (await txn.execute("SELECT VALUE ? FROM Person WHERE GovId = 'all-types'", p)).getResultList());
    assert.strictEqual(r.length, 1);
    const expected = typeof p === "object" ? p : ion.load(ion.dumpText(p));
    assert.ok(r[0].equals(expected), `${ion.dumpText(r[0])} vs ${ion.dumpText(expected)}`);
  }
});

test("insert, update, delete, history and committed view", async () => {
  let docId;
  await driver.executeLambda(async (txn) => {
    const r = await txn.execute("INSERT INTO Person ?", { GovId: "h1", Name: "Raul", Age: 61 });
    docId = r.getResultList()[0].get("documentId").stringValue();
  });
  await driver.executeLambda(async (txn) => {
    await txn.execute("UPDATE Person SET Age = 62 WHERE GovId = ?", "h1");
  });
  const committed = await driver.executeLambda(async (txn) =>
    (await txn.execute("SELECT blockAddress, metadata.id, data.Age FROM _ql_committed_Person WHERE data.GovId = ?", "h1")).getResultList());
  assert.strictEqual(committed.length, 1);
  assert.strictEqual(committed[0].get("id").stringValue(), docId);
  assert.strictEqual(committed[0].get("Age").numberValue(), 62);
  await driver.executeLambda(async (txn) => {
    await txn.execute("DELETE FROM Person WHERE GovId = ?", "h1");
  });
  const gone = await driver.executeLambda(async (txn) =>
    (await txn.execute("SELECT * FROM Person WHERE GovId = ?", "h1")).getResultList());
  assert.strictEqual(gone.length, 0);
  const hist = await driver.executeLambda(async (txn) =>
    (await txn.execute("SELECT metadata.version FROM history(Person) AS h WHERE h.metadata.id = ?", docId)).getResultList());
  assert.strictEqual(hist.length, 3);
});

test("more than one page of results", async () => {
  await driver.executeLambda(async (txn) => { await txn.execute("CREATE TABLE Many"); });
  for (let batch = 0; batch < 7; batch++) {
    await driver.executeLambda(async (txn) => {
      const docs = [];
      for (let i = 0; i < 36; i++) docs.push({ n: batch * 36 + i });
      await txn.execute("INSERT INTO Many ?", docs);
    });
  }
  const all = await driver.executeLambda(async (txn) =>
    (await txn.execute("SELECT * FROM Many")).getResultList());
  assert.strictEqual(all.length, 252);
  const ns = new Set(all.map((v) => v.get("n").numberValue()));
  assert.strictEqual(ns.size, 252);
});

test("OCC conflict is retried to success", async () => {
  await driver.executeLambda(async (txn) => {
    await txn.execute("CREATE TABLE Counter");
    await txn.execute("INSERT INTO Counter ?", { k: "c", v: 0 });
  });
  let attempts = 0;
  let release;
  const otherDone = new Promise((r) => { release = r; });
  const first = driver.executeLambda(async (txn) => {
    attempts++;
    const v = (await txn.execute("SELECT v FROM Counter WHERE k = 'c'")).getResultList()[0].get("v").numberValue();
    if (attempts === 1) await otherDone;  // let the other transaction commit first
    await txn.execute("UPDATE Counter SET v = ? WHERE k = 'c'", v + 1);
  });
  // Give the first lambda time to read.
  await new Promise((r) => setTimeout(r, 200));
  await driver.executeLambda(async (txn) => {
    await txn.execute("UPDATE Counter SET v = 100 WHERE k = 'c'");
  });
  release();
  await first;
  assert.ok(attempts >= 2, `attempts=${attempts}`);
  const v = await driver.executeLambda(async (txn) =>
    (await txn.execute("SELECT VALUE v FROM Counter WHERE k = 'c'")).getResultList());
  assert.strictEqual(v[0].numberValue(), 101);
});

test("transaction expiry surfaces as InvalidSessionException", async () => {
  await assert.rejects(
    driver.executeLambda(async (txn) => {
      await txn.execute("SELECT * FROM Counter");
      await new Promise((r) => setTimeout(r, txnTimeoutMs + 500));
      await txn.execute("SELECT * FROM Counter");
    }),
    (e) => e.name === "InvalidSessionException" && /Transaction .* has expired/.test(e.message));
  // The driver still works afterwards.
  const names = await driver.getTableNames();
  assert.ok(names.includes("Counter"));
});
