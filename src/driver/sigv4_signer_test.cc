#include "driver/sigv4_signer.h"

#include <gtest/gtest.h>

#include <ctime>

#include "common/bytes.h"

namespace folio::driver {
namespace {

// 2015-08-30T12:36:00Z, the date of the official SigV4 test suite.
const auto kSuiteTime = std::chrono::system_clock::from_time_t(1440938160);
const Credentials kSuiteCredentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};

std::string Authorization(const RequestToSign& r) {
  for (const auto& [n, v] : r.headers) {
    if (n == "Authorization") return v;
  }
  return "";
}

TEST(SigV4Signer, PostVanillaOfficialVector) {
  RequestToSign req{"POST", "/", {{"Host", "example.amazonaws.com"}}, ""};
  SignRequest(req, kSuiteCredentials, "us-east-1", "service", kSuiteTime);
  EXPECT_EQ(Authorization(req),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
  EXPECT_EQ(CanonicalRequest(req).substr(0, 7), "POST\n/\n");
}

TEST(SigV4Signer, GetVanillaQueryOrderKeyCaseOfficialVector) {
  RequestToSign req{
      "GET", "/?Param2=value2&Param1=value1", {{"Host", "example.amazonaws.com"}}, ""};
  SignRequest(req, kSuiteCredentials, "us-east-1", "service", kSuiteTime);
  EXPECT_NE(Authorization(req).find(
                "Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
            std::string::npos)
      << Authorization(req);
}

TEST(SigV4Signer, CanonicalRequestDoubleEncodesPathAndSortsQuery) {
  RequestToSign req{"GET",
                    "/tags/arn%3Aaws%3Aqldb?tagKeys=b%20c&tagKeys=a",
                    {{"Host", "h:1"}, {"X-Amz-Date", "20150830T123600Z"}, {"X-A", "  x   y "}},
                    ""};
  std::string creq = CanonicalRequest(req);
  EXPECT_EQ(creq,
            "GET\n/tags/arn%253Aaws%253Aqldb\ntagKeys=a&tagKeys=b%20c\n"
            "host:h:1\nx-a:x y\nx-amz-date:20150830T123600Z\n\nhost;x-a;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(SigV4Signer, SessionTokenIsSentAndSigned) {
  RequestToSign req{"POST", "/", {{"Host", "example.amazonaws.com"}}, "{}"};
  Credentials c = kSuiteCredentials;
  c.session_token = "TOKEN";
  SignRequest(req, c, "eu-west-1", "qldb", kSuiteTime);
  bool has_token = false;
  for (const auto& [n, v] : req.headers) has_token |= n == "X-Amz-Security-Token" && v == "TOKEN";
  EXPECT_TRUE(has_token);
  EXPECT_NE(Authorization(req).find("/eu-west-1/qldb/aws4_request, "
                                    "SignedHeaders=host;x-amz-date;x-amz-security-token,"),
            std::string::npos);
}

TEST(SigV4Signer, ResigningReplacesHeaders) {
  RequestToSign req{"POST", "/", {{"Host", "example.amazonaws.com"}}, ""};
  SignRequest(req, kSuiteCredentials, "us-east-1", "service", kSuiteTime);
  SignRequest(req, kSuiteCredentials, "us-east-1", "service", kSuiteTime);
  EXPECT_EQ(req.headers.size(), 3u);
  EXPECT_NE(Authorization(req).find("5da7c1a2acd57cee"), std::string::npos);
}

TEST(SigV4Signer, UriEncodeKeepsOnlyUnreserved) {
  EXPECT_EQ(UriEncode("aZ09-_.~ /:+="), "aZ09-_.~%20%2F%3A%2B%3D");
  EXPECT_EQ(AmzDate(kSuiteTime), "20150830T123600Z");
}

}  // namespace
}  // namespace folio::driver

namespace folio::driver {
namespace {

std::string Hex(const Hash256& h) { return HexEncode(h); }

TEST(SigV4SigningKey, MatchesTheDocumentedDerivation) {
  // The worked example of AWS's "derive a signing key" documentation.
  EXPECT_EQ(Hex(DeriveSigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215",
                                 "us-east-1", "iam")),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST(SigV4SigningKey, MatchesOpenSslHmacForLongAndShortSecrets) {
  // "AWS4" + a 61-byte secret is longer than the HMAC block and is hashed first.
  for (std::string secret : {std::string(""), std::string("s"), std::string(60, 'k'),
                             std::string(61, 'k'), std::string(200, 'z')}) {
    std::string k0 = "AWS4" + secret;
    Hash256 k = HmacSha256(AsSpan(k0), "20260101");
    k = HmacSha256(k, "eu-west-1");
    k = HmacSha256(k, "qldb");
    k = HmacSha256(k, "aws4_request");
    EXPECT_EQ(Hex(DeriveSigningKey(secret, "20260101", "eu-west-1", "qldb")), Hex(k))
        << secret.size();
  }
}

TEST(SigV4SigningKey, CacheDerivesOncePerDateAndKeyAndMatchesAFreshDerivation) {
  SigningKeyCache cache;
  const std::string secret = kSuiteCredentials.secret_access_key;
  Hash256 a = cache.Get(secret, "20150830", "us-east-1", "qldb");
  EXPECT_EQ(cache.Get(secret, "20150830", "us-east-1", "qldb"), a);
  EXPECT_EQ(cache.derivations(), 1);
  EXPECT_EQ(a, DeriveSigningKey(secret, "20150830", "us-east-1", "qldb"));
  Hash256 b = cache.Get(secret, "20150831", "us-east-1", "qldb");  // the date changed
  EXPECT_EQ(cache.derivations(), 2);
  EXPECT_NE(a, b);
  EXPECT_EQ(b, DeriveSigningKey(secret, "20150831", "us-east-1", "qldb"));
  EXPECT_EQ(cache.Get(secret, "20150831", "eu-west-1", "qldb"),
            DeriveSigningKey(secret, "20150831", "eu-west-1", "qldb"));
  EXPECT_EQ(cache.Get("other", "20150831", "eu-west-1", "qldb"),
            DeriveSigningKey("other", "20150831", "eu-west-1", "qldb"));
  EXPECT_EQ(cache.Get("other", "20150831", "eu-west-1", "s3"),
            DeriveSigningKey("other", "20150831", "eu-west-1", "s3"));
  EXPECT_EQ(cache.derivations(), 5);
}

TEST(SigV4Signer, CachedSigningEqualsUncachedAcrossMidnight) {
  SigningKeyCache cache;
  // 23:59:59 on 2015-08-30, then 00:00:00 and 00:00:01 on 2015-08-31.
  for (int64_t t : {1440979199LL, 1440979200LL, 1440979201LL, 1440938160LL}) {
    auto now = std::chrono::system_clock::from_time_t(t);
    RequestToSign fresh{"POST",
                        "/",
                        {{"Host", "127.0.0.1:8777"},
                         {"Content-Type", "application/x-amz-json-1.0"},
                         {"X-Amz-Target", "QLDBSession.SendCommand"}},
                        R"({"StartTransaction":{}})"};
    HeaderList cached = fresh.headers;
    SignRequest(fresh, kSuiteCredentials, "us-east-1", "qldb", now);
    SignHeaders(fresh.method, fresh.target, cached, fresh.body, kSuiteCredentials, "us-east-1",
                "qldb", now, &cache);
    EXPECT_EQ(cached, fresh.headers) << t;
  }
  EXPECT_EQ(cache.derivations(), 3);  // 2015-08-30, 2015-08-31, then 2015-08-30 again
}

TEST(SigV4Signer, PostVanillaCanonicalRequestIsTheOfficialOne) {
  RequestToSign req{
      "POST", "/", {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}}, ""};
  EXPECT_EQ(CanonicalRequest(req),
            "POST\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
            "host;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(StringToSign("20150830T123600Z", "us-east-1", "service", CanonicalRequest(req)),
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87");
}

TEST(SigV4Signer, CanonicalHeadersJoinRepeatedNamesInRequestOrder) {
  RequestToSign req{"GET",
                    "/",
                    {{"My-Header1", "value4"},
                     {"Host", "example.amazonaws.com"},
                     {"my-header1", " value1"},
                     {"MY-HEADER1", "value3  "},
                     {"X-Amz-Date", "20150830T123600Z"},
                     {"Empty", ""}},
                    "body"};
  EXPECT_EQ(CanonicalRequest(req),
            "GET\n/\n\nempty:\nhost:example.amazonaws.com\nmy-header1:value4,value1,value3\n"
            "x-amz-date:20150830T123600Z\n\nempty;host;my-header1;x-amz-date\n"
            "230d8358dc8e8890b4c58deeb62912ee2f20357ae92a5cc861b98e68fe31acb5");
}

TEST(SigV4Signer, AmzDateMatchesStrftime) {
  for (int64_t t = -2208988800LL; t < 4102444800LL; t += 86400 * 37 + 3607) {
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof(buf), "%Y%m%dT%H%M%SZ", &tm);
    ASSERT_EQ(AmzDate(std::chrono::system_clock::from_time_t(tt)), buf) << t;
  }
  // Sub-second precision is truncated, not rounded.
  EXPECT_EQ(AmzDate(kSuiteTime + std::chrono::milliseconds(999)), "20150830T123600Z");
}

}  // namespace
}  // namespace folio::driver
