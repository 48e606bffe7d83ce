#include "driver/sigv4_signer.h"

#include <gtest/gtest.h>

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
