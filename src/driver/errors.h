// Errors returned by the QLDB services, carried in a folio::Status.
//
// A service error becomes a Status whose message is "<ExceptionName>: <message>" (the QLDB
// exception name, e.g. "OccConflictException: ...") and whose code reflects its meaning:
//   OccConflictException                     -> kConflict
//   InvalidSessionException                  -> kExpired
//   CapacityExceededException, HTTP 503      -> kResourceExhausted
//   HTTP 500/502/504 (InternalFailure, ...)  -> kIOError (as are transport failures)
//   BadRequestException, InvalidParameter... -> kInvalidArgument
//   RateExceeded/LimitExceededException      -> kLimitExceeded
//   ResourceNotFoundException                -> kNotFound
//   ResourceAlreadyExistsException           -> kAlreadyExists
//   ResourceInUseException                   -> kFailedPrecondition
//   ResourcePreconditionNotMetException      -> kFailedPrecondition
//   signature/credential errors              -> kUnauthenticated
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace folio::driver {

struct DriverError {
  std::string type;     // exception short name, e.g. "OccConflictException"
  std::string message;  // the service's Message
  int http_status = 0;  // 0 when the error did not come from an HTTP response

  Status ToStatus() const;
  // Recovers the type and message from a Status made by ToStatus (type empty otherwise).
  static DriverError FromStatus(const Status& status);
};

// Parses an AWS JSON / rest-json error response: type from the x-amzn-ErrorType header, else the
// body's __type (the part after '#'), else "HTTP <status>".
DriverError ParseServiceError(int http_status, std::string_view error_type_header,
                              std::string_view body);

// The exception name in `status` ("" for errors that are not service errors).
std::string ErrorType(const Status& status);

// The official drivers' rule (spec/wire-and-drivers.md section 5.3): OCC conflicts, HTTP
// 500/503 and transport failures, and InvalidSessionException unless the message matches
// /Transaction .* has expired/.
bool IsRetryable(const Status& status);

// An InvalidSessionException that is not a transaction expiry: the session is dead.
bool IsSessionDead(const Status& status);

// InvalidSessionException "Transaction <id> has expired".
bool IsTransactionExpired(const Status& status);

}  // namespace folio::driver
