// The wire edge of error handling: maps engine Status codes to QLDB exception types.
// QLDB exception names appear only here (and in the protocol encoders that use this).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace folio::protocol {

struct WireError {
  std::string_view type;  // e.g. "BadRequestException"
  int http_status;        // 400, or 503 for CapacityExceededException
  std::string message;
  std::string code;       // optional `Code` member (BadRequest/InvalidSession only)
  // Further modeled members, e.g. {"ResourceType","LEDGER"}, {"ParameterName","Name"}.
  std::vector<std::pair<std::string, std::string>> members = {};
};

// QLDB Session (data plane) error for a non-OK status.
//   kInvalidArgument, kNotFound, kAlreadyExists (Code 412), kFailedPrecondition,
//   kLimitExceeded for per-transaction quotas, kUnimplemented, kCorruption -> BadRequestException
//   kExpired                                   -> InvalidSessionException
//   kConflict                                  -> OccConflictException
//   kResourceExhausted                         -> CapacityExceededException (503)
//   kUnauthenticated                           -> UnrecognizedClientException
//   kIOError, kInternal                        -> 500 InternalFailure
WireError SessionErrorFor(const Status& status);

// The session-count quota (3000 active sessions per ledger), raised on StartTransaction.
WireError SessionLimitExceeded(std::string message);
// RateExceededException (400): the caller's request rate is over the server's limit.
WireError SessionRateExceeded(std::string message);

// QLDB control plane (rest-json) error for a non-OK status; `resource_type` ("LEDGER") and
// `resource_name` fill the modeled members when the exception has them.
//   kInvalidArgument, kUnimplemented, kCorruption -> InvalidParameterException 400
//   kNotFound                                     -> ResourceNotFoundException 404
//   kAlreadyExists                                -> ResourceAlreadyExistsException 409
//   kConflict                                     -> ResourceInUseException 409
//   kFailedPrecondition                           -> ResourcePreconditionNotMetException 412
//   kLimitExceeded                                -> LimitExceededException 400
//   kResourceExhausted                            -> 503 ServiceUnavailableException
//   kIOError, kInternal, kExpired                 -> 500 InternalFailure
WireError ControlErrorFor(const Status& status, std::string_view resource_type,
                          std::string_view resource_name);

// InvalidParameterException naming the offending parameter.
WireError InvalidParameter(std::string message, std::string_view parameter_name);

// Authentication failures (SigV4). `rest_json` selects 403 (control plane) over 400 (session).
enum class AuthErrorKind : uint8_t {
  kMissingAuthenticationToken,  // no Authorization header / presigned query
  kIncompleteSignature,         // malformed Authorization or missing signed parts
  kInvalidSignature,            // wrong signature, or clock skew ("Signature expired")
  kUnrecognizedClient,          // unknown access key or security token
};
WireError AuthError(AuthErrorKind kind, std::string message, bool rest_json);

// Malformed or unroutable HTTP requests outside any modeled operation.
WireError UnknownOperation(std::string message, bool rest_json);
WireError RequestTooLarge(std::string message);

}  // namespace folio::protocol
