// The wire edge of error handling: maps engine Status codes to QLDB exception types.
// QLDB exception names appear only here (and in the protocol encoders that use this).
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace folio::protocol {

struct WireError {
  std::string_view type;  // e.g. "BadRequestException"
  int http_status;        // 400, or 503 for CapacityExceededException
  std::string message;
  std::string code;       // optional `Code` member (BadRequest/InvalidSession only)
};

// QLDB Session (data plane) error for a non-OK status.
//   kInvalidArgument, kNotFound, kAlreadyExists (Code 412), kFailedPrecondition,
//   kLimitExceeded for per-transaction quotas, kUnimplemented, kCorruption -> BadRequestException
//   kExpired                                   -> InvalidSessionException
//   kConflict                                  -> OccConflictException
//   kResourceExhausted                         -> CapacityExceededException (503)
//   kIOError, kInternal                        -> 500 InternalFailure
WireError SessionErrorFor(const Status& status);

}  // namespace folio::protocol
