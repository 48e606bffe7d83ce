// Unit tests for partiql functions, arithmetic and comparison, with explicit cases taken
// from partiql-tests (eval/primitives and the extended suite).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ion/ion.h"
#include "partiql/arith.h"
#include "partiql/compare.h"
#include "partiql/functions.h"

namespace folio::partiql {
namespace {

using ion::Value;

Value Ion(std::string_view text) {
  auto v = ion::ReadOneText(text);
  EXPECT_TRUE(v.ok()) << text << ": " << v.status().ToString();
  return v.ok() ? std::move(v).value() : Value();
}
Value Str(std::string s) { return Value::String(std::move(s)); }
Value Sym(std::string s) { return Value::Sym(ion::Symbol(std::move(s))); }
Value I(int64_t v) { return Value::Integer(v); }

Result<Value> Call(std::string_view name, std::vector<Value> args) {
  FunctionContext ctx;
  ctx.transaction_id = "txid123";
  return CallFunction(name, args, ctx);
}

// Expects `got` to be ok and Ion-equal to `want` (Ion text).
void ExpectIon(const Result<Value>& got, std::string_view want) {
  ASSERT_TRUE(got.ok()) << "want " << want << ", got error " << got.status().ToString();
  Value w = Ion(want);
  EXPECT_TRUE(*got == w) << "want " << want << ", got " << ion::WriteText(*got);
}

TEST(Functions, FindFunction) {
  ASSERT_NE(FindFunction("substring"), nullptr);
  EXPECT_EQ(FindFunction("substring")->min_args, 2);
  EXPECT_EQ(FindFunction("substring")->max_args, 3);
  EXPECT_FALSE(FindFunction("coalesce")->propagates_null);
  EXPECT_EQ(FindFunction("foo"), nullptr);
  EXPECT_EQ(FindFunction("SUBSTRING"), nullptr);  // callers lower-case first
}

TEST(Functions, CharLength) {
  ExpectIon(Call("char_length", {Str("😁😞😸😸")}), "4");
  ExpectIon(Call("character_length", {Str("")}), "0");
  ExpectIon(Call("char_length", {Sym("abc")}), "3");
  EXPECT_FALSE(Call("char_length", {I(1)}).ok());
}

TEST(Functions, Substring) {
  ExpectIon(Call("substring", {Str("123456789"), I(0)}), "\"123456789\"");
  ExpectIon(Call("substring", {Str("123456789"), I(2)}), "\"23456789\"");
  ExpectIon(Call("substring", {Str("123456789"), I(-4)}), "\"123456789\"");
  ExpectIon(Call("substring", {Str("😁😞😸😸"), I(3)}), "\"😸😸\"");
  ExpectIon(Call("substring", {Str("123456789"), I(0), I(2)}), "\"1\"");
  ExpectIon(Call("substring", {Str("123456789"), I(2), I(3)}), "\"234\"");
  ExpectIon(Call("substring", {Str("123456789"), I(-4), I(2)}), "\"\"");
  ExpectIon(Call("substring", {Str("123456789"), I(1), I(999)}), "\"123456789\"");
  auto neg = Call("substring", {Str("1"), I(4), I(-11)});
  ASSERT_FALSE(neg.ok());
  EXPECT_EQ(neg.status().code(), StatusCode::kInvalidArgument);
  auto bad = Call("substring", {Str("1"), Str("x")});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("SUBSTRING: argument 2 must be an int"),
            std::string::npos)
      << bad.status().message();
}

TEST(Functions, Trim) {
  ExpectIon(Call("trim", {Str(" foobar ")}), "\"foobar\"");
  ExpectIon(Call("trim", {Sym("both"), Str(" foobar ")}), "\"foobar\"");
  ExpectIon(Call("trim", {Sym("leading"), Str("💩"), Str("💩💩😁💩")}), "\"😁💩\"");
  ExpectIon(Call("trim", {Sym("trailing"), Str("💩"), Str("💩💩😁💩")}), "\"💩💩😁\"");
  ExpectIon(Call("trim", {Sym("both"), Str("12"), Str("111112a1212121211")}), "\"a\"");
  ExpectIon(Call("trim", {Sym("both"), Str(" "), Str(" ")}), "\"\"");
  EXPECT_FALSE(Call("trim", {Sym("sideways"), Str("x")}).ok());
}

TEST(Functions, LowerUpper) {
  ExpectIon(Call("lower", {Str("AbC")}), "\"abc\"");
  ExpectIon(Call("upper", {Str("AbC")}), "\"ABC\"");
  ExpectIon(Call("upper", {Str("ёжик")}), "\"ЁЖИК\"");
  ExpectIon(Call("lower", {Str("ΑΒΓ")}), "\"αβγ\"");
  ExpectIon(Call("upper", {Str("話家")}), "\"話家\"");
}

TEST(Functions, DateAdd) {
  ExpectIon(Call("date_add", {Sym("year"), I(1), Ion("2017T")}), "2018T");
  ExpectIon(Call("date_add", {Sym("month"), I(1), Ion("2017T")}), "2017-02T");
  ExpectIon(Call("date_add", {Sym("day"), I(1), Ion("2017T")}), "2017-01-02");
  ExpectIon(Call("date_add", {Sym("hour"), I(1), Ion("2017T")}), "2017-01-01T01:00-00:00");
  ExpectIon(Call("date_add", {Sym("second"), I(1), Ion("2017T")}),
            "2017-01-01T00:00:01-00:00");
  ExpectIon(Call("date_add", {Sym("second"), I(1), Ion("2017-01-02T03:04:05.006Z")}),
            "2017-01-02T03:04:06.006Z");
  ExpectIon(Call("date_add", {Sym("day"), I(420), Ion("2017T")}), "2018-02-25");
  ExpectIon(Call("date_add", {Sym("second"), I(-1), Ion("2017T")}),
            "2016-12-31T23:59:59-00:00");
  ExpectIon(Call("date_add", {Sym("month"), I(1), Ion("2017-01-31T")}), "2017-02-28");
  ExpectIon(Call("date_add", {Sym("hour"), I(1), Ion("2017-01-02T03:04+05:30")}),
            "2017-01-02T04:04+05:30");
  EXPECT_FALSE(Call("date_add", {Sym("second"), I(1), Ion("9999-12-31T23:59:59Z")}).ok());
  EXPECT_FALSE(Call("date_add", {Sym("week"), I(1), Ion("2017T")}).ok());
}

TEST(Functions, DateDiff) {
  ExpectIon(Call("date_diff", {Sym("year"), Ion("2017T"), Ion("2018T")}), "1");
  ExpectIon(Call("date_diff", {Sym("second"), Ion("2017T"), Ion("2018T")}), "31536000");
  ExpectIon(Call("date_diff", {Sym("hour"), Ion("2017-01T"), Ion("2017-02T")}), "744");
  ExpectIon(Call("date_diff", {Sym("day"), Ion("2010-01-01T23:00Z"), Ion("2010-01-02T01:00Z")}),
            "0");
  ExpectIon(Call("date_diff", {Sym("hour"), Ion("2017-01-02T03:04+01:02"),
                               Ion("2017-01-02T03:04+00:00")}),
            "1");
  ExpectIon(Call("date_diff", {Sym("month"), Ion("2017-02T"), Ion("2017-01T")}), "-1");
  ExpectIon(Call("date_diff", {Sym("month"), Ion("2017-01-31T"), Ion("2017-02-28T")}), "0");
  ExpectIon(Call("date_diff", {Sym("second"), Ion("2017-01-02T03:04:05.008Z"),
                               Ion("2017-01-02T03:04:06.007Z")}),
            "0");
  ExpectIon(Call("date_diff", {Sym("second"), Ion("2017-01-02T03:04:06.007Z"),
                               Ion("2017-01-02T03:04:05.008Z")}),
            "0");
  ExpectIon(Call("date_diff", {Sym("day"), Ion("2016-02-01T"), Ion("2016-03-01T")}), "29");
}

TEST(Functions, Extract) {
  Value ts = Ion("2000-01-02T03:04:05.67-08:09");
  ExpectIon(Call("extract", {Sym("year"), ts}), "2000");
  ExpectIon(Call("extract", {Sym("month"), ts}), "1");
  ExpectIon(Call("extract", {Sym("day"), ts}), "2");
  ExpectIon(Call("extract", {Sym("hour"), ts}), "3");
  ExpectIon(Call("extract", {Sym("minute"), ts}), "4");
  ExpectIon(Call("extract", {Sym("second"), ts}), "5.67");
  ExpectIon(Call("extract", {Sym("timezone_hour"), ts}), "-8");
  ExpectIon(Call("extract", {Sym("timezone_minute"), ts}), "-9");
  ExpectIon(Call("extract", {Sym("second"), Ion("2000T")}), "0.");
  EXPECT_FALSE(Call("extract", {Sym("year"), I(1)}).ok());
}

TEST(Functions, ToString) {
  ExpectIon(Call("to_string", {Ion("0986T"), Str("y")}), "\"986\"");
  ExpectIon(Call("to_string", {Ion("0986T"), Str("yyyy")}), "\"0986\"");
  ExpectIon(Call("to_string", {Ion("1986T"), Str("yy")}), "\"86\"");
  ExpectIon(Call("to_string", {Ion("0986-09T"), Str("MMM")}), "\"Sep\"");
  ExpectIon(Call("to_string", {Ion("0986-08T"), Str("MMMMM")}), "\"A\"");
  ExpectIon(Call("to_string", {Ion("0986-01-02T20:01:55.004Z"), Str("hh a")}), "\"08 PM\"");
  ExpectIon(Call("to_string", {Ion("0986-01-02T18:01:55.004+01:00"), Str("SSS n")}),
            "\"004 4000000\"");
  ExpectIon(Call("to_string", {Ion("0986-01-02T"), Str("X x")}), "\"Z +00\"");
  ExpectIon(Call("to_string", {Ion("0986-01-02T18:01:55.004+01:10"), Str("X XX XXX xx xxx")}),
            "\"+0110 +0110 +01:10 +0110 +01:10\"");
  ExpectIon(Call("to_string", {Ion("1969-07-20T20:18+08:00"), Str("y-MM-dd'T'H:m:ssX")}),
            "\"1969-07-20T20:18:00+08\"");
  ExpectIon(Call("to_string", {Ion("1969-07-20T20:18Z"), Str("MMMM d, y")}),
            "\"July 20, 1969\"");
  for (const char* bad : {"Q", "W", "z", "K", "not_a_pattern"}) {
    EXPECT_FALSE(Call("to_string", {Ion("2000T"), Str(bad)}).ok()) << bad;
  }
}

TEST(Functions, ToTimestamp) {
  ExpectIon(Call("to_timestamp", {Str("2007-02-23T12:14:33.079-08:00")}),
            "2007-02-23T12:14:33.079-08:00");
  ExpectIon(Call("to_timestamp", {Str("69"), Str("yy")}), "2069T");
  ExpectIon(Call("to_timestamp", {Str("70"), Str("yy")}), "1970T");
  ExpectIon(Call("to_timestamp", {Str("1 Sep"), Str("y MMM")}), "0001-09T");
  ExpectIon(Call("to_timestamp", {Str("1 1 1 11 59 PM"), Str("y M d h m a")}),
            "0001-01-01T23:59-00:00");
  ExpectIon(Call("to_timestamp", {Str("1 1 1 0 0 0 10"), Str("y M d H m s SS")}),
            "0001-01-01T00:00:00.1-00:00");
  ExpectIon(Call("to_timestamp", {Str("1 1 1 0 0 0 00"), Str("y M d H m s SS")}),
            "0001-01-01T00:00:00-00:00");
  ExpectIon(Call("to_timestamp", {Str("2 1 1 0 0 -01:59"), Str("y M d H m XXX")}),
            "0002-01-01T00:00-01:59");
  ExpectIon(Call("to_timestamp", {Str("2 1 1 0 0 Z"), Str("y M d H m X")}),
            "0002-01-01T00:00Z");
  ExpectIon(Call("to_timestamp", {Str("1 1 1 0 0 0 00000000001"), Str("y M d H m s n")}),
            "0001-01-01T00:00:00.000000001-00:00");
  const std::pair<const char*, const char*> bad[] = {
      {"0", "y"},          {"010", "yyyy"},         {"10 13", "y M"},
      {"10 1 40", "y M d"}, {"10 1 1 25 1", "y M d H m"}, {"x", "dd"},
      {"1 1", "y M X"},    {"10 1 1 1 1 +24", "y M d H m X"},
      {"10 1 1 1 1 Z", "y M d H m x"}, {"10 1 1 1 1 -1:00", "y M d H m XXX"},
      {"10 Fub", "y MMM"}, {"10 1 1 13 1 AM", "y M d h m a"}};
  for (const auto& [text, pattern] : bad) {
    EXPECT_FALSE(Call("to_timestamp", {Str(text), Str(pattern)}).ok()) << text << " / " << pattern;
  }
}

TEST(Functions, UtcNowAndTxid) {
  FunctionContext ctx;
  ctx.transaction_id = "abc";
  ctx.now = Ion("2022-06-08T18:46:46.512Z").as_timestamp();
  ExpectIon(CallFunction("utcnow", {}, ctx), "2022-06-08T18:46:46.512Z");
  ExpectIon(CallFunction("txid", {}, ctx), "\"abc\"");
}

TEST(Functions, SizeExistsCoalesceNullif) {
  ExpectIon(Call("size", {Ion("[1, 1.0]")}), "2");
  ExpectIon(Call("size", {Ion("{a: 1, a: 2}")}), "2");
  ExpectIon(Call("size", {Ion("()")}), "0");
  EXPECT_FALSE(Call("size", {I(1)}).ok());
  ExpectIon(Call("exists", {Ion("[1]")}), "true");
  ExpectIon(Call("exists", {Ion("[]")}), "false");
  ExpectIon(Call("exists", {I(1)}), "false");
  ExpectIon(Call("exists", {Value::Null()}), "false");
  ExpectIon(Call("coalesce", {Value::Null(), Value::Null(), I(3)}), "3");
  ExpectIon(Call("coalesce", {Value::Null()}), "null");
  ExpectIon(Call("nullif", {I(1), I(1)}), "null");
  ExpectIon(Call("nullif", {Ion("1.0"), I(1)}), "null");
  ExpectIon(Call("nullif", {I(2), Str("2")}), "2");
  ExpectIon(Call("nullif", {Ion("{}"), Ion("[]")}), "{}");
  ExpectIon(Call("nullif", {I(1), Value::Null()}), "1");
}

TEST(Functions, CastToInt) {
  auto cast = [](std::string_view v, std::string_view t) { return Cast(Ion(v), t); };
  ExpectIon(cast("1.5e0", "int"), "2");
  ExpectIon(cast("0.5e0", "int"), "0");
  ExpectIon(cast("-1.5", "int"), "-2");
  ExpectIon(cast("0.9", "int"), "1");
  ExpectIon(cast("true", "int"), "1");
  ExpectIon(cast("\"+0b010\"", "int"), "2");
  ExpectIon(cast("\"-0x0A\"", "int"), "-10");
  ExpectIon(cast("\"-00\"", "int"), "0");
  ExpectIon(cast("-9223372036854775808.0", "bigint"), "-9223372036854775808");
  for (const char* bad : {"\"hello\"", "\"00xA\"", "\"2e10\"", "[1]", "2017T", "2e100",
                          "\"92233720368547758070\"", "{{}}"}) {
    EXPECT_FALSE(cast(bad, "int").ok()) << bad;
  }
}

TEST(Functions, CastOther) {
  auto cast = [](std::string_view v, std::string_view t) { return Cast(Ion(v), t); };
  ExpectIon(cast("1e0", "string"), "\"1.0\"");
  ExpectIon(cast("1.50", "string"), "\"1.50\"");
  ExpectIon(cast("1d5", "string"), "\"1E+5\"");
  ExpectIon(cast("123", "symbol"), "'123'");
  ExpectIon(cast("abc", "string"), "\"abc\"");
  ExpectIon(cast("2017-01-01T", "string"), "\"2017-01-01\"");
  ExpectIon(cast("\"1.5\"", "decimal"), "1.5");
  ExpectIon(cast("\"1.5\"", "float"), "1.5e0");
  ExpectIon(cast("0.1e0", "decimal"), "0.1");
  ExpectIon(cast("\"TRUE\"", "boolean"), "true");
  ExpectIon(cast("0", "bool"), "false");
  ExpectIon(cast("\"2007-02-23T12:14Z\"", "timestamp"), "2007-02-23T12:14Z");
  ExpectIon(cast("[1,2]", "sexp"), "(1 2)");
  ExpectIon(cast("null.int", "string"), "null");
  EXPECT_FALSE(cast("\"x\"", "timestamp").ok());
  EXPECT_FALSE(cast("[1]", "struct").ok());
  EXPECT_FALSE(cast("1", "no_such_type").ok());
}

TEST(Arith, Ints) {
  ExpectIon(Add(I(1), I(2)), "3");
  ExpectIon(Divide(I(-1), I(2)), "0");
  ExpectIon(Modulo(I(-10), I(11)), "-10");
  ExpectIon(Modulo(I(10), I(-3)), "1");
  EXPECT_FALSE(Add(I(INT64_MAX), I(1)).ok());
  EXPECT_FALSE(Subtract(I(INT64_MIN), I(1)).ok());
  EXPECT_FALSE(Multiply(I(922337203685477580), I(11)).ok());
  EXPECT_FALSE(Divide(I(INT64_MIN), I(-1)).ok());
  EXPECT_FALSE(Divide(I(1), I(0)).ok());
  EXPECT_FALSE(Modulo(I(1), I(0)).ok());
  ExpectIon(Add(Ion("18446744073709551616"), I(1)), "18446744073709551617");
  EXPECT_FALSE(Negate(I(INT64_MIN)).ok());
  ExpectIon(Negate(I(5)), "-5");
}

TEST(Arith, Decimals) {
  ExpectIon(Divide(Ion("4.0000"), Ion("3.0")), "1.3333333333333333333333333333333333333");
  ExpectIon(Divide(Ion("4.000000000000000000000000000000000000"), Ion("3.0")),
            "1.3333333333333333333333333333333333333");
  ExpectIon(Divide(Ion("3.0"), I(2)), "1.5");
  ExpectIon(Divide(Ion("1.000"), I(2)), "0.500");
  ExpectIon(Divide(I(100), Ion("4.")), "25.");
  ExpectIon(Subtract(Ion("1d100"), Ion("1d-100")), "10000000000000000000000000000000000000d63");
  ExpectIon(Add(Ion("9223372036854775807.0"), Ion("100.0")), "9223372036854775907.0");
  ExpectIon(Add(Ion("1.5"), I(1)), "2.5");
  ExpectIon(Multiply(Ion("1.5"), Ion("2.0")), "3.00");
  ExpectIon(Modulo(Ion("5.5"), I(2)), "1.5");
  ExpectIon(Add(Ion("0d-1000000000"), Ion("5")), "5.0000000000000000000000000000000000000");
  EXPECT_FALSE(Divide(Ion("1.0"), Ion("0.0")).ok());
}

TEST(Arith, FloatsAndConcat) {
  ExpectIon(Multiply(Ion("2e0"), I(4)), "8e0");
  ExpectIon(Subtract(I(1), Ion("0.5e0")), "0.5e0");
  EXPECT_FALSE(Add(I(1), Str("a")).ok());
  ExpectIon(Concat(Str("a"), Sym("b")), "\"ab\"");
  EXPECT_FALSE(Concat(Str("a"), I(1)).ok());
}

TEST(Compare, Equality) {
  EXPECT_TRUE(PartiqlEquals(I(1), Ion("1e0")));
  EXPECT_TRUE(PartiqlEquals(I(1), Ion("1.000")));
  EXPECT_FALSE(PartiqlEquals(I(1), Ion("1e1")));
  EXPECT_TRUE(PartiqlEquals(Str("a"), Sym("a")));
  EXPECT_TRUE(PartiqlEquals(Ion("[1, 2e0, hello]"), Ion("[1.0, 2, hello]")));
  EXPECT_FALSE(PartiqlEquals(Ion("[1, 2e0, hello]"), Ion("[hello, 2, 1.0]")));
  EXPECT_FALSE(PartiqlEquals(Ion("[1]"), Ion("(1)")));
  EXPECT_TRUE(PartiqlEquals(Ion("{a:1, b:[2]}"), Ion("{b:[2.0], a:1e0}")));
  EXPECT_FALSE(PartiqlEquals(Ion("{a:1}"), Ion("{a:1, a:1}")));
  EXPECT_TRUE(PartiqlEquals(Ion("2017-01-01T00:00Z"), Ion("2017-01-01T01:00+01:00")));
  EXPECT_TRUE(PartiqlEquals(Ion("a::1"), I(1)));
  EXPECT_TRUE(PartiqlEquals(Ion("{{aGVsbG8=}}"), Ion("{{\"hello\"}}")));
  EXPECT_FALSE(PartiqlEquals(I(2), Str("2")));
  EXPECT_TRUE(PartiqlEquals(Ion("nan"), Ion("nan")));
}

TEST(Compare, Ordering) {
  EXPECT_LT(*CompareValues(I(1), Ion("1.5")), 0);
  EXPECT_GT(*CompareValues(Ion("1e300"), Ion("99999999999999999999999999")), 0);
  EXPECT_EQ(*CompareValues(Ion("0.1e0"), Ion("0.1")), 1);  // 0.1e0 is slightly above 0.1
  EXPECT_LT(*CompareValues(Str("a"), Sym("b")), 0);
  EXPECT_LT(*CompareValues(Str("z"), Str("é")), 0);
  EXPECT_LT(*CompareValues(Ion("2017T"), Ion("2018T")), 0);
  EXPECT_LT(*CompareValues(Ion("false"), Ion("true")), 0);
  auto bad = CompareValues(I(1), Str("a"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("int"), std::string::npos);
  EXPECT_NE(bad.status().message().find("string"), std::string::npos);
}

TEST(Compare, Like) {
  EXPECT_TRUE(*LikeMatch("abc", "a%", std::nullopt));
  EXPECT_TRUE(*LikeMatch("abc", "_b_", std::nullopt));
  EXPECT_FALSE(*LikeMatch("abc", "_b", std::nullopt));
  EXPECT_TRUE(*LikeMatch("😁x", "_x", std::nullopt));
  EXPECT_TRUE(*LikeMatch("100%", "1%[%", U'['));
  EXPECT_TRUE(*LikeMatch("11%22%33%", "%[%%[%%[%", U'['));
  EXPECT_FALSE(*LikeMatch("100%", "1%_[%1", U'['));
  EXPECT_FALSE(*LikeMatch("_", "[_[_", U'['));
  EXPECT_TRUE(*LikeMatch("", "%", std::nullopt));
  EXPECT_FALSE(LikeMatch("a", "a[", U'[').ok());
  EXPECT_FALSE(LikeMatch("a", "[a", U'[').ok());
}

}  // namespace
}  // namespace folio::partiql
