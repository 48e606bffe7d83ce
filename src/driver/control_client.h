// The QLDB control plane (rest-json, qldb 2019-01-02): ledgers, digests, blocks and revisions.
//
// Thread safety: ControlClient is safe to share between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/sha256.h"
#include "common/status.h"
#include "driver/service_client.h"

namespace folio::driver {

struct LedgerInfo {
  std::string name;
  std::string arn;
  std::string state;
  int64_t creation_epoch_seconds = 0;
  std::string permissions_mode;  // absent from ListLedgers entries
  std::optional<bool> deletion_protection;
  std::string kms_key_arn;
};

struct CreateLedgerRequest {
  std::string name;
  std::string permissions_mode = "ALLOW_ALL";  // Default: ALLOW_ALL (or STANDARD)
  std::optional<bool> deletion_protection;     // Default: the server's (true in QLDB)
  std::optional<std::string> kms_key;
};

struct DigestInfo {
  Hash256 digest{};
  std::string tip_ion_text;  // DigestTipAddress.IonText, e.g. {strandId:"...",sequenceNo:5}
};

// A Block or Revision (Ion text) and its proof (Ion text list of blobs; empty when absent).
struct ProvenValue {
  std::string ion_text;
  std::string proof_ion_text;
};

class ControlClient {
 public:
  explicit ControlClient(std::shared_ptr<ServiceClient> service) : service_(std::move(service)) {}
  // Errors: kInvalidArgument for a bad endpoint or CA file.
  static Result<std::unique_ptr<ControlClient>> Create(const ServiceConfig& config);

  // Every method returns a DriverError status for service errors (driver/errors.h), kIOError
  // for transport failures and kCorruption for a response that breaks the model.
  Result<LedgerInfo> CreateLedger(const CreateLedgerRequest& request);
  Result<LedgerInfo> DescribeLedger(std::string_view name);
  // Follows NextToken until every ledger is listed.
  Result<std::vector<LedgerInfo>> ListLedgers();
  Result<LedgerInfo> UpdateLedger(std::string_view name, std::optional<bool> deletion_protection);
  Status DeleteLedger(std::string_view name);
  Result<DigestInfo> GetDigest(std::string_view name);
  Result<ProvenValue> GetBlock(std::string_view name, std::string_view block_address_ion_text,
                               std::optional<std::string_view> digest_tip_ion_text);
  Result<ProvenValue> GetRevision(std::string_view name, std::string_view block_address_ion_text,
                                  std::string_view document_id,
                                  std::optional<std::string_view> digest_tip_ion_text);

 private:
  std::shared_ptr<ServiceClient> service_;
};

}  // namespace folio::driver
