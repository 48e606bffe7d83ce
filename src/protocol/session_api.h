// QLDB Session data plane (AWS JSON 1.0, `X-Amz-Target: QLDBSession.SendCommand`): typed
// requests parsed and validated from the JSON body, and results/errors serialized back.
//
// No I/O and no engine knowledge: parameters stay as received (base64-decoded IonBinary bytes or
// IonText), and result values arrive already encoded as self-contained Ion binary streams.
// Every function is thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/sha256.h"
#include "common/status.h"
#include "protocol/errors.h"

namespace folio::protocol {

inline constexpr std::string_view kSessionTarget = "QLDBSession.SendCommand";
inline constexpr std::string_view kSessionContentType = "application/x-amz-json-1.0";

// Model constraints (qldb-session 2019-07-11).
inline constexpr size_t kMinTokenLength = 4;            // SessionToken, PageToken
inline constexpr size_t kMaxTokenLength = 1024;
inline constexpr size_t kTransactionIdLength = 22;
inline constexpr size_t kMaxStatementLength = 100000;   // characters
inline constexpr size_t kMaxIonBinaryBytes = 131072;
inline constexpr size_t kMaxIonTextChars = 1048576;
inline constexpr size_t kMaxLedgerNameLength = 32;

enum class Command : uint8_t {
  kStartSession,
  kStartTransaction,
  kExecuteStatement,
  kFetchPage,
  kCommitTransaction,
  kAbortTransaction,
  kEndSession,
};
std::string_view CommandName(Command c);  // "StartSession", ...

// One statement parameter exactly as received; exactly one member is set.
struct IonParameter {
  std::optional<Bytes> ion_binary;        // base64-decoded IonBinary
  std::optional<std::string> ion_text;    // IonText
};

struct SendCommandRequest {
  std::optional<std::string> session_token;
  Command command = Command::kStartSession;
  std::string ledger_name;                // StartSession
  std::string transaction_id;             // ExecuteStatement, FetchPage, CommitTransaction
  std::string statement;                  // ExecuteStatement
  std::vector<IonParameter> parameters;   // ExecuteStatement (may be empty)
  std::string next_page_token;            // FetchPage
  Hash256 commit_digest{};                // CommitTransaction (32 bytes)
};

// Parses and validates a SendCommand body against the model: a JSON object holding an optional
// SessionToken and exactly one command member, with every member's type, length, pattern and
// base64 encoding checked. Returns kInvalidArgument with a message naming the offending member
// (mapped to BadRequestException). Unknown top-level or command members are rejected too.
Result<SendCommandRequest> ParseSendCommand(std::string_view body);

struct ResultPage {
  std::vector<Bytes> values;  // each one a complete Ion binary stream holding one value
  std::optional<std::string> next_page_token;
};

struct SendCommandResult {
  Command command = Command::kStartSession;
  std::string session_token;   // StartSession
  std::string transaction_id;  // StartTransaction, CommitTransaction
  ResultPage page;             // ExecuteStatement (FirstPage) / FetchPage (Page)
  Hash256 commit_digest{};     // CommitTransaction
  int64_t processing_time_ms = 0;
  int64_t read_ios = 0;
  int64_t write_ios = 0;
};

// `{"<Command>": {...}}`: FirstPage/Page always carry Values (possibly []), values only as
// IonBinary, TimingInformation always, ConsumedIOs for Execute/Fetch/Commit.
std::string SerializeSendCommandResult(const SendCommandResult& result);

// `{"__type":"com.amazonaws.qldbsession#<type>","Message":...,"Code":...}` (Code only if set)
// plus any extra members. Pair it with the `x-amzn-ErrorType: <type>` header.
std::string SerializeSessionError(const WireError& error);

// Validators shared with the control plane.
bool IsValidLedgerName(std::string_view name);
bool IsTokenAlphabet(std::string_view s);  // [A-Za-z0-9+/=-]+
bool IsIdAlphabet(std::string_view s);     // [A-Za-z0-9-]+

}  // namespace folio::protocol
