#include "protocol/errors.h"

namespace folio::protocol {

WireError SessionErrorFor(const Status& status) {
  const std::string& m = status.message();
  switch (status.code()) {
    case StatusCode::kOk:
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
    case StatusCode::kFailedPrecondition:
    case StatusCode::kLimitExceeded:
    case StatusCode::kUnimplemented:
    case StatusCode::kCorruption:
      return {"BadRequestException", 400, m, ""};
    case StatusCode::kAlreadyExists:
      return {"BadRequestException", 400, m, "412"};
    case StatusCode::kExpired:
      return {"InvalidSessionException", 400, m, ""};
    case StatusCode::kConflict:
      return {"OccConflictException", 400, m, ""};
    case StatusCode::kResourceExhausted:
      return {"CapacityExceededException", 503, m, ""};
    case StatusCode::kUnauthenticated:
      return {"UnrecognizedClientException", 400, m, ""};
    case StatusCode::kIOError:
    case StatusCode::kInternal:
      return {"InternalFailure", 500, m, ""};
  }
  return {"InternalFailure", 500, m, ""};
}

}  // namespace folio::protocol
