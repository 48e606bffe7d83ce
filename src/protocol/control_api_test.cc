#include "protocol/control_api.h"

#include <gtest/gtest.h>

namespace folio::protocol {
namespace {

ControlRequest Ok(std::string_view method, std::string_view target, std::string_view body = "") {
  auto r = ParseControlRequest(method, target, body);
  if (auto* e = std::get_if<WireError>(&r)) {
    ADD_FAILURE() << method << " " << target << ": " << e->type << " " << e->message;
    return {};
  }
  return std::get<ControlRequest>(r);
}

WireError Err(std::string_view method, std::string_view target, std::string_view body = "") {
  auto r = ParseControlRequest(method, target, body);
  if (auto* e = std::get_if<WireError>(&r)) return *e;
  ADD_FAILURE() << method << " " << target << " parsed";
  return {"", 0, "", ""};
}

TEST(ParseControlRequest, Routes) {
  auto c = Ok("POST", "/ledgers",
              R"({"Name":"my-ledger","PermissionsMode":"STANDARD","DeletionProtection":false,"Tags":{"k":"v","e":null}})");
  EXPECT_EQ(c.op, ControlOp::kCreateLedger);
  EXPECT_EQ(c.name, "my-ledger");
  EXPECT_EQ(c.permissions_mode, "STANDARD");
  EXPECT_EQ(c.deletion_protection, false);
  EXPECT_EQ(c.tags.size(), 2u);
  EXPECT_EQ(c.tags["e"], "");

  EXPECT_EQ(Ok("GET", "/ledgers").op, ControlOp::kListLedgers);
  auto l = Ok("GET", "/ledgers?max_results=2&next_token=abcd%3D");
  EXPECT_EQ(l.max_results, 2);
  EXPECT_EQ(l.next_token, "abcd=");
  EXPECT_EQ(Ok("GET", "/ledgers/x1").op, ControlOp::kDescribeLedger);
  auto u = Ok("PATCH", "/ledgers/x1", R"({"DeletionProtection":true})");
  EXPECT_EQ(u.op, ControlOp::kUpdateLedger);
  EXPECT_EQ(u.deletion_protection, true);
  EXPECT_EQ(Ok("PATCH", "/ledgers/x1/permissions-mode", R"({"PermissionsMode":"ALLOW_ALL"})").op,
            ControlOp::kUpdateLedgerPermissionsMode);
  EXPECT_EQ(Ok("DELETE", "/ledgers/x1").op, ControlOp::kDeleteLedger);
  EXPECT_EQ(Ok("POST", "/ledgers/x1/digest").op, ControlOp::kGetDigest);
  auto b = Ok("POST", "/ledgers/x1/block",
              R"({"BlockAddress":{"IonText":"{strandId:\"s\",sequenceNo:3}"}})");
  EXPECT_EQ(b.op, ControlOp::kGetBlock);
  EXPECT_EQ(b.block_address, "{strandId:\"s\",sequenceNo:3}");
  EXPECT_FALSE(b.digest_tip.has_value());
  auto rv = Ok("POST", "/ledgers/x1/revision",
               R"({"BlockAddress":{"IonText":"{}"},"DocumentId":"3Qv67yjXEwB9SjmvkuG6Cp","DigestTipAddress":{"IonText":"{}"}})");
  EXPECT_EQ(rv.op, ControlOp::kGetRevision);
  EXPECT_EQ(rv.document_id, "3Qv67yjXEwB9SjmvkuG6Cp");
  EXPECT_EQ(rv.digest_tip, "{}");

  auto t = Ok("POST", "/tags/arn%3Aaws%3Aqldb%3Aus-east-1%3A123456789012%3Aledger%2Fmy-ledger",
              R"({"Tags":{"a":"b"}})");
  EXPECT_EQ(t.op, ControlOp::kTagResource);
  EXPECT_EQ(t.resource_arn, "arn:aws:qldb:us-east-1:123456789012:ledger/my-ledger");
  auto ut = Ok("DELETE", "/tags/arn%3Aaws%3Aqldb%3Aus-east-1%3A1%3Aledger%2Fl?tagKeys=a&tagKeys=b%20c");
  EXPECT_EQ(ut.op, ControlOp::kUntagResource);
  EXPECT_EQ(ut.tag_keys, (std::vector<std::string>{"a", "b c"}));
  EXPECT_EQ(Ok("GET", "/tags/arn%3Aaws%3Aqldb%3Aus-east-1%3A1%3Aledger%2Fl").op,
            ControlOp::kListTagsForResource);

  auto ex = Ok("POST", "/ledgers/x1/journal-s3-exports", "{}");
  EXPECT_TRUE(NeedsAwsService(ex.op));
  EXPECT_TRUE(NeedsAwsService(Ok("GET", "/journal-s3-exports").op));
  EXPECT_TRUE(NeedsAwsService(Ok("DELETE", "/ledgers/x/journal-kinesis-streams/abc").op));
  EXPECT_FALSE(NeedsAwsService(ControlOp::kGetDigest));
}

TEST(ParseControlRequest, Errors) {
  EXPECT_EQ(Err("GET", "/nope").type, "UnknownOperationException");
  EXPECT_EQ(Err("GET", "/nope").http_status, 404);
  EXPECT_EQ(Err("PUT", "/ledgers").type, "UnknownOperationException");

  WireError e = Err("POST", "/ledgers", R"({"Name":"x"})");
  EXPECT_EQ(e.type, "InvalidParameterException");
  EXPECT_EQ(e.http_status, 400);
  ASSERT_EQ(e.members.size(), 1u);
  EXPECT_EQ(e.members[0].second, "PermissionsMode");
  EXPECT_EQ(Err("POST", "/ledgers", R"({"Name":"a--b","PermissionsMode":"ALLOW_ALL"})").members[0].second,
            "Name");
  EXPECT_EQ(Err("POST", "/ledgers", R"({"Name":"ab","PermissionsMode":"NOPE"})").type,
            "InvalidParameterException");
  EXPECT_EQ(Err("POST", "/ledgers", R"({"Name":"ab","PermissionsMode":"ALLOW_ALL","DeletionProtection":"yes"})")
                .members[0].second,
            "DeletionProtection");
  EXPECT_NE(Err("POST", "/ledgers", "{oops").message.find("Malformed JSON"), std::string::npos);
  EXPECT_EQ(Err("GET", "/ledgers/123").type, "InvalidParameterException");
  EXPECT_EQ(Err("GET", "/ledgers?max_results=0").members[0].second, "MaxResults");
  EXPECT_EQ(Err("GET", "/ledgers?max_results=101").members[0].second, "MaxResults");
  EXPECT_EQ(Err("GET", "/ledgers?max_results=x").members[0].second, "MaxResults");
  EXPECT_EQ(Err("GET", "/ledgers?next_token=a").members[0].second, "NextToken");
  EXPECT_EQ(Err("POST", "/ledgers/x1/block", "{}").members[0].second, "BlockAddress");
  EXPECT_EQ(Err("POST", "/ledgers/x1/block", R"({"BlockAddress":{"IonText":""}})").members[0].second,
            "BlockAddress");
  EXPECT_EQ(Err("POST", "/ledgers/x1/revision", R"({"BlockAddress":{"IonText":"{}"},"DocumentId":"short"})")
                .members[0].second,
            "DocumentId");
  EXPECT_EQ(Err("POST", "/tags/short", R"({"Tags":{}})").members[0].second, "ResourceArn");
  EXPECT_EQ(Err("POST", "/tags/arn%3Aaws%3Aqldb%3Aus-east-1%3A1%3Aledger%2Fl", "{}").members[0].second,
            "Tags");
  EXPECT_EQ(Err("GET", "/ledgers/%zz").type, "InvalidParameterException");
}

TEST(ControlSerialize, Shapes) {
  LedgerDescription d{"l1", "arn:aws:qldb:us-east-1:000000000000:ledger/l1", "ACTIVE", 1700000000,
                      "ALLOW_ALL", false};
  EXPECT_EQ(SerializeCreateLedger(d),
            R"({"Name":"l1","Arn":"arn:aws:qldb:us-east-1:000000000000:ledger/l1","State":"ACTIVE","CreationDateTime":1700000000,"PermissionsMode":"ALLOW_ALL","DeletionProtection":false,"KmsKeyArn":"AWS_OWNED_KMS_KEY"})");
  EXPECT_EQ(SerializeDescribeLedger(d),
            R"({"Name":"l1","Arn":"arn:aws:qldb:us-east-1:000000000000:ledger/l1","State":"ACTIVE","CreationDateTime":1700000000,"PermissionsMode":"ALLOW_ALL","DeletionProtection":false,"EncryptionDescription":{"KmsKeyArn":"AWS_OWNED_KMS_KEY","EncryptionStatus":"ENABLED"}})");
  EXPECT_EQ(SerializeListLedgers({d}, std::string("tokn")),
            R"({"Ledgers":[{"Name":"l1","State":"ACTIVE","CreationDateTime":1700000000}],"NextToken":"tokn"})");
  EXPECT_EQ(SerializeListLedgers({}, std::nullopt), R"({"Ledgers":[]})");
  Hash256 h{};
  EXPECT_EQ(SerializeGetDigest(h, "{strandId:\"s\",sequenceNo:1}"),
            R"({"Digest":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","DigestTipAddress":{"IonText":"{strandId:\"s\",sequenceNo:1}"}})");
  EXPECT_EQ(SerializeProvenValue("Block", "{}", std::string("[]")),
            R"({"Block":{"IonText":"{}"},"Proof":{"IonText":"[]"}})");
  EXPECT_EQ(SerializeProvenValue("Revision", "{}", std::nullopt), R"({"Revision":{"IonText":"{}"}})");
  EXPECT_EQ(SerializeTags({{"a", "b"}}), R"({"Tags":{"a":"b"}})");
  EXPECT_EQ(SerializeControlError(ControlErrorFor(Status::NotFound("no ledger"), "LEDGER", "l1")),
            R"({"__type":"com.amazonaws.qldb#ResourceNotFoundException","Message":"no ledger","ResourceType":"LEDGER","ResourceName":"l1"})");
  EXPECT_EQ(ControlErrorFor(Status::NotFound("x"), "", "").http_status, 404);
  EXPECT_EQ(ControlErrorFor(Status::AlreadyExists("x"), "", "").http_status, 409);
  EXPECT_EQ(ControlErrorFor(Status::FailedPrecondition("x"), "", "").http_status, 412);
  EXPECT_EQ(ControlErrorFor(Status::FailedPrecondition("x"), "", "").type,
            "ResourcePreconditionNotMetException");
  EXPECT_EQ(ControlErrorFor(Status::LimitExceeded("x"), "LEDGER", "").type, "LimitExceededException");
}

TEST(PercentDecode, Cases) {
  EXPECT_EQ(*PercentDecode("a%20b%2Fc+d"), "a b/c+d");
  EXPECT_FALSE(PercentDecode("%2").ok());
  EXPECT_FALSE(PercentDecode("%").ok());
  EXPECT_FALSE(PercentDecode("%g0").ok());
}

}  // namespace
}  // namespace folio::protocol
