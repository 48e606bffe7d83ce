#include "server/sigv4.h"

#include <gtest/gtest.h>

namespace folio::server {
namespace {

using std::chrono::system_clock;
using protocol::AuthErrorKind;

system_clock::time_point At(int64_t epoch) { return system_clock::from_time_t(epoch); }
constexpr int64_t k20150830T123600Z = 1440938160;
constexpr int64_t k20240506T070809Z = 1714979289;

TEST(SigV4, OfficialPostVanillaVector) {
  // aws-sig-v4-test-suite/post-vanilla (service "service"), wire-and-drivers.md section 3.
  HeaderList headers = {
      {"Host", "example.amazonaws.com"},
      {"X-Amz-Date", "20150830T123600Z"},
      {"Authorization",
       "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
       "SignedHeaders=host;x-amz-date, "
       "Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"}};
  CredentialStore store({{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""}});
  VerifyOptions opts;
  opts.service = "service";
  SignedRequestView req{"POST", "/", &headers, ""};
  AuthOutcome out = VerifySigV4(req, store, At(k20150830T123600Z), opts);
  ASSERT_TRUE(out.ok()) << out.failure->message;
  EXPECT_EQ(*out.access_key_id, "AKIDEXAMPLE");

  // The same request signed by us gives the same Authorization.
  EXPECT_EQ(SignForTest(req, *store.Find("AKIDEXAMPLE"), "host;x-amz-date", "20150830T123600Z",
                        "us-east-1", "service"),
            headers[2].second);

  // One flipped signature character fails with InvalidSignatureException.
  headers[2].second.back() = 'c';
  out = VerifySigV4(req, store, At(k20150830T123600Z), opts);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.failure->kind, AuthErrorKind::kInvalidSignature);
  EXPECT_NE(out.failure->message.find("does not match"), std::string::npos);
}

// Vectors computed with botocore 1.29.27 (SigV4Auth / SigV4QueryAuth, service qldb,
// us-east-1) for 2024-05-06T07:08:09Z, credentials AKIDFOLIOTEST / folio/secret+key.
CredentialStore BotoStore() {
  return CredentialStore({{"AKIDFOLIOTEST", "folio/secret+key", ""},
                          {"ASIATEMP", "tempsecret", "tok/en+1=="}});
}

TEST(SigV4, BotocoreSessionRequestWithoutContentSha) {
  HeaderList h = {
      {"Host", "127.0.0.1:8777"},
      {"Content-Type", "application/x-amz-json-1.0"},
      {"X-Amz-Target", "QLDBSession.SendCommand"},
      {"X-Amz-Date", "20240506T070809Z"},
      {"Authorization",
       "AWS4-HMAC-SHA256 Credential=AKIDFOLIOTEST/20240506/us-east-1/qldb/aws4_request, "
       "SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
       "Signature=815e68ce96eff1622e3e34a11e79a59cb829f6736752b2fa3136772db90d7cc3"},
      {"Content-Length", "41"}};
  std::string body = R"({"StartSession":{"LedgerName":"default"}})";
  SignedRequestView req{"POST", "/", &h, body};
  AuthOutcome out = VerifySigV4(req, BotoStore(), At(k20240506T070809Z));
  ASSERT_TRUE(out.ok()) << out.failure->message;

  // A changed body no longer verifies (we hash it ourselves).
  std::string tampered = R"({"StartSession":{"LedgerName":"other!!"}})";
  SignedRequestView req2{"POST", "/", &h, tampered};
  EXPECT_EQ(VerifySigV4(req2, BotoStore(), At(k20240506T070809Z)).failure->kind,
            AuthErrorKind::kInvalidSignature);

  // A wrong x-amz-content-sha256 is rejected even though it is not signed.
  h.emplace_back("x-amz-content-sha256", std::string(64, '0'));
  EXPECT_EQ(VerifySigV4(req, BotoStore(), At(k20240506T070809Z)).failure->kind,
            AuthErrorKind::kInvalidSignature);
}

TEST(SigV4, BotocoreDoubleEncodedArnPathAndRepeatedQueryKey) {
  HeaderList h = {
      {"Host", "127.0.0.1:8777"},
      {"X-Amz-Date", "20240506T070809Z"},
      {"Authorization",
       "AWS4-HMAC-SHA256 Credential=AKIDFOLIOTEST/20240506/us-east-1/qldb/aws4_request, "
       "SignedHeaders=host;x-amz-date, "
       "Signature=95388b81d8795f53ccb8306b63315bc50dfc6b0f38c5c57eed77effd56bbcb2d"}};
  SignedRequestView req{
      "DELETE",
      "/tags/arn%3Aaws%3Aqldb%3Aus-east-1%3A000000000000%3Aledger%2Fdefault?tagKeys=a&tagKeys=b%20c",
      &h, ""};
  AuthOutcome out = VerifySigV4(req, BotoStore(), At(k20240506T070809Z));
  ASSERT_TRUE(out.ok()) << out.failure->message;
  EXPECT_EQ(CanonicalUri("/tags/arn%3Aaws"), "/tags/arn%253Aaws");
}

TEST(SigV4, BotocoreSecurityToken) {
  HeaderList h = {
      {"Host", "127.0.0.1:8777"},
      {"X-Amz-Date", "20240506T070809Z"},
      {"X-Amz-Security-Token", "tok/en+1=="},
      {"Authorization",
       "AWS4-HMAC-SHA256 Credential=ASIATEMP/20240506/us-east-1/qldb/aws4_request, "
       "SignedHeaders=host;x-amz-date;x-amz-security-token, "
       "Signature=0502d196135c40ecc0a5f49ebfbf170f0a46b81b90a7358f9de4859b68cefd0a"}};
  SignedRequestView req{"POST", "/ledgers/default/digest", &h, ""};
  ASSERT_TRUE(VerifySigV4(req, BotoStore(), At(k20240506T070809Z)).ok());
  // A store that knows the key with another token rejects it as unrecognized.
  CredentialStore other({{"ASIATEMP", "tempsecret", "different"}});
  EXPECT_EQ(VerifySigV4(req, other, At(k20240506T070809Z)).failure->kind,
            AuthErrorKind::kUnrecognizedClient);
  // A token sent for a long-term key is rejected as well.
  CredentialStore no_token({{"ASIATEMP", "tempsecret", ""}});
  EXPECT_EQ(VerifySigV4(req, no_token, At(k20240506T070809Z)).failure->kind,
            AuthErrorKind::kUnrecognizedClient);
}

TEST(SigV4, BotocorePresignedQuery) {
  HeaderList h = {{"Host", "127.0.0.1:8777"}};
  std::string target =
      "/ledgers?max_results=2&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDFOLIOTEST%"
      "2F20240506%2Fus-east-1%2Fqldb%2Faws4_request&X-Amz-Date=20240506T070809Z&X-Amz-Expires="
      "300&X-Amz-SignedHeaders=host&X-Amz-Signature="
      "702143c06bd4c62827988bb0679a190fdb56779e74d1fa1c30ca93003a583a0e";
  SignedRequestView req{"GET", target, &h, ""};
  AuthOutcome out = VerifySigV4(req, BotoStore(), At(k20240506T070809Z + 200));
  ASSERT_TRUE(out.ok()) << out.failure->message;
  out = VerifySigV4(req, BotoStore(), At(k20240506T070809Z + 301));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.failure->kind, AuthErrorKind::kInvalidSignature);
  EXPECT_NE(out.failure->message.find("Signature expired"), std::string::npos);
}

TEST(SigV4, ClockSkew) {
  HeaderList h = {{"Host", "h"}, {"X-Amz-Date", "20240506T070809Z"}};
  Credential c{"AKIDFOLIOTEST", "folio/secret+key", ""};
  SignedRequestView req{"GET", "/ledgers", &h, ""};
  h.emplace_back("Authorization",
                 SignForTest(req, c, "host;x-amz-date", "20240506T070809Z", "eu-west-1", "qldb"));
  EXPECT_TRUE(VerifySigV4(req, BotoStore(), At(k20240506T070809Z + 299)).ok());
  EXPECT_TRUE(VerifySigV4(req, BotoStore(), At(k20240506T070809Z - 299)).ok());
  AuthOutcome late = VerifySigV4(req, BotoStore(), At(k20240506T070809Z + 301));
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.failure->kind, AuthErrorKind::kInvalidSignature);
  EXPECT_EQ(late.failure->message.rfind("Signature expired: 20240506T070809Z is now earlier than", 0),
            0u)
      << late.failure->message;
  AuthOutcome early = VerifySigV4(req, BotoStore(), At(k20240506T070809Z - 301));
  ASSERT_FALSE(early.ok());
  EXPECT_NE(early.failure->message.find("Signature not yet current"), std::string::npos);
  // Region restriction.
  VerifyOptions only_us;
  only_us.region = "us-east-1";
  EXPECT_FALSE(VerifySigV4(req, BotoStore(), At(k20240506T070809Z), only_us).ok());
}

TEST(SigV4, MalformedAndMissing) {
  CredentialStore store = BotoStore();
  auto now = At(k20240506T070809Z);
  HeaderList none = {{"Host", "h"}};
  SignedRequestView req{"GET", "/ledgers", &none, ""};
  EXPECT_EQ(VerifySigV4(req, store, now).failure->kind, AuthErrorKind::kMissingAuthenticationToken);

  auto kind_for = [&](std::string auth, std::string date = "20240506T070809Z") {
    HeaderList h = {{"Host", "h"}, {"X-Amz-Date", date}, {"Authorization", auth}};
    SignedRequestView r{"GET", "/ledgers", &h, ""};
    AuthOutcome o = VerifySigV4(r, store, now);
    return o.ok() ? AuthErrorKind::kMissingAuthenticationToken : o.failure->kind;
  };
  EXPECT_EQ(kind_for("Basic dXNlcjpwYXNz"), AuthErrorKind::kIncompleteSignature);
  EXPECT_EQ(kind_for("AWS4-HMAC-SHA256 Credential=AKIDFOLIOTEST/20240506/us-east-1/qldb/aws4_request"),
            AuthErrorKind::kIncompleteSignature);
  EXPECT_EQ(kind_for("AWS4-HMAC-SHA256 Credential=AKID/x, SignedHeaders=host;x-amz-date, Signature=00"),
            AuthErrorKind::kIncompleteSignature);
  std::string sig = ", SignedHeaders=host;x-amz-date, Signature=" + std::string(64, '0');
  EXPECT_EQ(kind_for("AWS4-HMAC-SHA256 Credential=NOPE/20240506/us-east-1/qldb/aws4_request" + sig),
            AuthErrorKind::kUnrecognizedClient);
  EXPECT_EQ(kind_for("AWS4-HMAC-SHA256 Credential=AKIDFOLIOTEST/20240506/us-east-1/s3/aws4_request" + sig),
            AuthErrorKind::kInvalidSignature);
  EXPECT_EQ(kind_for("AWS4-HMAC-SHA256 Credential=AKIDFOLIOTEST/20240507/us-east-1/qldb/aws4_request" + sig),
            AuthErrorKind::kInvalidSignature);
  EXPECT_EQ(kind_for("AWS4-HMAC-SHA256 Credential=AKIDFOLIOTEST/20240506/us-east-1/qldb/aws4_request, "
                     "SignedHeaders=x-amz-date, Signature=" + std::string(64, '0')),
            AuthErrorKind::kInvalidSignature);
  EXPECT_EQ(kind_for("AWS4-HMAC-SHA256 Credential=AKIDFOLIOTEST/20240506/us-east-1/qldb/aws4_request" + sig,
                     "2024-05-06"),
            AuthErrorKind::kIncompleteSignature);
  // A signed header that is not present.
  EXPECT_EQ(kind_for("AWS4-HMAC-SHA256 Credential=AKIDFOLIOTEST/20240506/us-east-1/qldb/aws4_request, "
                     "SignedHeaders=host;x-amz-date;x-amz-target, Signature=" + std::string(64, '0')),
            AuthErrorKind::kInvalidSignature);
}

TEST(SigV4, Helpers) {
  EXPECT_EQ(UriEncode("a b/~_.-%"), "a%20b%2F~_.-%25");
  EXPECT_EQ(*CanonicalQuery("b=2&a=1&a=0&c"), "a=0&a=1&b=2&c=");
  EXPECT_EQ(*CanonicalQuery("k=a%20b+c"), "k=a%20b%2Bc");
  EXPECT_EQ(FormatAmzDate(At(k20240506T070809Z)), "20240506T070809Z");
  HeaderList h = {{"X-Dup", "a"}, {"x-dup", "b"}};
  EXPECT_EQ(*FindHeader(h, "X-DUP"), "a,b");
}

}  // namespace
}  // namespace folio::server
