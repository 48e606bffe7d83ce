// The QLDB Session API (AWS JSON 1.0, `QLDBSession.SendCommand`): one method per command.
// Requests carry parameters as IonBinary; result values are decoded from IonBinary (or IonText).
// Stateless apart from the shared transport: callers hold tokens and transaction ids.
//
// Thread safety: safe to share; commands of one session must be issued sequentially.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/sha256.h"
#include "common/status.h"
#include "driver/service_client.h"
#include "ion/value.h"

namespace folio::driver {

struct IoUsage {
  int64_t read_ios = 0;
  int64_t write_ios = 0;
  int64_t processing_time_ms = 0;
  IoUsage& operator+=(const IoUsage& o) {
    read_ios += o.read_ios;
    write_ios += o.write_ios;
    processing_time_ms += o.processing_time_ms;
    return *this;
  }
};

struct Page {
  std::vector<ion::Value> values;
  std::optional<std::string> next_page_token;
  IoUsage usage;
};

// The Session API's request bodies and result decoding. SessionClient sends them through its
// ServiceClient; callers that run their own transport (folio bench's event loop) send the body
// with SendCommandHeaders(), signed by ServiceClient::Sign, and read the 2xx body with the
// matching Read function. Read functions return kCorruption for a body that breaks the model.
HeaderList SendCommandHeaders();
std::string StartSessionRequest(std::string_view ledger);
std::string StartTransactionRequest(std::string_view session_token);
std::string ExecuteStatementRequest(std::string_view session_token,
                                    std::string_view transaction_id, std::string_view statement,
                                    std::span<const ion::Value> parameters);
std::string FetchPageRequest(std::string_view session_token, std::string_view transaction_id,
                             std::string_view next_page_token);
std::string CommitTransactionRequest(std::string_view session_token,
                                     std::string_view transaction_id, const Hash256& digest);
std::string AbortTransactionRequest(std::string_view session_token);
std::string EndSessionRequest(std::string_view session_token);
Result<std::string> ReadStartSessionResult(std::string body);      // the session token
Result<std::string> ReadStartTransactionResult(std::string body);  // the transaction id
Result<Page> ReadExecuteStatementResult(std::string body);
Result<Page> ReadFetchPageResult(std::string body);
Result<Hash256> ReadCommitTransactionResult(std::string body);  // the echoed CommitDigest
// AbortTransaction and EndSession: checks that `command`'s result member is there.
Status ReadEmptyResult(std::string body, const char* command);

class SessionClient {
 public:
  explicit SessionClient(std::shared_ptr<ServiceClient> service) : service_(std::move(service)) {}

  // Every method returns a DriverError status for service errors (driver/errors.h), kIOError for
  // transport failures and kCorruption for a response that breaks the model.
  Result<std::string> StartSession(std::string_view ledger);
  Result<std::string> StartTransaction(std::string_view session_token);
  Result<Page> ExecuteStatement(std::string_view session_token, std::string_view transaction_id,
                                std::string_view statement, std::span<const ion::Value> parameters);
  Result<Page> FetchPage(std::string_view session_token, std::string_view transaction_id,
                         std::string_view next_page_token);
  // Returns the CommitDigest the server echoed.
  Result<Hash256> CommitTransaction(std::string_view session_token, std::string_view transaction_id,
                                    const Hash256& digest);
  Status AbortTransaction(std::string_view session_token);
  Status EndSession(std::string_view session_token);

  ServiceClient& service() { return *service_; }

 private:
  // POSTs a SendCommand body; returns the 2xx response body.
  Result<std::string> Send(std::string body);

  std::shared_ptr<ServiceClient> service_;
};

}  // namespace folio::driver
