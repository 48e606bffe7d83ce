// QLDB control plane (rest-json, qldb 2019-01-02): routing of method + path to an operation,
// validation of path, query and body members, and serialization of results and errors.
//
// No I/O and no engine knowledge. Path parameters are split on '/' first and then
// percent-decoded (ARNs arrive fully encoded). Timestamps are epoch-second JSON numbers.
// Every function is thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/sha256.h"
#include "common/status.h"
#include "protocol/errors.h"

namespace folio::protocol {

inline constexpr std::string_view kAwsOwnedKmsKey = "AWS_OWNED_KMS_KEY";

enum class ControlOp : uint8_t {
  kCreateLedger,
  kDescribeLedger,
  kListLedgers,
  kUpdateLedger,
  kUpdateLedgerPermissionsMode,
  kDeleteLedger,
  kGetDigest,
  kGetBlock,
  kGetRevision,
  kTagResource,
  kUntagResource,
  kListTagsForResource,
  // Operations that need Amazon S3 or Kinesis; parsed only to name them in the error.
  kExportJournalToS3,
  kDescribeJournalS3Export,
  kListJournalS3Exports,
  kListJournalS3ExportsForLedger,
  kStreamJournalToKinesis,
  kDescribeJournalKinesisStream,
  kListJournalKinesisStreamsForLedger,
  kCancelJournalKinesisStream,
};
std::string_view ControlOpName(ControlOp op);  // "CreateLedger", ...

struct ControlRequest {
  ControlOp op = ControlOp::kListLedgers;
  std::string name;                          // ledger name (path, or CreateLedger body)
  std::string resource_arn;                  // tag operations
  std::string permissions_mode;              // CreateLedger, UpdateLedgerPermissionsMode
  std::optional<bool> deletion_protection;   // CreateLedger, UpdateLedger
  std::optional<std::string> kms_key;        // CreateLedger, UpdateLedger
  std::map<std::string, std::string> tags;   // CreateLedger, TagResource
  std::vector<std::string> tag_keys;         // UntagResource
  std::optional<int> max_results;            // ListLedgers: 1..100
  std::optional<std::string> next_token;     // ListLedgers
  std::string block_address;                 // GetBlock, GetRevision: Ion text
  std::optional<std::string> digest_tip;     // GetBlock, GetRevision: Ion text
  std::string document_id;                   // GetRevision: 22 characters
};

// Routes and validates one HTTP request. `target` is the raw request target (path plus optional
// query, percent-encoded as received). On failure returns the WireError to send:
// UnknownOperationException (404) for an unroutable method/path, InvalidParameterException
// (400, with ParameterName) for a member that breaks the model.
std::variant<ControlRequest, WireError> ParseControlRequest(std::string_view method,
                                                            std::string_view target,
                                                            std::string_view body);

// True for the export and stream operations (they need AWS services).
bool NeedsAwsService(ControlOp op);

struct LedgerDescription {
  std::string name;
  std::string arn;
  std::string state = "ACTIVE";
  int64_t creation_epoch_seconds = 0;
  std::string permissions_mode = "ALLOW_ALL";
  bool deletion_protection = true;
};

std::string SerializeCreateLedger(const LedgerDescription& d);
std::string SerializeDescribeLedger(const LedgerDescription& d);
std::string SerializeUpdateLedger(const LedgerDescription& d);
std::string SerializeUpdateLedgerPermissionsMode(const LedgerDescription& d);
std::string SerializeListLedgers(const std::vector<LedgerDescription>& ledgers,
                                 const std::optional<std::string>& next_token);
// `{"Digest": base64, "DigestTipAddress": {"IonText": tip}}`.
std::string SerializeGetDigest(const Hash256& digest, std::string_view tip_ion_text);
// `{"<value_member>": {"IonText": value}, "Proof": {"IonText": proof}}` (Proof when set).
std::string SerializeProvenValue(std::string_view value_member, std::string_view value_ion_text,
                                 const std::optional<std::string>& proof_ion_text);
std::string SerializeTags(const std::map<std::string, std::string>& tags);  // {"Tags":{...}}

// `{"__type":"com.amazonaws.qldb#<type>","Message":...,members...}`; pair with the
// `x-amzn-ErrorType` header and `error.http_status`.
std::string SerializeControlError(const WireError& error);

// RFC 3986 percent-decoding; kInvalidArgument for a bad escape. '+' stays '+'.
Result<std::string> PercentDecode(std::string_view s);

}  // namespace folio::protocol
