#include "ion/text_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "ion/ion.h"

namespace folio::ion {
namespace {

void ExpectRoundTrip(const std::vector<Value>& values) {
  for (TextStyle style : {TextStyle::kCompact, TextStyle::kPretty}) {
    std::string text = WriteText(values, style);
    Result<std::vector<Value>> back = ReadText(text);
    ASSERT_TRUE(back.ok()) << text << " -> " << back.status().ToString();
    EXPECT_EQ(*back, values) << text;
  }
}

TEST(TextWriter, Scalars) {
  EXPECT_EQ(Value().ToString(), "null");
  EXPECT_EQ(Value::Null(Type::kTimestamp).ToString(), "null.timestamp");
  EXPECT_EQ(Value::Bool(true).ToString(), "true");
  EXPECT_EQ(Value::Integer(-42).ToString(), "-42");
  EXPECT_EQ(Value::Float(1.5).ToString(), "1.5e0");
  EXPECT_EQ(Value::Float(100).ToString(), "100e0");
  EXPECT_EQ(Value::Float(1e300).ToString(), "1e+300");
  EXPECT_EQ(Value::Float(-0.0).ToString(), "-0e0");
  EXPECT_EQ(Value::Float(0.1).ToString(), "0.1e0");
  EXPECT_EQ(Value::Float(std::numeric_limits<double>::quiet_NaN()).ToString(), "nan");
  EXPECT_EQ(Value::Float(HUGE_VAL).ToString(), "+inf");
  EXPECT_EQ(Value::Float(-HUGE_VAL).ToString(), "-inf");
  EXPECT_EQ(Value::Dec(Decimal{Int(100), -2, false}).ToString(), "1.00");
  EXPECT_EQ(Value::Dec(Decimal{Int(0), 0, true}).ToString(), "-0.");
  EXPECT_EQ(Value::String("a\"b\\c\n\x01").ToString(), "\"a\\\"b\\\\c\\n\\x01\"");
  EXPECT_EQ(Value::Blob(Bytes{'h', 'i'}).ToString(), "{{aGk=}}");
  EXPECT_EQ(Value::Clob(Bytes{'a', '"', 0xFF}).ToString(), "{{\"a\\\"\\xFF\"}}");
}

TEST(TextWriter, SymbolQuoting) {
  EXPECT_EQ(Value::Sym("abc").ToString(), "abc");
  EXPECT_EQ(Value::Sym("$abc_1").ToString(), "$abc_1");
  EXPECT_EQ(Value::Sym("null").ToString(), "'null'");
  EXPECT_EQ(Value::Sym("true").ToString(), "'true'");
  EXPECT_EQ(Value::Sym("nan").ToString(), "'nan'");
  EXPECT_EQ(Value::Sym("$12").ToString(), "'$12'");
  EXPECT_EQ(Value::Sym("a b").ToString(), "'a b'");
  EXPECT_EQ(Value::Sym("").ToString(), "''");
  EXPECT_EQ(Value::Sym("it's").ToString(), "'it\\'s'");
  EXPECT_EQ(Value::Sym("+").ToString(), "'+'");
  EXPECT_EQ(Value::Sym("1a").ToString(), "'1a'");
  EXPECT_EQ(Value::Sym(Symbol::Unknown()).ToString(), "$0");
  EXPECT_EQ(Value::Integer(1).Annotate({"a", "null", Symbol::Unknown()}).ToString(),
            "a::'null'::$0::1");
  EXPECT_FALSE(IsPlainIdentifier("$ion_1_0"));
  EXPECT_TRUE(IsPlainIdentifier("_x9"));
}

TEST(TextWriter, Containers) {
  Value s = Value::Struct({Field{"a", Value::Integer(1)},
                           Field{"b c", Value::List({Value::Integer(1), Value::Sym("x")})},
                           Field{"d", Value::Sexp({Value::Sym("x"), Value::Sym("+")})}});
  EXPECT_EQ(s.ToString(), "{a:1,'b c':[1,x],d:(x '+')}");
  EXPECT_EQ(WriteText(s, TextStyle::kPretty),
            "{\n  a: 1,\n  'b c': [\n    1,\n    x\n  ],\n  d: (\n    x\n    '+'\n  )\n}\n");
  EXPECT_EQ(WriteText(std::vector<Value>{Value::Integer(1), Value::Integer(2)}), "1 2");
}

TEST(TextWriter, RoundTrips) {
  Timestamp ts;
  ts.precision = Timestamp::Precision::kFraction;
  ts.year = 2024;
  ts.month = 2;
  ts.day = 29;
  ts.hour = 23;
  ts.minute = 59;
  ts.second = 58;
  ts.fraction = Decimal{Int(10), -2, false};
  ts.offset_minutes = -90;
  Timestamp unknown_offset = ts;
  unknown_offset.offset_minutes.reset();
  std::vector<Value> values = {
      Value(),
      Value::Null(Type::kSexp),
      Value::Integer(Int(mpz_class("-123456789012345678901234567890"))),
      Value::Float(5e-324),
      Value::Float(1.7976931348623157e308),
      Value::Float(-0.0),
      Value::Float(std::numeric_limits<double>::quiet_NaN()),
      Value::Float(0.30000000000000004),
      Value::Dec(Decimal{Int(0), -3, true}),
      Value::Dec(Decimal{Int(-12345), 7, false}),
      Value::Dec(Decimal{Int(1), -2000, false}),
      Value::Time(ts),
      Value::Time(unknown_offset),
      Value::String("tab\tnul\x00 del\x7F \xE2\x82\xAC \xF0\x9F\x98\x80"),
      Value::Sym("'"),
      Value::Sym(Symbol::Unknown()).Annotate({"$0", "x y"}),
      Value::Clob(Bytes{0, 1, 127, 128, 255, '\'', '"'}),
      Value::Blob(Bytes{0, 1, 2, 3, 254, 255}),
      Value::Struct({Field{Symbol::Unknown(), Value::Integer(1)}, Field{"", Value::Bool(false)},
                     Field{"a", Value::Struct()}, Field{"a", Value::List()}}),
      Value::Sexp({Value::Sym("-"), Value::Integer(-1), Value::Float(-HUGE_VAL)}),
  };
  ExpectRoundTrip(values);
}

TEST(TextWriter, SharedImportGapsSurvive) {
  std::vector<Value> values = {
      Value::Sym(Symbol::Unknown("com.example", 7)),
      Value::Struct({Field{Symbol::Unknown("other", 1),
                           Value::Integer(1).Annotate({Symbol::Unknown("com.example", 2)})}}),
      Value::Sym(Symbol::Unknown()),
      Value::Sym(Symbol::Unknown("huge", int64_t{1} << 61)),
  };
  ExpectRoundTrip(values);
  EXPECT_EQ(WriteText(values[0]),
            "$ion_symbol_table::{imports:[{name:\"com.example\",version:1,max_id:7}]} $16");
}

}  // namespace
}  // namespace folio::ion
