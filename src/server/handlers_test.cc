#include "server/handlers.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "common/bytes.h"
#include "ion/ion.h"
#include "server/fake_engine_test.h"

namespace folio::server {
namespace {

using testing::FakeDigest;
using testing::FakeEngine;

class HandlersTest : public ::testing::Test {
 protected:
  HandlersTest() : service_(&engine_, Options(false), &metrics_) {
    engine::CreateLedgerParams p;
    p.name = "default";
    p.deletion_protection = false;
    EXPECT_TRUE(engine_.CreateLedger(p).ok());
  }
  static ServiceOptions Options(bool auth) {
    ServiceOptions o;
    o.auth_enabled = auth;
    o.credentials.Add({"AKIDLOCAL", "secretlocal", ""});
    return o;
  }

  HttpResponse Send(Service& svc, const std::string& body,
                    const std::string& target_header = "QLDBSession.SendCommand") {
    HttpRequest req{"POST", "/", {{"Host", "127.0.0.1:8777"},
                                  {"Content-Type", "application/x-amz-json-1.0"},
                                  {"X-Amz-Target", target_header}},
                    body};
    return svc.Handle(req, "req-1");
  }
  HttpResponse Send(const std::string& body) { return Send(service_, body); }

  HttpResponse Control(const std::string& method, const std::string& target,
                       const std::string& body = "") {
    HttpRequest req{method, target, {{"Host", "127.0.0.1:8777"}}, body};
    return service_.Handle(req, "req-2");
  }

  static rapidjson::Document Json(const HttpResponse& r) {
    rapidjson::Document d;
    d.Parse(r.body.c_str());
    EXPECT_FALSE(d.HasParseError()) << r.body;
    return d;
  }
  static std::string Header(const HttpResponse& r, std::string_view name) {
    return FindHeader(r.headers, name).value_or("");
  }
  static void ExpectError(const HttpResponse& r, int status, std::string_view type,
                          std::string_view message_part = "") {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(Header(r, "x-amzn-ErrorType"), type) << r.body;
    auto d = Json(r);
    std::string t = d["__type"].GetString();
    EXPECT_EQ(t.substr(t.find('#') + 1), type);
    EXPECT_NE(std::string(d["Message"].GetString()).find(message_part), std::string::npos)
        << d["Message"].GetString();
  }

  std::string StartSession() {
    auto r = Send(R"({"StartSession":{"LedgerName":"default"}})");
    EXPECT_EQ(r.status, 200) << r.body;
    return Json(r)["StartSession"]["SessionToken"].GetString();
  }
  std::string StartTxn(const std::string& tok) {
    auto r = Send(R"({"SessionToken":")" + tok + R"(","StartTransaction":{}})");
    EXPECT_EQ(r.status, 200) << r.body;
    return Json(r)["StartTransaction"]["TransactionId"].GetString();
  }

  FakeEngine engine_;
  Metrics metrics_;
  Service service_;
};

TEST_F(HandlersTest, FullTransactionOverTheWire) {
  std::string tok = StartSession();
  std::string txn = StartTxn(tok);
  Bytes param = ion::WriteBinary(ion::Value::String("Raul"));
  auto r = Send(R"({"SessionToken":")" + tok + R"(","ExecuteStatement":{"TransactionId":")" + txn +
                R"(","Statement":"ECHO","Parameters":[{"IonBinary":")" + Base64Encode(param) +
                R"("},{"IonText":"{a:1.50}"}]}})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Header(r, "Content-Type"), "application/x-amz-json-1.0");
  EXPECT_EQ(Header(r, "x-amzn-RequestId"), "req-1");
  EXPECT_FALSE(Header(r, "Date").empty());
  auto d = Json(r);
  const auto& values = d["ExecuteStatement"]["FirstPage"]["Values"];
  ASSERT_EQ(values.Size(), 2u);
  auto v0 = Base64Decode(values[0]["IonBinary"].GetString());
  EXPECT_EQ(*ion::ReadOne(*v0), ion::Value::String("Raul"));
  auto v1 = Base64Decode(values[1]["IonBinary"].GetString());
  EXPECT_EQ(*ion::ReadOne(*v1), *ion::ReadOneText("{a:1.50}"));
  EXPECT_TRUE(d["ExecuteStatement"].HasMember("ConsumedIOs"));
  EXPECT_TRUE(d["ExecuteStatement"].HasMember("TimingInformation"));

  // Paging through FetchPage.
  r = Send(R"({"SessionToken":")" + tok + R"(","ExecuteStatement":{"TransactionId":")" + txn +
           R"(","Statement":"ROWS 201","Parameters":[]}})");
  d = Json(r);
  std::string next = d["ExecuteStatement"]["FirstPage"]["NextPageToken"].GetString();
  r = Send(R"({"SessionToken":")" + tok + R"(","FetchPage":{"TransactionId":")" + txn +
           R"(","NextPageToken":")" + next + R"("}})");
  ASSERT_EQ(r.status, 200) << r.body;
  d = Json(r);
  EXPECT_EQ(d["FetchPage"]["Page"]["Values"].Size(), 1u);
  EXPECT_FALSE(d["FetchPage"]["Page"].HasMember("NextPageToken"));

  std::string digest = Base64Encode(FakeDigest(txn));
  r = Send(R"({"SessionToken":")" + tok + R"(","CommitTransaction":{"TransactionId":")" + txn +
           R"(","CommitDigest":")" + digest + R"("}})");
  ASSERT_EQ(r.status, 200) << r.body;
  d = Json(r);
  EXPECT_EQ(std::string(d["CommitTransaction"]["CommitDigest"].GetString()), digest);
  EXPECT_EQ(std::string(d["CommitTransaction"]["TransactionId"].GetString()), txn);

  r = Send(R"({"SessionToken":")" + tok + R"(","AbortTransaction":{}})");
  EXPECT_EQ(r.status, 200);
  r = Send(R"({"SessionToken":")" + tok + R"(","EndSession":{}})");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"EndSession":{"TimingInformation":{"ProcessingTimeMilliseconds":0}}})");
}

TEST_F(HandlersTest, SessionErrors) {
  ExpectError(Send("{nope"), 400, "BadRequestException", "Malformed JSON");
  ExpectError(Send(service_, R"({"StartTransaction":{}})", "QLDBSession.Other"), 400,
              "UnknownOperationException");
  ExpectError(Send(R"({"StartTransaction":{}})"), 400, "BadRequestException", "SessionToken is required");
  ExpectError(Send(R"({"StartSession":{"LedgerName":"missing"}})"), 400, "BadRequestException",
              "missing");
  ExpectError(Send(R"({"SessionToken":"AAAAAAAA","StartTransaction":{}})"), 400,
              "InvalidSessionException", "No such session");
  std::string tok = StartSession();
  std::string txn = StartTxn(tok);
  ExpectError(Send(R"({"SessionToken":")" + tok + R"(","StartTransaction":{}})"), 400,
              "BadRequestException", "Transaction already open");
  ExpectError(Send(R"({"SessionToken":")" + tok + R"(","ExecuteStatement":{"TransactionId":")" +
                   txn + R"(","Statement":"ECHO","Parameters":[{"IonBinary":"AAAA"}]}})"),
              400, "BadRequestException", "is not valid Ion");
  ExpectError(Send(R"({"SessionToken":")" + tok + R"(","ExecuteStatement":{"TransactionId":")" +
                   txn + R"(","Statement":"ECHO","Parameters":[{"IonText":"1 2"}]}})"),
              400, "BadRequestException", "exactly one Ion value");
  ExpectError(Send(R"({"SessionToken":")" + tok + R"(","ExecuteStatement":{"TransactionId":")" +
                   txn + R"(","Statement":"ECHO","Parameters":[{"IonText":"{{{"}]}})"),
              400, "BadRequestException", "is not valid Ion");
  ExpectError(Send(R"({"SessionToken":")" + tok + R"(","ExecuteStatement":{"TransactionId":")" +
                   txn + R"(","Statement":"QUOTA","Parameters":[]}})"),
              400, "BadRequestException", "too many documents");
  // After statement errors the transaction is still usable.
  EXPECT_EQ(Send(R"({"SessionToken":")" + tok + R"(","ExecuteStatement":{"TransactionId":")" +
                 txn + R"(","Statement":"ROWS 1","Parameters":[]}})")
                .status,
            200);
}

TEST_F(HandlersTest, OccConflictAndDigestMismatch) {
  std::string tok = StartSession();
  std::string txn = StartTxn(tok);
  Send(R"({"SessionToken":")" + tok + R"(","ExecuteStatement":{"TransactionId":")" + txn +
       R"(","Statement":"CONFLICT","Parameters":[]}})");
  auto r = Send(R"({"SessionToken":")" + tok + R"(","CommitTransaction":{"TransactionId":")" + txn +
                R"(","CommitDigest":")" + Base64Encode(FakeDigest(txn)) + R"("}})");
  ExpectError(r, 400, "OccConflictException", "Optimistic concurrency control");
  EXPECT_FALSE(Json(r).HasMember("Code"));
  std::string txn2 = StartTxn(tok);  // the session is still usable
  r = Send(R"({"SessionToken":")" + tok + R"(","CommitTransaction":{"TransactionId":")" + txn2 +
           R"(","CommitDigest":")" + Base64Encode(Sha256Digest("bad")) + R"("}})");
  ExpectError(r, 400, "BadRequestException", "Digests don't match");
  std::string metrics = metrics_.Render(0);
  EXPECT_NE(metrics.find("folio_occ_conflicts_total 1"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("folio_requests_total{operation=\"CommitTransaction\",status=\"400\"} 2"),
            std::string::npos)
      << metrics;
}

TEST_F(HandlersTest, ControlPlane) {
  auto r = Control("POST", "/ledgers", R"({"Name":"l2","PermissionsMode":"ALLOW_ALL"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Header(r, "Content-Type"), "application/json");
  auto d = Json(r);
  EXPECT_TRUE(d["CreationDateTime"].IsNumber());
  EXPECT_TRUE(d["DeletionProtection"].GetBool());
  ExpectError(Control("POST", "/ledgers", R"({"Name":"l2","PermissionsMode":"ALLOW_ALL"})"), 409,
              "ResourceAlreadyExistsException");
  ExpectError(Control("POST", "/ledgers", R"({"Name":"l3","PermissionsMode":"ALLOW_ALL","KmsKey":"arn:aws:kms:x"})"),
              400, "InvalidParameterException", "KMS");
  r = Control("GET", "/ledgers/l2");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(std::string(Json(r)["EncryptionDescription"]["EncryptionStatus"].GetString()), "ENABLED");
  ExpectError(Control("GET", "/ledgers/nope"), 404, "ResourceNotFoundException");
  EXPECT_EQ(std::string(Json(Control("GET", "/ledgers/nope"))["ResourceType"].GetString()), "LEDGER");
  ExpectError(Control("DELETE", "/ledgers/l2"), 412, "ResourcePreconditionNotMetException");
  r = Control("PATCH", "/ledgers/l2", R"({"DeletionProtection":false})");
  ASSERT_EQ(r.status, 200);
  EXPECT_FALSE(Json(r)["DeletionProtection"].GetBool());
  r = Control("PATCH", "/ledgers/l2/permissions-mode", R"({"PermissionsMode":"ALLOW_ALL"})");
  ASSERT_EQ(r.status, 200) << r.body;
  ExpectError(Control("PATCH", "/ledgers/l2/permissions-mode", R"({"PermissionsMode":"STANDARD"})"),
              400, "InvalidParameterException", "permissions mode");

  // Paging: default, l2 sorted; one per page.
  r = Control("GET", "/ledgers?max_results=1");
  d = Json(r);
  ASSERT_EQ(d["Ledgers"].Size(), 1u);
  EXPECT_EQ(std::string(d["Ledgers"][0]["Name"].GetString()), "default");
  std::string next = d["NextToken"].GetString();
  r = Control("GET", "/ledgers?max_results=1&next_token=" + next);
  d = Json(r);
  ASSERT_EQ(d["Ledgers"].Size(), 1u);
  EXPECT_EQ(std::string(d["Ledgers"][0]["Name"].GetString()), "l2");
  EXPECT_FALSE(d.HasMember("NextToken"));

  r = Control("POST", "/ledgers/l2/digest");
  ASSERT_EQ(r.status, 200) << r.body;
  d = Json(r);
  EXPECT_EQ(Base64Decode(d["Digest"].GetString())->size(), 32u);
  std::string tip = d["DigestTipAddress"]["IonText"].GetString();
  EXPECT_TRUE(ion::ReadOneText(tip).ok());
  r = Control("POST", "/ledgers/l2/block",
              R"({"BlockAddress":{"IonText":"{strandId:\"StrandStrandStrandStra\",sequenceNo:3}"},"DigestTipAddress":{"IonText":)" +
                  std::string(Json(Control("POST", "/ledgers/l2/digest"))["DigestTipAddress"]["IonText"].IsString() ? "\"" : "") +
                  "{strandId:\\\"StrandStrandStrandStra\\\",sequenceNo:7}\"}}");
  ASSERT_EQ(r.status, 200) << r.body;
  d = Json(r);
  auto proof = ion::ReadOneText(d["Proof"]["IonText"].GetString());
  ASSERT_TRUE(proof.ok());
  ASSERT_EQ(proof->elements().size(), 2u);
  EXPECT_EQ(proof->elements()[0].type(), ion::Type::kBlob);
  EXPECT_TRUE(ion::ReadOneText(d["Block"]["IonText"].GetString()).ok());
  ExpectError(Control("POST", "/ledgers/l2/block", R"({"BlockAddress":{"IonText":"{strandId:\"S\",sequenceNo:99}"}})"),
              400, "InvalidParameterException", "beyond");
  ExpectError(Control("POST", "/ledgers/l2/block", R"({"BlockAddress":{"IonText":"not ion {"}})"), 400,
              "InvalidParameterException", "BlockAddress");
  r = Control("POST", "/ledgers/l2/revision",
              R"({"BlockAddress":{"IonText":"{strandId:\"S\",sequenceNo:1}"},"DocumentId":"3Qv67yjXEwB9SjmvkuG6Cp"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(Json(r).HasMember("Proof"));

  std::string arn = "/tags/arn%3Aaws%3Aqldb%3Aus-east-1%3A000000000000%3Aledger%2Fl2";
  EXPECT_EQ(Control("POST", arn, R"({"Tags":{"a":"1","b c":"2"}})").status, 200);
  EXPECT_EQ(Control("DELETE", arn + "?tagKeys=a").status, 200);
  r = Control("GET", arn);
  EXPECT_EQ(r.body, R"({"Tags":{"b c":"2"}})");
  ExpectError(Control("GET", "/tags/arn%3Aaws%3Aqldb%3Aus-east-1%3A0%3Aledger%2Fnope"), 404,
              "ResourceNotFoundException");

  ExpectError(Control("POST", "/ledgers/l2/journal-s3-exports", "{}"), 400,
              "InvalidParameterException", "Amazon S3");
  ExpectError(Control("POST", "/ledgers/l2/journal-kinesis-streams", "{}"), 400,
              "InvalidParameterException", "Kinesis");
  ExpectError(Control("GET", "/whatever"), 404, "UnknownOperationException");

  EXPECT_EQ(Control("DELETE", "/ledgers/l2").status, 200);
  ExpectError(Control("GET", "/ledgers/l2"), 404, "ResourceNotFoundException");
}

TEST_F(HandlersTest, Metrics) {
  StartSession();
  auto r = Control("GET", "/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("folio_active_sessions 1"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("folio_requests_total{operation=\"StartSession\",status=\"200\"} 1"),
            std::string::npos);
  EXPECT_NE(r.body.find("folio_request_duration_seconds_bucket{operation=\"StartSession\",le=\"+Inf\"} 1"),
            std::string::npos);
}

TEST_F(HandlersTest, Authentication) {
  auto wall = [] { return std::chrono::system_clock::from_time_t(1714979289); };
  Service svc(&engine_, Options(true), &metrics_, wall);
  std::string body = R"({"StartSession":{"LedgerName":"default"}})";
  HttpRequest req{"POST", "/", {{"Host", "127.0.0.1:8777"},
                                {"Content-Type", "application/x-amz-json-1.0"},
                                {"X-Amz-Target", "QLDBSession.SendCommand"},
                                {"X-Amz-Date", "20240506T070809Z"}},
                  body};
  // Unsigned.
  auto r = svc.Handle(req, "r");
  ExpectError(r, 400, "MissingAuthenticationTokenException", "Missing Authentication Token");
  SignedRequestView view{req.method, req.target, &req.headers, req.body};
  Credential cred{"AKIDLOCAL", "secretlocal", ""};
  req.headers.emplace_back("Authorization",
                           SignForTest(view, cred, "content-type;host;x-amz-date;x-amz-target",
                                       "20240506T070809Z", "us-east-1", "qldb"));
  r = svc.Handle(req, "r");
  EXPECT_EQ(r.status, 200) << r.body;
  // Body changed after signing.
  req.body = R"({"StartSession":{"LedgerName":"defaulu"}})";
  ExpectError(svc.Handle(req, "r"), 400, "InvalidSignatureException", "does not match");
  // Wrong key id.
  req.body = body;
  Credential other{"AKIDOTHER", "secretlocal", ""};
  req.headers.back().second = SignForTest(view, other, "content-type;host;x-amz-date;x-amz-target",
                                          "20240506T070809Z", "us-east-1", "qldb");
  ExpectError(svc.Handle(req, "r"), 400, "UnrecognizedClientException");
  // Control plane auth errors are 403.
  HttpRequest ctl{"GET", "/ledgers", {{"Host", "h"}}, ""};
  ExpectError(svc.Handle(ctl, "r"), 403, "MissingAuthenticationTokenException");
  // Skew.
  Service late(&engine_, Options(true), &metrics_,
               [] { return std::chrono::system_clock::from_time_t(1714979289 + 600); });
  req.headers.back().second = SignForTest(view, cred, "content-type;host;x-amz-date;x-amz-target",
                                          "20240506T070809Z", "us-east-1", "qldb");
  ExpectError(late.Handle(req, "r"), 400, "InvalidSignatureException", "Signature expired");
}

TEST_F(HandlersTest, SessionRequestsOverTheRateAreRefused) {
  ServiceOptions o = Options(false);
  o.max_session_requests_per_second = 2;
  auto now = std::chrono::steady_clock::time_point(std::chrono::hours(1000));
  Service svc(&engine_, std::move(o), &metrics_, {}, [&] { return now; });
  const std::string start = R"({"StartSession":{"LedgerName":"default"}})";
  EXPECT_EQ(Send(svc, start).status, 200);
  EXPECT_EQ(Send(svc, start).status, 200);
  ExpectError(Send(svc, start), 400, "RateExceededException", "Rate exceeded");
  // The control plane is not throttled; the bucket refills with time.
  EXPECT_NE(svc.Handle(HttpRequest{"GET", "/ledgers", {{"Host", "h"}}, ""}, "r").error_type,
            "RateExceededException");
  now += std::chrono::milliseconds(500);
  EXPECT_EQ(Send(svc, start).status, 200);
}

TEST_F(HandlersTest, MayBlockClassifiesDurableWork) {
  auto session = [](std::string body) {
    return HttpRequest{"POST", "/", {{"X-Amz-Target", "QLDBSession.SendCommand"}}, std::move(body)};
  };
  // A session commit completes asynchronously (HandleAsync): it never blocks an I/O thread.
  EXPECT_FALSE(Service::MayBlock(session(
      R"({"SessionToken":"t","CommitTransaction":{"TransactionId":"x","CommitDigest":"AA=="}})")));
  EXPECT_FALSE(Service::MayBlock(session(R"({"SessionToken":"t","StartTransaction":{}})")));
  EXPECT_FALSE(Service::MayBlock(session(
      R"({"SessionToken":"t","ExecuteStatement":{"TransactionId":"x","Statement":"SELECT 1"}})")));
  EXPECT_TRUE(Service::MayBlock(HttpRequest{"POST", "/ledgers", {}, "{}"}));
  EXPECT_TRUE(Service::MayBlock(HttpRequest{"DELETE", "/ledgers/x", {}, ""}));
  EXPECT_FALSE(Service::MayBlock(HttpRequest{"GET", "/metrics", {}, ""}));
}

}  // namespace
}  // namespace folio::server
