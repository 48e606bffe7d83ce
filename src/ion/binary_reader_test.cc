#include "ion/binary_reader.h"

#include <gtest/gtest.h>

#include <cmath>
#include <initializer_list>
#include <string>

#include "ion/binary_writer.h"
#include "ion/ion.h"

namespace folio::ion {
namespace {

Bytes Ivm(std::initializer_list<uint8_t> body) {
  Bytes b = {0xE0, 0x01, 0x00, 0xEA};
  b.insert(b.end(), body.begin(), body.end());
  return b;
}

Value ReadSingle(std::initializer_list<uint8_t> body) {
  Bytes b = Ivm(body);
  auto r = ReadBinary(b);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return Value::String("<error>");
  EXPECT_EQ(r->size(), 1u);
  return r->empty() ? Value::String("<empty>") : r->front();
}

Status ReadError(std::initializer_list<uint8_t> body) {
  Bytes b = Ivm(body);
  auto r = ReadBinary(b);
  return r.status();
}

void ExpectBad(std::initializer_list<uint8_t> body, const std::string& fragment) {
  Status s = ReadError(body);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find(fragment), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("offset"), std::string::npos) << s.message();
}

TEST(BinaryReader, StreamFraming) {
  Bytes only_ivm = Ivm({});
  auto r = ReadBinary(only_ivm);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
  Bytes empty;
  EXPECT_FALSE(ReadBinary(empty).ok());
  Bytes text = {'1', '2', '3', ' '};
  EXPECT_FALSE(ReadBinary(text).ok());
  ExpectBad({0xE0, 0x01, 0x01, 0xEA}, "version marker");
  ExpectBad({0xE0, 0x01, 0x00}, "version marker");
  // A repeated IVM is fine.
  Bytes two = Ivm({0x21, 0x01, 0xE0, 0x01, 0x00, 0xEA, 0x21, 0x02});
  auto r2 = ReadBinary(two);
  ASSERT_TRUE(r2.ok());
  ASSERT_EQ(r2->size(), 2u);
  EXPECT_EQ((*r2)[1], Value::Integer(2));
}

TEST(BinaryReader, NullsAndBools) {
  EXPECT_EQ(ReadSingle({0x0F}), Value::Null());
  EXPECT_EQ(ReadSingle({0x1F}), Value::Null(Type::kBool));
  EXPECT_EQ(ReadSingle({0x2F}), Value::Null(Type::kInt));
  EXPECT_EQ(ReadSingle({0x3F}), Value::Null(Type::kInt));
  EXPECT_EQ(ReadSingle({0x4F}), Value::Null(Type::kFloat));
  EXPECT_EQ(ReadSingle({0x5F}), Value::Null(Type::kDecimal));
  EXPECT_EQ(ReadSingle({0x6F}), Value::Null(Type::kTimestamp));
  EXPECT_EQ(ReadSingle({0x7F}), Value::Null(Type::kSymbol));
  EXPECT_EQ(ReadSingle({0x8F}), Value::Null(Type::kString));
  EXPECT_EQ(ReadSingle({0x9F}), Value::Null(Type::kClob));
  EXPECT_EQ(ReadSingle({0xAF}), Value::Null(Type::kBlob));
  EXPECT_EQ(ReadSingle({0xBF}), Value::Null(Type::kList));
  EXPECT_EQ(ReadSingle({0xCF}), Value::Null(Type::kSexp));
  EXPECT_EQ(ReadSingle({0xDF}), Value::Null(Type::kStruct));
  EXPECT_EQ(ReadSingle({0x10}), Value::Bool(false));
  EXPECT_EQ(ReadSingle({0x11}), Value::Bool(true));
  ExpectBad({0x12, 0x00, 0x00}, "bool");
  ExpectBad({0x1E, 0x81}, "bool");
  ExpectBad({0xF0}, "reserved");
  ExpectBad({0xFF}, "reserved");
}

TEST(BinaryReader, Ints) {
  EXPECT_EQ(ReadSingle({0x20}), Value::Integer(0));
  EXPECT_EQ(ReadSingle({0x21, 0x05}), Value::Integer(5));
  EXPECT_EQ(ReadSingle({0x31, 0x05}), Value::Integer(-5));
  EXPECT_EQ(ReadSingle({0x22, 0x00, 0x05}), Value::Integer(5));      // padded UInt
  EXPECT_EQ(ReadSingle({0x2E, 0x00, 0x81, 0x07}), Value::Integer(7));  // padded VarUInt length
  EXPECT_EQ(ReadSingle({0x21, 0x00}), Value::Integer(0));
  EXPECT_EQ(ReadSingle({0x38, 0x80, 0, 0, 0, 0, 0, 0, 0}), Value::Integer(INT64_MIN));
  EXPECT_EQ(ReadSingle({0x28, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}),
            Value::Integer(INT64_MAX));
  Value big = ReadSingle({0x29, 0x01, 0, 0, 0, 0, 0, 0, 0, 0});  // 2^64
  EXPECT_EQ(big.as_int().ToString(), "18446744073709551616");
  Value nbig = ReadSingle({0x39, 0x01, 0, 0, 0, 0, 0, 0, 0, 0});
  EXPECT_EQ(nbig.as_int().ToString(), "-18446744073709551616");
  ExpectBad({0x30}, "negative int");
  ExpectBad({0x31, 0x00}, "negative int");
  ExpectBad({0x22, 0x01}, "past the end");
}

TEST(BinaryReader, Floats) {
  EXPECT_EQ(ReadSingle({0x40}), Value::Float(0.0));
  EXPECT_EQ(ReadSingle({0x44, 0x3F, 0xC0, 0x00, 0x00}), Value::Float(1.5));  // float32 widened
  EXPECT_EQ(ReadSingle({0x48, 0x3F, 0xF8, 0, 0, 0, 0, 0, 0}), Value::Float(1.5));
  EXPECT_EQ(ReadSingle({0x48, 0x80, 0, 0, 0, 0, 0, 0, 0}), Value::Float(-0.0));
  EXPECT_NE(ReadSingle({0x48, 0x80, 0, 0, 0, 0, 0, 0, 0}), Value::Float(0.0));
  Value nan = ReadSingle({0x48, 0x7F, 0xF8, 0, 0, 0, 0, 0, 1});
  EXPECT_TRUE(std::isnan(nan.as_float()));
  ExpectBad({0x41, 0x00}, "float length");
  ExpectBad({0x42, 0x00, 0x00}, "float length");
  ExpectBad({0x4E, 0x84, 0, 0, 0, 0}, "float length");
}

TEST(BinaryReader, Decimals) {
  EXPECT_EQ(ReadSingle({0x50}), Value::Dec(Decimal{Int(0), 0, false}));
  EXPECT_EQ(ReadSingle({0x52, 0xC1, 0x0F}), Value::Dec(Decimal{Int(15), -1, false}));  // 1.5
  EXPECT_EQ(ReadSingle({0x52, 0xC1, 0x8F}), Value::Dec(Decimal{Int(-15), -1, false}));
  EXPECT_EQ(ReadSingle({0x52, 0x80, 0x80}), Value::Dec(Decimal{Int(0), 0, true}));  // -0d0
  EXPECT_EQ(ReadSingle({0x51, 0x85}), Value::Dec(Decimal{Int(0), 5, false}));       // 0d5
  EXPECT_EQ(ReadSingle({0x51, 0xC0}), Value::Dec(Decimal{Int(0), 0, false}));       // 0d-0
  // A coefficient wider than 64 bits.
  Value d = ReadSingle({0x5A, 0x80, 0x01, 0, 0, 0, 0, 0, 0, 0, 0});
  EXPECT_EQ(d.as_decimal().coefficient.ToString(), "18446744073709551616");
  ExpectBad({0x52, 0x00, 0x00}, "VarInt");  // exponent never terminates
  ExpectBad({0x58, 0x80, 0x01}, "past the end");
}

TEST(BinaryReader, Timestamps) {
  // 2000-01-01T00:00:00Z
  Value t = ReadSingle({0x68, 0x80, 0x0F, 0xD0, 0x81, 0x81, 0x80, 0x80, 0x80});
  EXPECT_EQ(t.as_timestamp().ToString(), "2000-01-01T00:00:00Z");
  // 2001-02-03T04:05:06-12:34: UTC components 16:39 on the wire, local 04:05 in the value.
  Value t2 = ReadSingle({0x69, 0x45, 0xF2, 0x0F, 0xD1, 0x82, 0x83, 0x90, 0xA7, 0x86});
  const Timestamp& ts = t2.as_timestamp();
  EXPECT_EQ(ts.hour, 4);
  EXPECT_EQ(ts.minute, 5);
  EXPECT_EQ(ts.offset_minutes, std::optional<int16_t>(-754));
  // 2017T: year precision, offset unknown.
  Value y = ReadSingle({0x63, 0xC0, 0x0F, 0xE1});
  EXPECT_EQ(y.as_timestamp().precision, Timestamp::Precision::kYear);
  EXPECT_FALSE(y.as_timestamp().offset_minutes.has_value());
  // Superfluous offset below minute precision is ignored.
  Value y2 = ReadSingle({0x63, 0x81, 0x0F, 0xE1});
  EXPECT_EQ(y2, y);
  // Fraction .5 (5d-1) and .0 (exponent only), and a zero fraction with exponent >= 0.
  Value f = ReadSingle({0x6A, 0x80, 0x0F, 0xD0, 0x81, 0x81, 0x80, 0x80, 0x80, 0xC1, 0x05});
  EXPECT_EQ(f.as_timestamp().ToString(), "2000-01-01T00:00:00.5Z");
  Value f0 = ReadSingle({0x69, 0x80, 0x0F, 0xD0, 0x81, 0x81, 0x80, 0x80, 0x80, 0xC1});
  EXPECT_EQ(f0.as_timestamp().ToString(), "2000-01-01T00:00:00.0Z");
  Value fz = ReadSingle({0x69, 0x80, 0x0F, 0xD0, 0x81, 0x81, 0x80, 0x80, 0x80, 0x81});
  EXPECT_EQ(fz, t);
  // Conversion carries into the year: 2000-01-01T00:30Z at +01:00 is 2000-01-01T01:30+01:00;
  // 1999-12-31T23:30Z at +01:00 is local 2000-01-01T00:30+01:00.
  Value carry = ReadSingle({0x67, 0x80 | 60, 0x0F, 0xCF, 0x8C, 0x9F, 0x97, 0x9E});
  EXPECT_EQ(carry.as_timestamp().ToString(), "2000-01-01T00:30+01:00");
  ExpectBad({0x60}, "timestamp");
  ExpectBad({0x61, 0x80}, "timestamp");
  ExpectBad({0x66, 0x80, 0x0F, 0xD0, 0x81, 0x81, 0x80}, "hour without minute");
  ExpectBad({0x65, 0x80, 0x0F, 0xD0, 0x89, 0x9F}, "day out of range");  // 2000-09-31
  ExpectBad({0x65, 0x80, 0x0F, 0xD1, 0x82, 0x9D}, "day out of range");  // 2001-02-29
  ExpectBad({0x6A, 0x80, 0x0F, 0xD0, 0x81, 0x81, 0x80, 0x80, 0x80, 0x80, 0x01}, "fraction");  // 1d0
  ExpectBad({0x6A, 0x80, 0x0F, 0xD0, 0x81, 0x81, 0x80, 0x80, 0x80, 0xC1, 0x0A}, "fraction");  // 10d-1
  ExpectBad({0x6A, 0x80, 0x0F, 0xD0, 0x81, 0x81, 0x80, 0x80, 0x80, 0xC1, 0x81}, "fraction");  // -1d-1
}

// Regression (found by fuzz_ion_text_reader): local timestamps at the ends of the calendar whose
// UTC components fall in year 0 or 10000 must survive a binary round trip.
TEST(BinaryReader, TimestampsWhoseUtcYearLeavesTheCalendar) {
  for (const char* text : {"0001-01-01T00:00:00+00:04", "0001-01-01T00:30+01:00",
                           "9999-12-31T23:59-00:01", "9999-12-31T23:59:59.5-12:00"}) {
    auto v = ReadOneText(text);
    ASSERT_TRUE(v.ok()) << text;
    auto back = ReadBinary(WriteBinary(*v));
    ASSERT_TRUE(back.ok()) << text << ": " << back.status().ToString();
    ASSERT_EQ(back->size(), 1u);
    EXPECT_EQ((*back)[0], *v) << text;
  }
  // A fraction exponent beyond the text reader's digit limit is rejected (fuzz regression:
  // such a value could be read from binary but not from its own text form).
  ExpectBad({0x6C, 0x80, 0x0F, 0xD0, 0x81, 0x81, 0x80, 0x80, 0x80, 0x46, 0x0D, 0xA1, 0x01},
            "fraction has more than");
  // UTC year 0 without an offset is still out of range (2000-… is fine, 0000T is not).
  ExpectBad({0x62, 0xC0, 0x80}, "out of range");
  // UTC 0000-12-31T23:56Z at +00:04 would be local 0001; at -00:04 it is local year 0: rejected.
  ExpectBad({0x66, 0xC4, 0x80, 0x8C, 0x9F, 0x97, 0xB8}, "year");
}

TEST(BinaryReader, SymbolsAndStrings) {
  EXPECT_EQ(ReadSingle({0x70}), Value::Sym(Symbol::Unknown()));
  EXPECT_EQ(ReadSingle({0x71, 0x00}), Value::Sym(Symbol::Unknown()));
  EXPECT_EQ(ReadSingle({0x71, 0x04}), Value::Sym("name"));
  EXPECT_EQ(ReadSingle({0x72, 0x00, 0x04}), Value::Sym("name"));
  ExpectBad({0x71, 0x0A}, "not in the symbol table");
  EXPECT_EQ(ReadSingle({0x83, 'a', 'b', 'c'}), Value::String("abc"));
  EXPECT_EQ(ReadSingle({0x80}), Value::String(""));
  EXPECT_EQ(ReadSingle({0x83, 0xE2, 0x82, 0xAC}), Value::String("\xE2\x82\xAC"));
  ExpectBad({0x81, 0xFF}, "UTF-8");
  ExpectBad({0x82, 0xC0, 0x80}, "UTF-8");        // overlong
  ExpectBad({0x83, 0xED, 0xA0, 0x80}, "UTF-8");  // surrogate
  ExpectBad({0x84, 'a'}, "past the end");
  EXPECT_EQ(ReadSingle({0x92, 'h', 'i'}), Value::Clob(Bytes{'h', 'i'}));
  EXPECT_EQ(ReadSingle({0xA2, 0x00, 0xFF}), Value::Blob(Bytes{0x00, 0xFF}));
  EXPECT_EQ(ReadSingle({0xA0}), Value::Blob(Bytes{}));
}

TEST(BinaryReader, Containers) {
  EXPECT_EQ(ReadSingle({0xB0}), Value::List());
  EXPECT_EQ(ReadSingle({0xB3, 0x21, 0x01, 0x0F}), Value::List({Value::Integer(1), Value::Null()}));
  EXPECT_EQ(ReadSingle({0xC2, 0x21, 0x01}), Value::Sexp({Value::Integer(1)}));
  EXPECT_EQ(ReadSingle({0xD3, 0x84, 0x21, 0x01}),
            Value::Struct({Field{Symbol("name"), Value::Integer(1)}}));
  // Sorted struct (L=1) with a VarUInt length.
  EXPECT_EQ(ReadSingle({0xD1, 0x83, 0x84, 0x21, 0x01}),
            Value::Struct({Field{Symbol("name"), Value::Integer(1)}}));
  ExpectBad({0xD1, 0x80}, "sorted struct");
  // Repeated field names are kept.
  Value rep = ReadSingle({0xD6, 0x84, 0x21, 0x01, 0x84, 0x21, 0x02});
  EXPECT_EQ(rep.fields().size(), 2u);
  // $0 as a field name.
  Value z = ReadSingle({0xD2, 0x80, 0x20});
  EXPECT_FALSE(z.fields()[0].name.has_text);
  // A child running past its parent.
  ExpectBad({0xB2, 0x22, 0x01, 0x02}, "past the end");
  ExpectBad({0xD1, 0x82, 0x84}, "");
  ExpectBad({0xD1, 0x81, 0x84}, "without a value");
  ExpectBad({0xD2, 0x8A, 0x20}, "field name symbol ID 10");
}

TEST(BinaryReader, NopPads) {
  Bytes b = Ivm({0x00, 0x01, 0xFF, 0x0E, 0x81, 0x00, 0x21, 0x07, 0x00});
  auto r = ReadBinary(b);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ(r->front(), Value::Integer(7));
  // In a list, and in a struct where the pad still has a field name (even an unmapped one).
  EXPECT_EQ(ReadSingle({0xB4, 0x00, 0x21, 0x01, 0x00}), Value::List({Value::Integer(1)}));
  EXPECT_EQ(ReadSingle({0xD3, 0x8F, 0x01, 0x00}), Value::Struct());
  EXPECT_EQ(ReadSingle({0xD5, 0x80, 0x00, 0x84, 0x21, 0x03}),
            Value::Struct({Field{Symbol("name"), Value::Integer(3)}}));
  ExpectBad({0x03, 0x00}, "NOP pad");
  ExpectBad({0xE3, 0x81, 0x84, 0x00}, "NOP pad inside");
}

TEST(BinaryReader, Annotations) {
  Value v = ReadSingle({0xE3, 0x81, 0x84, 0x20});
  ASSERT_EQ(v.annotations().size(), 1u);
  EXPECT_EQ(v.annotations()[0], Symbol("name"));
  EXPECT_EQ(v, Value::Integer(0).Annotate({"name"}));
  Value two = ReadSingle({0xE4, 0x82, 0x84, 0x85, 0x10});
  EXPECT_EQ(two, Value::Bool(false).Annotate({"name", "version"}));
  ExpectBad({0xE3, 0x80, 0x20, 0x20}, "no annotations");
  ExpectBad({0xE5, 0x81, 0x84, 0x21, 0x01, 0x00}, "does not match");  // wrapper too long
  ExpectBad({0xE3, 0x81, 0x84, 0x21, 0x01}, "past the end");          // wrapper too short
  ExpectBad({0xE2, 0x81, 0x84}, "annotation wrapper length");
  ExpectBad({0xE6, 0x81, 0x84, 0xE3, 0x81, 0x84, 0x20}, "inside an annotation wrapper");
  ExpectBad({0xE2, 0x81, 0x84, 0x20}, "");
  ExpectBad({0xE3, 0x82, 0x84, 0x20}, "");
  ExpectBad({0xE3, 0x81, 0x8A, 0x20}, "annotation symbol ID 10");
  ExpectBad({0xB4, 0xE0, 0x01, 0x00, 0xEA}, "");  // IVM inside a container
}

TEST(BinaryReader, LocalSymbolTables) {
  // $ion_symbol_table::{symbols:["foo", null, "bar"]} then foo, the gap and bar.
  Bytes lst = {0xEE, 0x8E, 0x81, 0x83, 0xDB, 0x87, 0xB9, 0x83, 'f', 'o', 'o', 0x0F, 0x83, 'b', 'a', 'r'};
  Bytes b = Ivm({});
  b.insert(b.end(), lst.begin(), lst.end());
  for (uint8_t x : {0x71, 0x0A, 0x71, 0x0B, 0x71, 0x0C}) b.push_back(x);
  auto r = ReadBinary(b);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0], Value::Sym("foo"));
  EXPECT_EQ((*r)[1], Value::Sym(Symbol::Unknown()));
  EXPECT_EQ((*r)[2], Value::Sym("bar"));
  // Append: $ion_symbol_table::{imports:$ion_symbol_table, symbols:["baz"]} -> SID 13.
  Bytes append = {0xEC, 0x81, 0x83, 0xD9, 0x86, 0x71, 0x03, 0x87, 0xB4, 0x83, 'b', 'a', 'z'};
  Bytes b2 = b;
  b2.insert(b2.end(), append.begin(), append.end());
  for (uint8_t x : {0x71, 0x0D, 0x71, 0x0A}) b2.push_back(x);
  auto r2 = ReadBinary(b2);
  ASSERT_TRUE(r2.ok()) << r2.status().ToString();
  ASSERT_EQ(r2->size(), 5u);
  EXPECT_EQ((*r2)[3], Value::Sym("baz"));
  EXPECT_EQ((*r2)[4], Value::Sym("foo"));
  // An IVM resets the table.
  Bytes b3 = b;
  for (uint8_t x : {0xE0, 0x01, 0x00, 0xEA, 0x71, 0x0A}) b3.push_back(x);
  EXPECT_FALSE(ReadBinary(b3).ok());
  // Repeated symbols field.
  Bytes dup = Ivm({0xE7, 0x81, 0x83, 0xD4, 0x87, 0xB0, 0x87, 0xB0, 0x20});
  EXPECT_FALSE(ReadBinary(dup).ok());
  // A top-level unannotated $ion_1_0 symbol is a no-op system value.
  Bytes noop = Ivm({0x71, 0x02, 0x21, 0x01});
  auto r4 = ReadBinary(noop);
  ASSERT_TRUE(r4.ok());
  EXPECT_EQ(r4->size(), 1u);
  // ...but inside a list it is data.
  EXPECT_EQ(ReadSingle({0xB2, 0x71, 0x02}), Value::List({Value::Sym("$ion_1_0")}));
}

TEST(BinaryReader, ImportsAreSidRanges) {
  // {imports:[{name:"big", max_id:268435444}], symbols:["x"]} then $268435454 and "x".
  Value sym = Value::Sym(Symbol::Unknown("big", 268435444));
  Value x = Value::Sym("x");
  std::vector<Value> values = {sym, x, Value::Sym(Symbol::Unknown("big", 1))};
  Bytes b = WriteBinary(values);
  auto r = ReadBinary(b);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0], sym);
  EXPECT_EQ((*r)[1], x);
  EXPECT_EQ((*r)[2], values[2]);
  EXPECT_NE((*r)[0], (*r)[2]);
}

TEST(BinaryReader, DepthIsBounded) {
  Value v = Value::Integer(1);
  for (int i = 0; i < kMaxDepth; ++i) v = Value::List({std::move(v)});
  Bytes ok = WriteBinary(v);
  EXPECT_TRUE(ReadBinary(ok).ok());
  Value deeper = Value::List({v});
  Bytes bad = WriteBinary(deeper);
  auto r = ReadBinary(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("nested deeper"), std::string::npos);
}

TEST(BinaryReader, HugeLengthsDoNotAllocate) {
  // A string claiming 2^63 bytes, and a VarUInt longer than 64 bits.
  ExpectBad({0x8E, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 'a'}, "");
  ExpectBad({0x8E, 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0xFF}, "overflows");
}

TEST(BinaryCursor, StreamsWithoutDom) {
  Value doc = Value::Struct({
      Field{"id", Value::String("abc")},
      Field{"n", Value::Integer(42)},
      Field{"tags", Value::List({Value::Sym("a"), Value::Sym("b")})},
  });
  Bytes b = WriteBinary(doc);
  BinaryCursor c(b);
  ASSERT_TRUE(c.Next());
  EXPECT_EQ(c.type(), Type::kStruct);
  EXPECT_EQ(c.depth(), 0u);
  ASSERT_TRUE(c.StepIn().ok());
  std::string seen;
  while (c.Next()) {
    seen += std::string(c.field_name().text) + "=";
    if (c.type() == Type::kString) {
      std::string_view s;
      ASSERT_TRUE(c.ReadString(&s).ok());
      seen += std::string(s);
    } else if (c.type() == Type::kInt) {
      int64_t i;
      ASSERT_TRUE(c.ReadInt64(&i).ok());
      seen += std::to_string(i);
      std::string_view s;
      EXPECT_FALSE(c.ReadString(&s).ok());  // wrong type
    } else {
      // Leave the list unread: Next() skips it.
      seen += "skipped";
    }
    seen += ";";
  }
  ASSERT_TRUE(c.status().ok());
  ASSERT_TRUE(c.StepOut().ok());
  EXPECT_FALSE(c.Next());
  EXPECT_TRUE(c.status().ok());
  EXPECT_EQ(seen, "id=abc;n=42;tags=skipped;");
}

TEST(BinaryCursor, ErrorsAreSticky) {
  Bytes b = Ivm({0x21, 0x01, 0xF0, 0x21, 0x02});
  BinaryCursor c(b);
  ASSERT_TRUE(c.Next());
  EXPECT_FALSE(c.Next());
  EXPECT_FALSE(c.status().ok());
  EXPECT_NE(c.status().message().find("offset 6"), std::string::npos) << c.status().message();
  EXPECT_FALSE(c.Next());
}

TEST(ImportName, BehavesLikeAString) {
  ImportName empty;
  EXPECT_TRUE(empty.empty());
  EXPECT_EQ(empty.str(), "");
  ImportName a("com.example");  // short: interned
  std::string long_text(200, 'n');
  ImportName b(long_text);      // long: reference-counted
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(a, "com.example");
  EXPECT_EQ(a, std::string("com.example"));
  EXPECT_EQ(a, ImportName(std::string_view("com.example")));
  EXPECT_FALSE(a == b);
  EXPECT_EQ(b.size(), 200u);
  EXPECT_EQ("x:" + a + "!", "x:com.example!");
  ImportName c = b;  // shared
  ImportName d = std::move(c);
  EXPECT_TRUE(c.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty
  EXPECT_EQ(d, long_text);
  c = d;
  d = ImportName();
  EXPECT_EQ(c, long_text);
  c = c;  // NOLINT: self-assignment keeps the text
  EXPECT_EQ(c, long_text);
  std::string copy = c;
  std::string_view view = a;
  EXPECT_EQ(copy, long_text);
  EXPECT_EQ(view, "com.example");
  // Symbols compare unknown-import provenance by name and offset.
  EXPECT_EQ(Symbol::Unknown("com.example", 3), Symbol::Unknown(std::string("com.example"), 3));
  EXPECT_FALSE(Symbol::Unknown("com.example", 3) == Symbol::Unknown("com.example", 4));
  EXPECT_FALSE(Symbol::Unknown(long_text, 1) == Symbol::Unknown("other", 1));
}

TEST(BinaryReader, DomRoundTripOfEveryType) {
  Value v = Value::Struct({
      Field{"i", Value::Integer(-5)},
      Field{"big", Value::Integer(Int::Parse("123456789012345678901234567890").value())},
      Field{"f", Value::Float(1.5).Annotate({"a", Symbol::Unknown()})},
      Field{"d", Value::Dec(Decimal{Int(12345), -2, false})},
      Field{"t", Value::Time(Timestamp::FromEpochMillis(1654714006512))},
      Field{"s", Value::Sym("sym")},
      Field{"u", Value::Sym(Symbol::Unknown("shared.table", 2))},
      Field{"str", Value::String("a string longer than fifteen bytes")},
      Field{"c", Value::Clob(Bytes{1, 2})},
      Field{"b", Value::Blob(Bytes{3})},
      Field{"l", Value::List({Value::Bool(true), Value::Null(Type::kInt).Annotate({"n"})})},
      Field{"x", Value::Sexp({Value::Sym("+")})},
      Field{"a_field_name_longer_than_fifteen", Value::Struct()},
      Field{"null", Value::Null()},
  });
  auto r = ReadBinary(WriteBinary(v));
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ(r->front(), v);
  EXPECT_EQ(r->front().ToString(), v.ToString());
}

}  // namespace
}  // namespace folio::ion
