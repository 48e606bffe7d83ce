#include "driver/errors.h"

#include <rapidjson/document.h>

#include <regex>

namespace folio::driver {
namespace {

StatusCode CodeFor(std::string_view type, int http_status) {
  if (type == "OccConflictException") return StatusCode::kConflict;
  if (type == "InvalidSessionException") return StatusCode::kExpired;
  if (type == "CapacityExceededException" || http_status == 503) {
    return StatusCode::kResourceExhausted;
  }
  if (http_status >= 500) return StatusCode::kIOError;
  if (type == "BadRequestException" || type == "InvalidParameterException" ||
      type == "UnknownOperationException" || type == "ValidationException") {
    return StatusCode::kInvalidArgument;
  }
  if (type == "RateExceededException" || type == "LimitExceededException") {
    return StatusCode::kLimitExceeded;
  }
  if (type == "ResourceNotFoundException") return StatusCode::kNotFound;
  if (type == "ResourceAlreadyExistsException") return StatusCode::kAlreadyExists;
  if (type == "ResourceInUseException" || type == "ResourcePreconditionNotMetException") {
    return StatusCode::kFailedPrecondition;
  }
  if (type == "InvalidSignatureException" || type == "UnrecognizedClientException" ||
      type == "MissingAuthenticationTokenException" || type == "IncompleteSignatureException" ||
      type == "ExpiredTokenException" || type == "AccessDeniedException" || http_status == 403) {
    return StatusCode::kUnauthenticated;
  }
  return StatusCode::kInvalidArgument;
}

std::string ShortType(std::string_view t) {
  if (size_t colon = t.find(':'); colon != std::string_view::npos) t = t.substr(0, colon);
  if (size_t comma = t.find(','); comma != std::string_view::npos) t = t.substr(0, comma);
  if (size_t hash = t.rfind('#'); hash != std::string_view::npos) t = t.substr(hash + 1);
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
  return std::string(t);
}

}  // namespace

Status DriverError::ToStatus() const {
  return Status(CodeFor(type, http_status), type + ": " + message);
}

DriverError DriverError::FromStatus(const Status& status) {
  DriverError e;
  const std::string& m = status.message();
  size_t colon = m.find(": ");
  std::string_view head = std::string_view(m).substr(0, colon);
  bool looks_like_type =
      colon != std::string::npos && !head.empty() && head.find(' ') == std::string_view::npos &&
      (head.ends_with("Exception") || head.ends_with("Failure") || head.starts_with("HTTP"));
  if (looks_like_type) {
    e.type = std::string(head);
    e.message = m.substr(colon + 2);
  } else {
    e.message = m;
  }
  return e;
}

DriverError ParseServiceError(int http_status, std::string_view error_type_header,
                              std::string_view body) {
  DriverError e;
  e.http_status = http_status;
  e.type = ShortType(error_type_header);
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (!doc.HasParseError() && doc.IsObject()) {
    if (e.type.empty() && doc.HasMember("__type") && doc["__type"].IsString()) {
      e.type = ShortType(doc["__type"].GetString());
    }
    for (const char* key : {"Message", "message"}) {
      if (doc.HasMember(key) && doc[key].IsString()) {
        e.message = doc[key].GetString();
        break;
      }
    }
  } else if (!body.empty() && body.size() < 512) {
    e.message = std::string(body);
  }
  if (e.type.empty()) {
    e.type = http_status >= 500 ? "InternalFailure" : "HTTP" + std::to_string(http_status);
  }
  if (e.message.empty()) e.message = "HTTP status " + std::to_string(http_status);
  return e;
}

std::string ErrorType(const Status& status) { return DriverError::FromStatus(status).type; }

bool IsTransactionExpired(const Status& status) {
  if (status.code() != StatusCode::kExpired) return false;
  static const std::regex kExpiry("Transaction .* has expired");
  return std::regex_search(status.message(), kExpiry);
}

bool IsSessionDead(const Status& status) {
  return status.code() == StatusCode::kExpired && !IsTransactionExpired(status);
}

bool IsRetryable(const Status& status) {
  switch (status.code()) {
    case StatusCode::kConflict:
    case StatusCode::kResourceExhausted:
    case StatusCode::kIOError:
      return true;
    case StatusCode::kExpired:
      return !IsTransactionExpired(status);
    default:
      return false;
  }
}

}  // namespace folio::driver
