#include "ion/text_reader.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "ion/ion.h"

namespace folio::ion {
namespace {

Value One(std::string_view text) {
  Result<std::vector<Value>> r = ReadText(text);
  EXPECT_TRUE(r.ok()) << text << " -> " << r.status().ToString();
  if (!r.ok()) return Value();
  EXPECT_EQ(r->size(), 1u) << text;
  return r->empty() ? Value() : (*r)[0];
}

std::string ErrorOf(std::string_view text) {
  Result<std::vector<Value>> r = ReadText(text);
  EXPECT_FALSE(r.ok()) << text << " unexpectedly read as " << WriteText(*r);
  return r.ok() ? "" : r.status().message();
}

Decimal Dec(int64_t c, int32_t e, bool neg_zero = false) { return Decimal{Int(c), e, neg_zero}; }

TEST(TextReader, Position) {
  EXPECT_EQ(PositionOf("ab\ncd", 4).line, 2u);
  EXPECT_EQ(PositionOf("ab\ncd", 4).column, 2u);
  EXPECT_EQ(PositionOf("a\r\nb", 3).line, 2u);
  EXPECT_EQ(PositionOf("a\rb", 2).line, 2u);
  EXPECT_EQ(PositionOf("abc", 0).column, 1u);
}

TEST(TextReader, ErrorPositions) {
  EXPECT_EQ(ErrorOf("[1, 2,\n  ,3]"), "ion text 2:3: unexpected ','");
  EXPECT_EQ(ErrorOf("{a:1}\n\"abc"), "ion text 2:1: unterminated quoted literal");
  EXPECT_EQ(ErrorOf("(a b\r\nc"), "ion text 1:1: unterminated container");
  EXPECT_EQ(ErrorOf("x 0123"), "ion text 1:3: leading zero in a number");
  EXPECT_EQ(ErrorOf("\n\n  \"\\z\""), "ion text 3:4: invalid escape sequence");
}

TEST(TextReader, Scalars) {
  EXPECT_EQ(One("null"), Value());
  EXPECT_EQ(One("null.int"), Value::Null(Type::kInt));
  EXPECT_EQ(One("null.struct"), Value::Null(Type::kStruct));
  EXPECT_EQ(One("true"), Value::Bool(true));
  EXPECT_EQ(One("false"), Value::Bool(false));
  EXPECT_EQ(One("123"), Value::Integer(123));
  EXPECT_EQ(One("-0"), Value::Integer(0));
  EXPECT_EQ(One("0x1F"), Value::Integer(31));
  EXPECT_EQ(One("-0b101"), Value::Integer(-5));
  EXPECT_EQ(One("1_000_000"), Value::Integer(1000000));
  EXPECT_EQ(One("0xFF_FF"), Value::Integer(65535));
  EXPECT_EQ(One("123456789012345678901234567890").as_int().ToString(),
            "123456789012345678901234567890");
  EXPECT_EQ(One("1.5e0"), Value::Float(1.5));
  EXPECT_EQ(One("-0e0"), Value::Float(-0.0));
  EXPECT_TRUE(std::signbit(One("-0e0").as_float()));
  EXPECT_TRUE(std::isnan(One("nan").as_float()));
  EXPECT_EQ(One("+inf"), Value::Float(HUGE_VAL));
  EXPECT_EQ(One("-inf"), Value::Float(-HUGE_VAL));
  EXPECT_EQ(One("123.777e777"), Value::Float(HUGE_VAL));
  EXPECT_EQ(One("4.9e-324").as_float(), 4.9e-324);
  EXPECT_EQ(One("1e-400").as_float(), 0.0);
  EXPECT_EQ(One("0.1e0").as_float(), 0.1);
  EXPECT_EQ(One("1.0"), Value::Dec(Dec(10, -1)));
  EXPECT_NE(One("1.0"), One("1.00"));
  EXPECT_EQ(One("1."), Value::Dec(Dec(1, 0)));
  EXPECT_EQ(One("-0."), Value::Dec(Dec(0, 0, true)));
  EXPECT_NE(One("-0."), One("0."));
  EXPECT_EQ(One("0d-0"), One("0d0"));
  EXPECT_EQ(One("1d5"), Value::Dec(Dec(1, 5)));
  EXPECT_EQ(One("12_34.5_6D+2"), Value::Dec(Dec(123456, 0)));
  EXPECT_EQ(One("\"a\\nb\""), Value::String("a\nb"));
  EXPECT_EQ(One("abc"), Value::Sym("abc"));
  EXPECT_EQ(One("'hello world'"), Value::Sym("hello world"));
  EXPECT_EQ(One("''"), Value::Sym(""));
  EXPECT_EQ(One("'$12'"), Value::Sym("$12"));
  EXPECT_EQ(One("'null'"), Value::Sym("null"));
  EXPECT_EQ(One("$0"), Value::Sym(Symbol::Unknown()));
  EXPECT_EQ(One("$4"), Value::Sym("name"));
}

TEST(TextReader, Strings) {
  EXPECT_EQ(One("\"\\x41\\u00e9\\U0001F600\"").as_string(), "A\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(One("\"\\uD83D\\uDE00\"").as_string(), "\xF0\x9F\x98\x80");
  EXPECT_EQ(One("'''a''' /* c */ '''b''' // x\n '''c'''").as_string(), "abc");
  EXPECT_EQ(One("'''a\r\nb\rc'''").as_string(), "a\nb\nc");
  EXPECT_EQ(One("'''a\\r\\nb'''").as_string(), "a\r\nb");
  EXPECT_EQ(One("\"ab\\\ncd\"").as_string(), "abcd");
  EXPECT_EQ(One("'''it''s'''").as_string(), "it''s");
  EXPECT_EQ(One("\"\xC3\xA9\"").as_string(), "\xC3\xA9");
  ErrorOf("\"\\uD800\"");
  ErrorOf("\"\\uDC00\"");
  ErrorOf("'''\\uD800''' '''\\uDC00'''");
  ErrorOf("'''\\u''' '''0041'''");
  ErrorOf("\"a\nb\"");
  ErrorOf("\"\x01\"");
  ErrorOf("'''\x01'''");
  ErrorOf("\"\xC0\x80\"");      // overlong
  ErrorOf("\"\xED\xA0\x80\"");  // encoded surrogate
  ErrorOf("\"\\U00110000\"");
  ErrorOf("\"\\e\"");
}

TEST(TextReader, Lobs) {
  EXPECT_EQ(One("{{ aGVs\n bG8= }}"), Value::Blob(Bytes{'h', 'e', 'l', 'l', 'o'}));
  EXPECT_EQ(One("{{}}"), Value::Blob(Bytes{}));
  EXPECT_EQ(One("{{ \"a\\x00\\xff\" }}"), Value::Clob(Bytes{'a', 0, 0xff}));
  EXPECT_EQ(One("{{ '''a''' '''b''' }}"), Value::Clob(Bytes{'a', 'b'}));
  ErrorOf("{{ \"\\u0041\" }}");
  ErrorOf("{{ \"\xC3\xA9\" }}");
  ErrorOf("{{ \"a\" /* c */ }}");
  ErrorOf("{{ \"a\" \"b\" }}");
  ErrorOf("{{ aGVsbG8 }}");
  ErrorOf("{{ aGVsbG8=} }");
  ErrorOf("{{ aGVsbG9= }}");  // non-canonical padding bits
}

TEST(TextReader, Timestamps) {
  Timestamp t = One("2007-02-23T12:14:33.079-08:00").as_timestamp();
  EXPECT_EQ(t.precision, Timestamp::Precision::kFraction);
  EXPECT_EQ(t.offset_minutes, std::optional<int16_t>(-480));
  EXPECT_EQ(t.fraction, Dec(79, -3));
  EXPECT_EQ(One("2007T").as_timestamp().precision, Timestamp::Precision::kYear);
  EXPECT_EQ(One("2007-02T").as_timestamp().precision, Timestamp::Precision::kMonth);
  EXPECT_EQ(One("2007-02-23"), One("2007-02-23T"));
  EXPECT_EQ(One("2007-02-23T12:14Z"), One("2007-02-23T12:14+00:00"));
  EXPECT_NE(One("2007-02-23T12:14Z"), One("2007-02-23T12:14-00:00"));
  EXPECT_FALSE(One("2007-02-23T12:14-00:00").as_timestamp().offset_minutes.has_value());
  EXPECT_EQ(One("2000-02-29T"), One("2000-02-29"));
  EXPECT_EQ(One("2007"), Value::Integer(2007));
  for (const char* bad :
       {"2007-01", "2007-02-30", "2001-02-29", "2007-01-01T12Z", "2007-01-01T12:00",
        "2007-01-01T12:00z", "2007-01-01T12:00+8:00", "2007-01-01T24:00Z", "2007-01-01T12:00:00.Z",
        "0000T", "2007-01-01Z", "2007-01-01T12:00+24:00", "2007-01-01T12:00Z/x"}) {
    ErrorOf(bad);
  }
}

TEST(TextReader, Containers) {
  Value s = One("{a:1, 'b c':[1,2,], \"d\":(x + -1 'y'), a:2,}");
  ASSERT_EQ(s.fields().size(), 4u);
  EXPECT_EQ(s.fields()[0].name, Symbol("a"));
  EXPECT_EQ(*s.Get("b c"), Value::List({Value::Integer(1), Value::Integer(2)}));
  EXPECT_EQ(*s.Get("d"),
            Value::Sexp({Value::Sym("x"), Value::Sym("+"), Value::Integer(-1), Value::Sym("y")}));
  EXPECT_EQ(One("(a==b&&c==d)").elements().size(), 7u);
  EXPECT_EQ(One("(a.b)").elements().size(), 3u);
  EXPECT_EQ(One("(-inf)"), Value::Sexp({Value::Float(-HUGE_VAL)}));
  EXPECT_EQ(One("( - )"), Value::Sexp({Value::Sym("-")}));
  EXPECT_EQ(One("(+1)"), Value::Sexp({Value::Sym("+"), Value::Integer(1)}));
  EXPECT_EQ(One("(a-1)"), Value::Sexp({Value::Sym("a"), Value::Integer(-1)}));
  EXPECT_EQ(One("(a//c\n+b)"), Value::Sexp({Value::Sym("a"), Value::Sym("+"), Value::Sym("b")}));
  EXPECT_EQ(One("(a/b)"), Value::Sexp({Value::Sym("a"), Value::Sym("/"), Value::Sym("b")}));
  EXPECT_EQ(One("{'''a''' '''b''':1}").fields()[0].name, Symbol("ab"));
  EXPECT_EQ(One("{inf:false}").fields()[0].name, Symbol("inf"));
  for (const char* bad :
       {"[1,,2]",   "[,1]",    "{,}",          "{a:1,,}",  "(1,2)", "[1 2]", "{a 1}", "{null:1}",
        "{true:1}", "{nan:1}", "{null.int:1}", "[a+b]",    "a.b",   "+",     "-",     "[",
        "(",        "{",       "{a:}",         "{a::b:1}", "(1+2)", "[1}",   "(a]"}) {
    ErrorOf(bad);
  }
}

TEST(TextReader, Annotations) {
  Value v = One("a::'b'::$0::1");
  EXPECT_EQ(v.annotations(), (std::vector<Symbol>{"a", "b", Symbol::Unknown()}));
  EXPECT_EQ(One("a /* c */ :: // d\n 1").annotations().size(), 1u);
  EXPECT_EQ(One("'null'::1").annotations()[0], Symbol("null"));
  for (const char* bad : {"null::1", "true::1", "nan::1", "null.int::1", "\"s\"::1", "a::", "a: :1",
                          "(+::a)", "a::+", "'''a'''::1"}) {
    ErrorOf(bad);
  }
}

TEST(TextReader, Keywords) {
  ErrorOf("null.");
  ErrorOf("null.foo");
  ErrorOf("null./**/int");
  ErrorOf("(null.)");
  ErrorOf("null.int.x");
  EXPECT_EQ(One("nullable"), Value::Sym("nullable"));
  EXPECT_EQ(One("(null.int)"), Value::Sexp({Value::Null(Type::kInt)}));
}

TEST(TextReader, NumbersNeedStops) {
  for (const char* bad : {"1247/bc", "1_",   "1__0", "-_1", "0x_1",        "0_x1", "1._0",  "1_.0",
                          "+1",      "+1.0", "+1e0", "01",  "-01",         "1e",   "1.2.3", "12:",
                          "1a",      "0xG",  "0b2",  "1d",  "123\xC4\xA0", "0x"}) {
    ErrorOf(bad);
  }
  EXPECT_EQ(ReadText("1/*c*/2//d\n3")->size(), 3u);
  EXPECT_EQ(ReadText("1[2](3){a:4}\"5\"'6'")->size(), 6u);
}

TEST(TextReader, VersionMarkersAndSymbolTables) {
  auto read = [](std::string_view t) { return *ReadText(t); };
  EXPECT_TRUE(read("$ion_1_0").empty());
  EXPECT_TRUE(read("'$ion_1_0' $2").empty());
  EXPECT_EQ(read("a::$ion_1_0"), std::vector<Value>{Value::Sym("$ion_1_0").Annotate({"a"})});
  EXPECT_EQ(read("[$ion_1_0]")[0].elements()[0], Value::Sym("$ion_1_0"));
  ErrorOf("$ion_2_0");
  ErrorOf("$ion_1_1");
  EXPECT_EQ(read("$ion_symbol_table::{symbols:[\"x\", null, 1, \"y\"]} $10 $11 $12 $13"),
            (std::vector<Value>{Value::Sym("x"), Value::Sym(Symbol::Unknown()),
                                Value::Sym(Symbol::Unknown()), Value::Sym("y")}));
  ErrorOf("$ion_symbol_table::{symbols:[\"x\"]} $11");
  EXPECT_EQ(read("$ion_symbol_table::{symbols:[\"x\"]} "
                 "$ion_symbol_table::{imports:$ion_symbol_table, symbols:[\"y\"]} $10 $11"),
            (std::vector<Value>{Value::Sym("x"), Value::Sym("y")}));
  // An IVM resets the table; a no-op does not.
  ErrorOf("$ion_symbol_table::{symbols:[\"x\"]} $ion_1_0 $10");
  EXPECT_EQ(read("$ion_symbol_table::{symbols:[\"x\"]} '$ion_1_0' $10"),
            std::vector<Value>{Value::Sym("x")});
  // Shared imports without a catalog: ranges of unknown text.
  EXPECT_EQ(read("$ion_symbol_table::{imports:[{name:\"t\",version:1,max_id:268435444}],"
                 "symbols:[\"z\"]} $10 $268435453 $268435454 {$11:$12::1}"),
            (std::vector<Value>{
                Value::Sym(Symbol::Unknown("t", 1)), Value::Sym(Symbol::Unknown("t", 268435444)),
                Value::Sym("z"),
                Value::Struct({Field{Symbol::Unknown("t", 2),
                                     Value::Integer(1).Annotate({Symbol::Unknown("t", 3)})}})}));
  EXPECT_EQ(read("$ion_symbol_table::{imports:[{name:\"t\",max_id:4611686018427387000}]} "
                 "$4611686018427387009"),
            std::vector<Value>{Value::Sym(Symbol::Unknown("t", 4611686018427387000))});
  ErrorOf(
      "$ion_symbol_table::{imports:[{name:\"t\",max_id:4611686018427387000}]} "
      "$4611686018427387010");
  ErrorOf("$99999999999999999999");
  ErrorOf("$ion_symbol_table::{imports:[{name:\"t\",version:1}]}");
  ErrorOf("$ion_symbol_table::{imports:[{name:\"t\",max_id:-1}]}");
  ErrorOf("$ion_symbol_table::{symbols:[], symbols:[]}");
  ErrorOf("$ion_symbol_table::{imports:[], imports:[]}");
  // Not at top level, or not first annotation: plain data.
  EXPECT_EQ(read("a::$ion_symbol_table::{symbols:[\"x\"]}").size(), 1u);
  EXPECT_EQ(read("[$ion_symbol_table::{symbols:[\"x\"]}]").size(), 1u);
  EXPECT_TRUE(read("$ion_symbol_table::null.struct").empty());
}

TEST(TextReader, DepthLimit) {
  std::string ok(kMaxDepth, '[');
  ok += std::string(kMaxDepth, ']');
  EXPECT_TRUE(ReadText(ok).ok());
  std::string deep(kMaxDepth + 1, '[');
  deep += std::string(kMaxDepth + 1, ']');
  EXPECT_NE(ErrorOf(deep).find("depth"), std::string::npos);
  std::string huge(1000000, '(');
  EXPECT_FALSE(ReadText(huge).ok());
}

TEST(TextReader, CommentsAndEmpty) {
  EXPECT_TRUE(ReadText("")->empty());
  EXPECT_TRUE(ReadText("  // x")->empty());
  EXPECT_TRUE(ReadText("/* x */")->empty());
  ErrorOf("/* x");
  ErrorOf("a /");
}

}  // namespace
}  // namespace folio::ion
