// The driver against a real `folio serve`: CRUD and paging, the retry rules (OCC conflict,
// dead session, transaction expiry, non-retryable errors), the control plane, and proof
// verification, including tampered proofs served through a proxy.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <atomic>
#include <latch>
#include <thread>

#include "common/bytes.h"
#include "driver/control_client.h"
#include "driver/driver.h"
#include "driver/errors.h"
#include "driver/verifier.h"
#include "ion/ion.h"
#include "tests/shell/server_process.h"
#include "tests/shell/tampering_proxy.h"

namespace folio::driver {
namespace {

using ion::Value;
using testing::ServerProcess;

ServerProcess* g_auth = nullptr;    // SigV4 required
ServerProcess* g_noauth = nullptr;  // --no-auth, 1.5 s transaction timeout

class DriverE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    g_auth = new ServerProcess(testing::MakeTempDir("driver-e2e"));
    g_noauth = new ServerProcess(testing::MakeTempDir("driver-e2e-noauth"),
                                 {"--no-auth", "--transaction-timeout-ms", "1500"});
  }
  static void TearDownTestSuite() {
    for (ServerProcess* s : {g_auth, g_noauth}) {
      std::string dir = s->data_dir();
      delete s;
      std::filesystem::remove_all(dir);
    }
  }
  void SetUp() override {
    ASSERT_TRUE(g_auth->ok()) << "folio serve did not start";
    ASSERT_TRUE(g_noauth->ok()) << "folio serve --no-auth did not start";
  }

  static ServiceConfig Config(const std::string& endpoint, bool auth = true) {
    ServiceConfig c;
    c.endpoint = endpoint;
    if (auth) c.credentials = {ServerProcess::kAccessKey, ServerProcess::kSecretKey, ""};
    return c;
  }
  static std::unique_ptr<Driver> MakeDriver(ServiceConfig c, std::string ledger = "default") {
    DriverOptions o;
    o.service = std::move(c);
    o.ledger = std::move(ledger);
    o.backoff = [](int) { return std::chrono::milliseconds(5); };
    auto d = Driver::Create(std::move(o));
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    return std::move(*d);
  }
};

TEST_F(DriverE2E, CrudPagingAndCommitDigest) {
  auto d = MakeDriver(Config(g_auth->endpoint()));
  ASSERT_TRUE(
      d->Execute([](Transaction& t) { return t.Execute("CREATE TABLE People").status(); }).ok());
  // 210 documents in 6 transactions (35 each, below the 40-document quota), so a full scan
  // needs more than one page (200 values per page).
  for (int batch = 0; batch < 6; ++batch) {
    Status st = d->Execute([&](Transaction& t) -> Status {
      for (int i = 0; i < 35; ++i) {
        int n = batch * 35 + i;
        Value doc = Value::Struct(
            {{"n", Value::Integer(n)}, {"name", Value::String("p" + std::to_string(n))}});
        FOLIO_TRY(t.Execute("INSERT INTO People ?", {doc}).status());
      }
      return Status::OK();
    });
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  ExecuteStats stats;
  std::vector<Value> all;
  ASSERT_TRUE(d->Execute(
                   [&](Transaction& t) -> Status {
                     FOLIO_ASSIGN_OR_RETURN(auto stream, t.ExecuteStream("SELECT * FROM People"));
                     all.clear();
                     while (true) {
                       FOLIO_ASSIGN_OR_RETURN(auto v, stream.Next());
                       if (!v) return Status::OK();
                       all.push_back(std::move(*v));
                     }
                   },
                   &stats)
                  .ok());
  EXPECT_EQ(all.size(), 210u);
  EXPECT_EQ(stats.attempts, 1);
  EXPECT_GT(stats.usage.read_ios, 0);

  auto one =
      d->ExecuteAndReturn<std::vector<Value>>([](Transaction& t) -> Result<std::vector<Value>> {
        FOLIO_ASSIGN_OR_RETURN(
            auto r, t.Execute("SELECT VALUE name FROM People WHERE n = ?", {Value::Integer(42)}));
        return r.values;
      });
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0], Value::String("p42"));

  auto tables = d->ListTableNames();
  ASSERT_TRUE(tables.ok());
  EXPECT_NE(std::find(tables->begin(), tables->end(), "People"), tables->end());
}

TEST_F(DriverE2E, OccConflictIsRetried) {
  auto d = MakeDriver(Config(g_auth->endpoint()));
  ASSERT_TRUE(
      d->Execute([](Transaction& t) { return t.Execute("CREATE TABLE Occ").status(); }).ok());
  std::latch both_read(2);
  ExecuteStats stats[2];
  Status results[2];
  auto worker = [&](int k) {
    results[k] = d->Execute(
        [&](Transaction& t) -> Status {
          FOLIO_TRY(t.Execute("SELECT * FROM Occ").status());
          // Both transactions have scanned the table before either commits (first attempt).
          if (stats[k].attempts == 1) both_read.arrive_and_wait();
          return t.Execute("INSERT INTO Occ ?", {Value::Struct({{"k", Value::Integer(k)}})})
              .status();
        },
        &stats[k]);
  };
  std::thread a(worker, 0), b(worker, 1);
  a.join();
  b.join();
  ASSERT_TRUE(results[0].ok()) << results[0].ToString();
  ASSERT_TRUE(results[1].ok()) << results[1].ToString();
  size_t occ = 0;
  for (auto& s : stats) {
    for (const Status& r : s.retried) occ += ErrorType(r) == "OccConflictException";
  }
  EXPECT_GE(occ, 1u) << "one of the two scanning transactions must have hit OCC and retried";
  auto count = d->ExecuteAndReturn<size_t>([](Transaction& t) -> Result<size_t> {
    FOLIO_ASSIGN_OR_RETURN(auto r, t.Execute("SELECT * FROM Occ"));
    return r.values.size();
  });
  EXPECT_EQ(*count, 2u);
}

TEST_F(DriverE2E, DeadSessionIsRetriedAtOnce) {
  auto d = MakeDriver(Config(g_auth->endpoint()));
  ExecuteStats stats;
  Status st = d->Execute(
      [&](Transaction& t) -> Status {
        if (stats.attempts == 1) {
          // Kill our own session behind the driver's back: the next command gets an
          // InvalidSessionException that is not a transaction expiry.
          d->session_client()->EndSession(t.session_token()).IgnoreError();
        }
        return t.Execute("SELECT * FROM information_schema.user_tables").status();
      },
      &stats);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(stats.attempts, 2);
  ASSERT_EQ(stats.retried.size(), 1u);
  EXPECT_EQ(ErrorType(stats.retried[0]), "InvalidSessionException");
}

TEST_F(DriverE2E, TransactionExpiryIsNotRetried) {
  auto d = MakeDriver(Config(g_noauth->endpoint(), false));
  ExecuteStats stats;
  Status st = d->Execute(
      [&](Transaction& t) -> Status {
        FOLIO_TRY(t.Execute("SELECT * FROM information_schema.user_tables").status());
        std::this_thread::sleep_for(std::chrono::milliseconds(1800));
        return Status::OK();  // the commit finds the transaction expired
      },
      &stats);
  EXPECT_EQ(ErrorType(st), "InvalidSessionException") << st.ToString();
  EXPECT_TRUE(IsTransactionExpired(st)) << st.ToString();
  EXPECT_EQ(stats.attempts, 1);
  // The session was kept (aborted, not dropped) and still works.
  EXPECT_TRUE(d->ListTableNames().ok());
}

TEST_F(DriverE2E, NonRetryableErrorsReturnAtOnce) {
  auto d = MakeDriver(Config(g_auth->endpoint()));
  ExecuteStats stats;
  Status st =
      d->Execute([](Transaction& t) { return t.Execute("SELEC nonsense").status(); }, &stats);
  EXPECT_EQ(ErrorType(st), "BadRequestException") << st.ToString();
  EXPECT_EQ(stats.attempts, 1);
  // A user error from the lambda is returned unchanged, after an abort.
  st = d->Execute([](Transaction&) { return Status::InvalidArgument("user says no"); }, &stats);
  EXPECT_EQ(st.message(), "user says no");
  EXPECT_EQ(stats.attempts, 1);
  // Wrong credentials are rejected (and StartSession failures retried, then returned).
  ServiceConfig bad = Config(g_auth->endpoint());
  bad.credentials.secret_access_key = "wrong";
  auto d2 = MakeDriver(bad);
  st = d2->Execute([](Transaction&) { return Status::OK(); }, &stats);
  EXPECT_EQ(st.code(), StatusCode::kUnauthenticated) << st.ToString();
  // An unknown ledger.
  auto d3 = MakeDriver(Config(g_auth->endpoint()), "nosuchledger");
  st = d3->Execute([](Transaction&) { return Status::OK(); }, &stats);
  EXPECT_FALSE(st.ok());
}

TEST_F(DriverE2E, ControlPlaneLedgers) {
  auto c = ControlClient::Create(Config(g_auth->endpoint()));
  ASSERT_TRUE(c.ok());
  CreateLedgerRequest req;
  req.name = "e2e-ledger";
  req.deletion_protection = true;
  auto created = (*c)->CreateLedger(req);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->name, "e2e-ledger");
  EXPECT_EQ(created->state, "ACTIVE");
  EXPECT_EQ(ErrorType((*c)->CreateLedger(req).status()), "ResourceAlreadyExistsException");
  auto described = (*c)->DescribeLedger("e2e-ledger");
  ASSERT_TRUE(described.ok());
  EXPECT_EQ(described->deletion_protection, std::optional<bool>(true));
  auto listed = (*c)->ListLedgers();
  ASSERT_TRUE(listed.ok());
  EXPECT_GE(listed->size(), 2u);
  Status del = (*c)->DeleteLedger("e2e-ledger");
  EXPECT_EQ(ErrorType(del), "ResourcePreconditionNotMetException") << del.ToString();
  ASSERT_TRUE((*c)->UpdateLedger("e2e-ledger", false).ok());
  EXPECT_TRUE((*c)->DeleteLedger("e2e-ledger").ok());
  EXPECT_EQ((*c)->DescribeLedger("e2e-ledger").status().code(), StatusCode::kNotFound);
}

struct Located {
  std::string id;
  std::string block_address;
};

Located InsertAndLocate(Driver& d, const std::string& table) {
  Located out;
  Status st = d.Execute([&](Transaction& t) -> Status {
    FOLIO_TRY(t.Execute("CREATE TABLE " + table).status());
    FOLIO_ASSIGN_OR_RETURN(
        auto r, t.Execute("INSERT INTO " + table + " ?",
                          {Value::Struct({{"VIN", Value::String("1N4AL11D75C109151")}})}));
    if (r.values.size() != 1 || r.values[0].Get("documentId") == nullptr) {
      return Status::Internal("INSERT returned no documentId");
    }
    out.id = std::string(r.values[0].Get("documentId")->text());
    return Status::OK();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  st = d.Execute([&](Transaction& t) -> Status {
    FOLIO_ASSIGN_OR_RETURN(
        auto r, t.Execute("SELECT blockAddress, metadata.id FROM _ql_committed_" + table +
                              " WHERE metadata.id = ?",
                          {Value::String(out.id)}));
    if (r.values.size() != 1) return Status::Internal("committed view row missing");
    out.block_address = ion::WriteText(*r.values[0].Get("blockAddress"));
    return Status::OK();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

TEST_F(DriverE2E, ProofsVerifyAgainstARealServer) {
  auto d = MakeDriver(Config(g_auth->endpoint()));
  Located doc = InsertAndLocate(*d, "Vehicles");
  auto c = *ControlClient::Create(Config(g_auth->endpoint()));
  auto digest = c->GetDigest("default");
  ASSERT_TRUE(digest.ok()) << digest.status().ToString();
  auto rev = c->GetRevision("default", doc.block_address, doc.id, digest->tip_ion_text);
  ASSERT_TRUE(rev.ok()) << rev.status().ToString();
  Status st = VerifyRevision(rev->ion_text, rev->proof_ion_text, digest->digest);
  EXPECT_TRUE(st.ok()) << st.ToString();
  auto block = c->GetBlock("default", doc.block_address, digest->tip_ion_text);
  ASSERT_TRUE(block.ok()) << block.status().ToString();
  st = VerifyBlock(block->ion_text, block->proof_ion_text, digest->digest);
  EXPECT_TRUE(st.ok()) << st.ToString();
  Hash256 other = digest->digest;
  other[0] ^= 1;
  EXPECT_EQ(VerifyRevision(rev->ion_text, rev->proof_ion_text, other).code(),
            StatusCode::kCorruption);
}

// Rewrites the IonText of `member` in a JSON body with `edit`.
void EditIonMember(std::string& body, const char* member, const std::function<void(Value&)>& edit) {
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  if (doc.HasParseError() || !doc.HasMember(member)) return;
  auto v = ion::ReadOneText(doc[member]["IonText"].GetString());
  if (!v.ok()) return;
  edit(*v);
  std::string text = ion::WriteText(*v);
  doc[member]["IonText"].SetString(text.c_str(), static_cast<rapidjson::SizeType>(text.size()),
                                   doc.GetAllocator());
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  doc.Accept(w);
  body = sb.GetString();
}

TEST_F(DriverE2E, TamperedResponsesFromAProxyAreRejected) {
  testing::TamperingProxy proxy(g_noauth->endpoint());
  auto d = MakeDriver(Config(proxy.endpoint(), false));
  Located doc = InsertAndLocate(*d, "Tampered");
  auto c = *ControlClient::Create(Config(proxy.endpoint(), false));

  auto check = [&](const std::string& what) -> Status {
    auto digest = c->GetDigest("default");
    if (!digest.ok()) return digest.status();
    auto rev = c->GetRevision("default", doc.block_address, doc.id, digest->tip_ion_text);
    if (!rev.ok()) return rev.status();
    return VerifyRevision(rev->ion_text, rev->proof_ion_text, digest->digest);
  };
  ASSERT_TRUE(check("untouched").ok());

  // A flipped bit in the first proof hash.
  proxy.set_tamper([](const std::string& target, std::string& body) {
    if (!target.ends_with("/revision")) return;
    EditIonMember(body, "Proof", [](Value& proof) {
      Bytes b = proof.elements()[0].as_bytes();
      b[5] ^= 0x10;
      proof.elements()[0] = Value::Blob(b);
    });
  });
  EXPECT_EQ(check("proof").code(), StatusCode::kCorruption);

  // Changed document data (the hash field kept).
  proxy.set_tamper([](const std::string& target, std::string& body) {
    if (!target.ends_with("/revision")) return;
    EditIonMember(body, "Revision",
                  [](Value& rev) { rev.Get("data")->Set("VIN", Value::String("STOLEN")); });
  });
  EXPECT_EQ(check("leaf").code(), StatusCode::kCorruption);

  // A 31-byte proof element.
  proxy.set_tamper([](const std::string& target, std::string& body) {
    if (!target.ends_with("/revision")) return;
    EditIonMember(body, "Proof", [](Value& proof) {
      Bytes b = proof.elements()[0].as_bytes();
      b.pop_back();
      proof.elements()[0] = Value::Blob(b);
    });
  });
  EXPECT_EQ(check("short").code(), StatusCode::kInvalidArgument);

  // A different digest.
  proxy.set_tamper([](const std::string& target, std::string& body) {
    if (!target.ends_with("/digest")) return;
    rapidjson::Document doc;
    doc.Parse(body.c_str());
    Bytes b = *Base64Decode(doc["Digest"].GetString());
    b[31] ^= 0x80;
    std::string text = Base64Encode(b);
    doc["Digest"].SetString(text.c_str(), static_cast<rapidjson::SizeType>(text.size()),
                            doc.GetAllocator());
    rapidjson::StringBuffer sb;
    rapidjson::Writer<rapidjson::StringBuffer> w(sb);
    doc.Accept(w);
    body = sb.GetString();
  });
  EXPECT_EQ(check("digest").code(), StatusCode::kCorruption);

  // The shell's \verify reports FAILED and exits non-zero through the tampering proxy, and OK
  // without it.
  std::string cmd = std::string(FOLIO_BINARY) + " shell --endpoint " + proxy.endpoint() +
                    " --data-dir /nonexistent -c '\\verify Tampered " + doc.id + "' 2>&1";
  auto [code, out] = testing::RunCommand(cmd);
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("FAILED"), std::string::npos) << out;
  proxy.set_tamper(nullptr);
  std::tie(code, out) = testing::RunCommand(cmd);
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("OK: document " + doc.id), std::string::npos) << out;
}

}  // namespace
}  // namespace folio::driver
