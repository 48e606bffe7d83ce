#include "driver/errors.h"

#include <gtest/gtest.h>

namespace folio::driver {
namespace {

TEST(DriverErrors, ParsesHeaderThenBody) {
  DriverError e = ParseServiceError(
      400, "OccConflictException",
      R"({"__type":"com.amazonaws.qldbsession#OccConflictException","Message":"Optimistic concurrency control (OCC) failure"})");
  EXPECT_EQ(e.type, "OccConflictException");
  EXPECT_EQ(e.message, "Optimistic concurrency control (OCC) failure");
  Status st = e.ToStatus();
  EXPECT_EQ(st.code(), StatusCode::kConflict);
  EXPECT_EQ(ErrorType(st), "OccConflictException");
  EXPECT_TRUE(IsRetryable(st));

  e = ParseServiceError(
      404, "",
      R"({"__type":"com.amazonaws.qldb#ResourceNotFoundException","message":"no ledger"})");
  EXPECT_EQ(e.type, "ResourceNotFoundException");
  EXPECT_EQ(e.ToStatus().code(), StatusCode::kNotFound);
  EXPECT_EQ(e.ToStatus().message(), "ResourceNotFoundException: no ledger");

  e = ParseServiceError(400, "InvalidSessionException:http://internal.amazon.com/coral/x", "{}");
  EXPECT_EQ(e.type, "InvalidSessionException");
}

TEST(DriverErrors, RetryRules) {
  auto ise = [](std::string m) {
    return DriverError{"InvalidSessionException", std::move(m), 400}.ToStatus();
  };
  EXPECT_TRUE(IsRetryable(ise("Session abc has expired")));
  EXPECT_TRUE(IsSessionDead(ise("Session abc has expired")));
  EXPECT_FALSE(IsRetryable(ise("Transaction 8A8yFbEVNTxFPXDdhYR9Ot has expired")));
  EXPECT_TRUE(IsTransactionExpired(ise("Transaction 8A8yFbEVNTxFPXDdhYR9Ot has expired")));
  EXPECT_FALSE(IsSessionDead(ise("Transaction 8A8yFbEVNTxFPXDdhYR9Ot has expired")));
  EXPECT_TRUE(IsRetryable(ParseServiceError(503, "CapacityExceededException", "{}").ToStatus()));
  EXPECT_TRUE(IsRetryable(ParseServiceError(500, "", "").ToStatus()));
  EXPECT_FALSE(IsRetryable(ParseServiceError(400, "RateExceededException", "{}").ToStatus()));
  EXPECT_FALSE(IsRetryable(ParseServiceError(400, "BadRequestException", "{}").ToStatus()));
  EXPECT_FALSE(IsRetryable(ParseServiceError(400, "LimitExceededException", "{}").ToStatus()));
  EXPECT_TRUE(IsRetryable(Status::IOError("connection refused")));
}

TEST(DriverErrors, FromStatusRoundTrip) {
  DriverError e{"BadRequestException", "Parser error: at line 1: x", 400};
  DriverError back = DriverError::FromStatus(e.ToStatus());
  EXPECT_EQ(back.type, e.type);
  EXPECT_EQ(back.message, e.message);
  EXPECT_EQ(DriverError::FromStatus(Status::IOError("cannot connect: refused")).type, "");
}

}  // namespace
}  // namespace folio::driver
