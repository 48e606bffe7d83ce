// Status and Result<T>: errors as values. No exception crosses a module boundary.
//
// A Status is either OK or carries a Code plus a message. Discarding one fails to compile
// ([[nodiscard]]); drop one on purpose only through IgnoreError(), which is greppable.
// QLDB exception names never appear here: server/error_map.cc translates Codes at the edge.
#pragma once

#include <cassert>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace folio {

// DO NOT RENUMBER: codes are logged and mapped to wire errors by value.
enum class StatusCode : uint8_t {
  kOk = 0,
  kInvalidArgument = 1,     // bad input from a user: parse error, wrong type, bad name
  kNotFound = 2,            // a named thing does not exist
  kAlreadyExists = 3,       // a named thing exists already
  kFailedPrecondition = 4,  // state forbids the operation (protected ledger, no open txn)
  kConflict = 5,            // OCC validation failed at commit
  kLimitExceeded = 6,       // a QLDB quota (documents per txn, tables, sessions, sizes)
  kExpired = 7,             // a session or transaction outlived its lifetime
  kCorruption = 8,          // stored or received bytes fail a hash or format check
  kIOError = 9,             // the storage layer failed
  kUnimplemented = 10,      // a feature QLDB had that needs an AWS service we do not run
  kInternal = 11,           // a bug: an invariant did not hold
  kUnauthenticated = 12,    // missing or bad credentials or signature
  kResourceExhausted = 13,  // server capacity (maps to CapacityExceeded)
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
  static Status FailedPrecondition(std::string m) {
    return {StatusCode::kFailedPrecondition, std::move(m)};
  }
  static Status Conflict(std::string m) { return {StatusCode::kConflict, std::move(m)}; }
  static Status LimitExceeded(std::string m) { return {StatusCode::kLimitExceeded, std::move(m)}; }
  static Status Expired(std::string m) { return {StatusCode::kExpired, std::move(m)}; }
  static Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status IOError(std::string m) { return {StatusCode::kIOError, std::move(m)}; }
  static Status Unimplemented(std::string m) { return {StatusCode::kUnimplemented, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
  static Status Unauthenticated(std::string m) {
    return {StatusCode::kUnauthenticated, std::move(m)};
  }
  static Status ResourceExhausted(std::string m) {
    return {StatusCode::kResourceExhausted, std::move(m)};
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "InvalidArgument: message", or "OK".
  std::string ToString() const;

  // Returns a copy whose message is prefixed with `context` and ": ".
  Status WithContext(std::string_view context) const;

  // Drops the status on purpose. Every call site is a place where an error is swallowed.
  void IgnoreError() const {}

  bool operator==(const Status& o) const { return code_ == o.code_ && message_ == o.message_; }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Result<T> holds either a T or a non-OK Status (the model is arrow::Result).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(v_).ok() && "Result constructed from an OK Status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  Status status() const { return ok() ? Status::OK() : std::get<Status>(v_); }

  T& value() & { assert(ok()); return std::get<T>(v_); }
  const T& value() const& { assert(ok()); return std::get<T>(v_); }
  T&& value() && { assert(ok()); return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  T value_or(T fallback) const& { return ok() ? std::get<T>(v_) : std::move(fallback); }

 private:
  std::variant<T, Status> v_;
};

namespace internal {
inline Status ToStatus(Status s) { return s; }
template <typename T>
Status ToStatus(const Result<T>& r) { return r.status(); }
}  // namespace internal

}  // namespace folio

#define FOLIO_CONCAT_INNER(a, b) a##b
#define FOLIO_CONCAT(a, b) FOLIO_CONCAT_INNER(a, b)

// Evaluates a Status- or Result-returning expression and returns its Status if not OK.
#define FOLIO_TRY(expr)                                               \
  do {                                                                \
    ::folio::Status _folio_st = ::folio::internal::ToStatus((expr));  \
    if (!_folio_st.ok()) return _folio_st;                            \
  } while (0)

// FOLIO_ASSIGN_OR_RETURN(auto x, ComputeX()); declares/assigns x or returns the error.
#define FOLIO_ASSIGN_OR_RETURN(lhs, expr) \
  FOLIO_ASSIGN_OR_RETURN_IMPL(FOLIO_CONCAT(_folio_r_, __LINE__), lhs, expr)
#define FOLIO_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return tmp.status();               \
  lhs = std::move(tmp).value()

// For programmer errors only; never for conditions user input can cause.
#define FOLIO_ASSERT(cond, why) assert((cond) && why)
