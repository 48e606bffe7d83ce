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

WireError SessionLimitExceeded(std::string message) {
  return {"LimitExceededException", 400, std::move(message), ""};
}

WireError SessionRateExceeded(std::string message) {
  return {"RateExceededException", 400, std::move(message), ""};
}

namespace {
WireError Resource(std::string_view type, int http, const std::string& m,
                   std::string_view resource_type, std::string_view resource_name) {
  WireError e{type, http, m, ""};
  if (!resource_type.empty()) e.members.emplace_back("ResourceType", std::string(resource_type));
  if (!resource_name.empty()) e.members.emplace_back("ResourceName", std::string(resource_name));
  return e;
}
}  // namespace

WireError ControlErrorFor(const Status& status, std::string_view resource_type,
                          std::string_view resource_name) {
  const std::string& m = status.message();
  switch (status.code()) {
    case StatusCode::kOk:
    case StatusCode::kInvalidArgument:
    case StatusCode::kUnimplemented:
    case StatusCode::kCorruption:
      return {"InvalidParameterException", 400, m, ""};
    case StatusCode::kNotFound:
      return Resource("ResourceNotFoundException", 404, m, resource_type, resource_name);
    case StatusCode::kAlreadyExists:
      return Resource("ResourceAlreadyExistsException", 409, m, resource_type, resource_name);
    case StatusCode::kConflict:
      return Resource("ResourceInUseException", 409, m, resource_type, resource_name);
    case StatusCode::kFailedPrecondition:
      return Resource("ResourcePreconditionNotMetException", 412, m, resource_type,
                      resource_name);
    case StatusCode::kLimitExceeded: {
      WireError e{"LimitExceededException", 400, m, ""};
      if (!resource_type.empty()) e.members.emplace_back("ResourceType", std::string(resource_type));
      return e;
    }
    case StatusCode::kResourceExhausted:
      return {"ServiceUnavailableException", 503, m, ""};
    case StatusCode::kUnauthenticated:
      return {"UnrecognizedClientException", 403, m, ""};
    case StatusCode::kExpired:
    case StatusCode::kIOError:
    case StatusCode::kInternal:
      return {"InternalFailure", 500, m, ""};
  }
  return {"InternalFailure", 500, m, ""};
}

WireError InvalidParameter(std::string message, std::string_view parameter_name) {
  WireError e{"InvalidParameterException", 400, std::move(message), ""};
  if (!parameter_name.empty()) e.members.emplace_back("ParameterName", std::string(parameter_name));
  return e;
}

WireError AuthError(AuthErrorKind kind, std::string message, bool rest_json) {
  int http = rest_json ? 403 : 400;
  switch (kind) {
    case AuthErrorKind::kMissingAuthenticationToken:
      return {"MissingAuthenticationTokenException", http, std::move(message), ""};
    case AuthErrorKind::kIncompleteSignature:
      return {"IncompleteSignatureException", http, std::move(message), ""};
    case AuthErrorKind::kInvalidSignature:
      return {"InvalidSignatureException", http, std::move(message), ""};
    case AuthErrorKind::kUnrecognizedClient:
      return {"UnrecognizedClientException", http, std::move(message), ""};
  }
  return {"InvalidSignatureException", http, std::move(message), ""};
}

WireError UnknownOperation(std::string message, bool rest_json) {
  if (rest_json) return {"UnknownOperationException", 404, std::move(message), ""};
  return {"UnknownOperationException", 400, std::move(message), ""};
}

WireError RequestTooLarge(std::string message) {
  return {"RequestEntityTooLargeException", 413, std::move(message), ""};
}

}  // namespace folio::protocol
