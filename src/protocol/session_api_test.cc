#include "protocol/session_api.h"

#include <gtest/gtest.h>

#include <string>

namespace folio::protocol {
namespace {

const std::string kTxn = "8A8yFbEVNTxFPXDdhYR9Ot";
const std::string kDigest = "r0gSP7oPWw4AcRLPNAQqJNqA3VwiXkjo0Y5G+RB/0Fk=";

std::string ErrorOf(std::string_view body) {
  auto r = ParseSendCommand(body);
  EXPECT_FALSE(r.ok()) << body;
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  return r.status().message();
}

TEST(ParseSendCommand, StartSession) {
  auto r = ParseSendCommand(R"({"StartSession":{"LedgerName":"test-ledger"}})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->command, Command::kStartSession);
  EXPECT_EQ(r->ledger_name, "test-ledger");
  EXPECT_FALSE(r->session_token.has_value());
}

TEST(ParseSendCommand, ExecuteStatementWithParameters) {
  std::string body = R"({"SessionToken":"abcd+/=-","ExecuteStatement":{"Statement":"INSERT INTO Person ?","TransactionId":")" +
                     kTxn + R"(","Parameters":[{"IonBinary":"4AEA6iE="},{"IonText":"{a:1}"}]}})";
  auto r = ParseSendCommand(body);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->command, Command::kExecuteStatement);
  EXPECT_EQ(*r->session_token, "abcd+/=-");
  EXPECT_EQ(r->transaction_id, kTxn);
  EXPECT_EQ(r->statement, "INSERT INTO Person ?");
  ASSERT_EQ(r->parameters.size(), 2u);
  EXPECT_EQ(*r->parameters[0].ion_binary, (Bytes{0xE0, 0x01, 0x00, 0xEA, 0x21}));
  EXPECT_EQ(*r->parameters[1].ion_text, "{a:1}");
}

TEST(ParseSendCommand, EmptyParametersAndNullMembers) {
  auto r = ParseSendCommand(R"({"SessionToken":"tokn","StartSession":null,"ExecuteStatement":{"Statement":"SELECT 1 FROM t","TransactionId":")" +
                            kTxn + R"(","Parameters":[]}})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->parameters.empty());
}

TEST(ParseSendCommand, CommitFetchAbortEnd) {
  auto c = ParseSendCommand(R"({"SessionToken":"tokn","CommitTransaction":{"TransactionId":")" +
                            kTxn + R"(","CommitDigest":")" + kDigest + R"("}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(Base64Encode(c->commit_digest), kDigest);
  auto f = ParseSendCommand(R"({"SessionToken":"tokn","FetchPage":{"TransactionId":")" + kTxn +
                            R"(","NextPageToken":"page1"}})");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->next_page_token, "page1");
  EXPECT_TRUE(ParseSendCommand(R"({"SessionToken":"tokn","AbortTransaction":{}})").ok());
  EXPECT_TRUE(ParseSendCommand(R"({"SessionToken":"tokn","EndSession":{}})").ok());
  EXPECT_TRUE(ParseSendCommand(R"({"SessionToken":"tokn","StartTransaction":{}})").ok());
}

TEST(ParseSendCommand, RejectsMalformedJson) {
  EXPECT_NE(ErrorOf("{").find("Malformed JSON"), std::string::npos);
  EXPECT_NE(ErrorOf("").find("Malformed JSON"), std::string::npos);
  EXPECT_NE(ErrorOf(R"({"StartTransaction":{}} x)").find("Malformed JSON"), std::string::npos);
  EXPECT_NE(ErrorOf("[1]").find("JSON object"), std::string::npos);
  EXPECT_NE(ErrorOf("\"\xff\"").find("Malformed JSON"), std::string::npos);
  // Deep nesting is rejected as a value error without recursion.
  std::string deep(100000, '[');
  EXPECT_FALSE(ParseSendCommand(deep).ok());
}

TEST(ParseSendCommand, RejectsCommandCountAndUnknownMembers) {
  EXPECT_NE(ErrorOf("{}").find("exactly one command"), std::string::npos);
  EXPECT_NE(ErrorOf(R"({"StartTransaction":{},"EndSession":{}})").find("exactly one command"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"Bogus":{}})").find("Unknown member 'Bogus'"), std::string::npos);
  EXPECT_NE(ErrorOf(R"({"StartTransaction":{"X":1}})").find("Unknown member 'X'"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"StartTransaction":[]})").find("structure"), std::string::npos);
  EXPECT_NE(ErrorOf(R"({"StartTransaction":{},"StartTransaction":{}})").find("Duplicate"),
            std::string::npos);
}

TEST(ParseSendCommand, ValidatesConstraints) {
  EXPECT_NE(ErrorOf(R"({"StartSession":{}})").find("LedgerName is required"), std::string::npos);
  EXPECT_NE(ErrorOf(R"({"StartSession":{"LedgerName":5}})").find("must be a string"),
            std::string::npos);
  for (const char* bad : {"", "a--b", "-ab", "ab-", "123", "a_b", "abcdefghijabcdefghijabcdefghijabc"}) {
    EXPECT_NE(ErrorOf(std::string(R"({"StartSession":{"LedgerName":")") + bad + "\"}}")
                  .find("LedgerName"),
              std::string::npos)
        << bad;
  }
  EXPECT_TRUE(ParseSendCommand(R"({"StartSession":{"LedgerName":"a1-b2"}})").ok());
  EXPECT_NE(ErrorOf(R"({"SessionToken":"abc","StartTransaction":{}})").find("SessionToken"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"SessionToken":"ab cd","StartTransaction":{}})").find("pattern"),
            std::string::npos);
  EXPECT_NE(ErrorOf(std::string(R"({"SessionToken":")") + std::string(1025, 'a') +
                    R"(","StartTransaction":{}})")
                .find("1024"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"SessionToken":"tokn","ExecuteStatement":{"Statement":"x","TransactionId":"short"}})")
                .find("22 characters"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"SessionToken":"tokn","ExecuteStatement":{"TransactionId":")" + kTxn +
                    R"("}})")
                .find("Statement is required"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"SessionToken":"tokn","ExecuteStatement":{"Statement":"","TransactionId":")" +
                    kTxn + R"("}})")
                .find("between 1 and 100000"),
            std::string::npos);
  std::string huge(100001, 'x');
  EXPECT_NE(ErrorOf(R"({"SessionToken":"tokn","ExecuteStatement":{"Statement":")" + huge +
                    R"(","TransactionId":")" + kTxn + R"("}})")
                .find("between 1 and 100000"),
            std::string::npos);
  // 100000 multi-byte characters are within the limit.
  std::string wide;
  for (int i = 0; i < 100000; ++i) wide += "\xc3\xa9";
  EXPECT_TRUE(ParseSendCommand(R"({"SessionToken":"tokn","ExecuteStatement":{"Statement":")" +
                               wide + R"(","TransactionId":")" + kTxn + R"("}})")
                  .ok());
}

TEST(ParseSendCommand, ValidatesParameters) {
  auto exec = [](const std::string& params) {
    return R"({"SessionToken":"tokn","ExecuteStatement":{"Statement":"SELECT ?","TransactionId":")" +
           kTxn + R"(","Parameters":)" + params + "}}";
  };
  EXPECT_NE(ErrorOf(exec("{}")).find("must be a list"), std::string::npos);
  EXPECT_NE(ErrorOf(exec("[1]")).find("ValueHolder"), std::string::npos);
  EXPECT_NE(ErrorOf(exec("[{}]")).find("exactly one of IonBinary or IonText"), std::string::npos);
  EXPECT_NE(ErrorOf(exec(R"([{"IonBinary":"4AEA6g==","IonText":"1"}])")).find("exactly one"),
            std::string::npos);
  EXPECT_NE(ErrorOf(exec(R"([{"IonBinary":"not base64!"}])")).find("base64"), std::string::npos);
  EXPECT_NE(ErrorOf(exec(R"([{"IonBinary":""}])")).find("between 1 and 131072"),
            std::string::npos);
  EXPECT_NE(ErrorOf(exec(R"([{"IonText":""}])")).find("between 1 and 1048576"), std::string::npos);
  EXPECT_NE(ErrorOf(exec(R"([{"IonText":1}])")).find("must be a string"), std::string::npos);
}

TEST(ParseSendCommand, ValidatesCommitDigest) {
  auto commit = [](const std::string& d) {
    return R"({"SessionToken":"tokn","CommitTransaction":{"TransactionId":")" + kTxn +
           R"(","CommitDigest":")" + d + "\"}}";
  };
  EXPECT_NE(ErrorOf(commit("AAAA")).find("32 bytes"), std::string::npos);
  EXPECT_NE(ErrorOf(commit("@@@@")).find("base64"), std::string::npos);
  EXPECT_NE(ErrorOf(R"({"SessionToken":"tokn","CommitTransaction":{"TransactionId":")" + kTxn +
                    "\"}}")
                .find("CommitDigest is required"),
            std::string::npos);
}

TEST(SerializeSendCommandResult, Shapes) {
  SendCommandResult r;
  r.command = Command::kStartSession;
  r.session_token = "tok1";
  r.processing_time_ms = 3;
  EXPECT_EQ(SerializeSendCommandResult(r),
            R"({"StartSession":{"SessionToken":"tok1","TimingInformation":{"ProcessingTimeMilliseconds":3}}})");

  r = {};
  r.command = Command::kExecuteStatement;
  EXPECT_EQ(SerializeSendCommandResult(r),
            R"({"ExecuteStatement":{"FirstPage":{"Values":[]},"ConsumedIOs":{"ReadIOs":0,"WriteIOs":0},"TimingInformation":{"ProcessingTimeMilliseconds":0}}})");

  r.command = Command::kFetchPage;
  r.page.values = {Bytes{0xE0, 0x01, 0x00, 0xEA, 0x21}};
  r.page.next_page_token = "next";
  r.read_ios = 2;
  EXPECT_EQ(SerializeSendCommandResult(r),
            R"({"FetchPage":{"Page":{"Values":[{"IonBinary":"4AEA6iE="}],"NextPageToken":"next"},"ConsumedIOs":{"ReadIOs":2,"WriteIOs":0},"TimingInformation":{"ProcessingTimeMilliseconds":0}}})");

  r = {};
  r.command = Command::kCommitTransaction;
  r.transaction_id = kTxn;
  auto d = Base64Decode(kDigest);
  std::copy(d->begin(), d->end(), r.commit_digest.begin());
  EXPECT_EQ(SerializeSendCommandResult(r),
            R"({"CommitTransaction":{"TransactionId":")" + kTxn + R"(","CommitDigest":")" +
                kDigest +
                R"(","ConsumedIOs":{"ReadIOs":0,"WriteIOs":0},"TimingInformation":{"ProcessingTimeMilliseconds":0}}})");

  r = {};
  r.command = Command::kAbortTransaction;
  EXPECT_EQ(SerializeSendCommandResult(r),
            R"({"AbortTransaction":{"TimingInformation":{"ProcessingTimeMilliseconds":0}}})");
}

TEST(SerializeSessionError, TypeMessageAndCode) {
  EXPECT_EQ(SerializeSessionError(SessionErrorFor(Status::AlreadyExists("Table exists"))),
            R"({"__type":"com.amazonaws.qldbsession#BadRequestException","Message":"Table exists","Code":"412"})");
  WireError e = SessionErrorFor(Status::Expired("Transaction abc has expired"));
  EXPECT_EQ(e.type, "InvalidSessionException");
  EXPECT_EQ(SerializeSessionError(e),
            R"({"__type":"com.amazonaws.qldbsession#InvalidSessionException","Message":"Transaction abc has expired"})");
  EXPECT_EQ(SessionErrorFor(Status::ResourceExhausted("Capacity exceeded")).http_status, 503);
  EXPECT_EQ(SessionErrorFor(Status::Conflict("occ")).type, "OccConflictException");
  EXPECT_EQ(SessionLimitExceeded("too many").type, "LimitExceededException");
}

}  // namespace
}  // namespace folio::protocol
