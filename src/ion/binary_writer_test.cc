#include "ion/binary_writer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "ion/binary_reader.h"
#include "ion/ion.h"

namespace folio::ion {
namespace {

std::string Hex(const Bytes& b) { return HexEncode(b); }

// The encoding of one value after the IVM (no symbol table expected).
std::string Body(const Value& v) {
  Bytes b = WriteBinary(v);
  EXPECT_GE(b.size(), 4u);
  return Hex(Bytes(b.begin() + 4, b.end()));
}

Timestamp Ts(int y, int mo, int d, int h, int mi, int s, std::optional<int16_t> off,
             Timestamp::Precision p = Timestamp::Precision::kSecond) {
  Timestamp t;
  t.precision = p;
  t.year = y;
  t.month = static_cast<uint8_t>(mo);
  t.day = static_cast<uint8_t>(d);
  t.hour = static_cast<uint8_t>(h);
  t.minute = static_cast<uint8_t>(mi);
  t.second = static_cast<uint8_t>(s);
  t.offset_minutes = off;
  return t;
}

TEST(BinaryWriter, MinimalScalars) {
  EXPECT_EQ(Body(Value::Null()), "0f");
  EXPECT_EQ(Body(Value::Null(Type::kStruct)), "df");
  EXPECT_EQ(Body(Value::Bool(true)), "11");
  EXPECT_EQ(Body(Value::Integer(0)), "20");
  EXPECT_EQ(Body(Value::Integer(5)), "2105");
  EXPECT_EQ(Body(Value::Integer(-256)), "32" "0100");
  EXPECT_EQ(Body(Value::Integer(INT64_MIN)), "38" "8000000000000000");
  EXPECT_EQ(Body(Value::Float(0.0)), "40");
  EXPECT_EQ(Body(Value::Float(-0.0)), "48" "8000000000000000");
  EXPECT_EQ(Body(Value::Float(1.5)), "48" "3ff8000000000000");
  EXPECT_EQ(Body(Value::Dec(Decimal{Int(0), 0, false})), "50");
  EXPECT_EQ(Body(Value::Dec(Decimal{Int(0), 0, true})), "52" "8080");
  EXPECT_EQ(Body(Value::Dec(Decimal{Int(15), -1, false})), "52" "c10f");
  EXPECT_EQ(Body(Value::Dec(Decimal{Int(-128), -2, false})), "53" "c28080");
  EXPECT_EQ(Body(Value::Dec(Decimal{Int(0), 5, false})), "51" "85");
  EXPECT_EQ(Body(Value::Dec(Decimal{Int(1), -64, false})), "53" "40c001");
  EXPECT_EQ(Body(Value::Sym(Symbol::Unknown())), "70");
  EXPECT_EQ(Body(Value::Sym("name")), "7104");
  EXPECT_EQ(Body(Value::String("abc")), "83616263");
  EXPECT_EQ(Body(Value::Blob(Bytes(14, 0xAB))).substr(0, 4), "ae8e");
  EXPECT_EQ(Body(Value::List()), "b0");
  EXPECT_EQ(Body(Value::Struct()), "d0");
}

TEST(BinaryWriter, TimestampsAreUtcComponents) {
  // 2001-02-03T04:05:06-12:34 -> UTC 16:39.
  EXPECT_EQ(Body(Value::Time(Ts(2001, 2, 3, 4, 5, 6, -754))), "69" "45f20fd1828390a786");
  Timestamp year = Ts(2017, 1, 1, 0, 0, 0, std::nullopt, Timestamp::Precision::kYear);
  EXPECT_EQ(Body(Value::Time(year)), "63" "c00fe1");
  Timestamp frac = Ts(2000, 1, 1, 0, 0, 0, 0, Timestamp::Precision::kFraction);
  frac.fraction = Decimal{Int(0), -1, false};  // .0
  EXPECT_EQ(Body(Value::Time(frac)), "69" "800fd081818080" "80c1");
  frac.fraction = Decimal{Int(123), -3, false};
  EXPECT_EQ(Body(Value::Time(frac)), "6a" "800fd081818080" "80c37b");
}

TEST(BinaryWriter, SymbolTableAndLongContainers) {
  Value doc = Value::Struct({
      Field{"name", Value::String("system symbol, no table entry")},
      Field{"firstName", Value::Sym("firstName")},
      Field{"nested", Value::List({Value::Integer(1), Value::String(std::string(300, 'x'))})},
  }).Annotate({"doc", "name"});
  Bytes b = WriteBinary(doc);
  auto r = ReadBinary(b);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ(r->front(), doc);
  // The table lists firstName, nested and doc once each, in first-use order.
  const std::string hex = Hex(b);
  EXPECT_NE(hex.find(HexEncode(AsSpan("firstName"))), std::string::npos);
  EXPECT_EQ(hex.find(HexEncode(AsSpan("firstName"))), hex.rfind(HexEncode(AsSpan("firstName"))));
}

Value RichValue() {
  Timestamp t = Ts(1963, 8, 19, 0, 0, 0, 0, Timestamp::Precision::kFraction);
  t.fraction = Decimal{Int(0), -3, false};
  Timestamp off = Ts(2024, 2, 29, 23, 59, 59, 330, Timestamp::Precision::kFraction);
  off.fraction = Decimal{Int(123456789), -9, false};
  Timestamp day = Ts(2024, 12, 31, 0, 0, 0, std::nullopt, Timestamp::Precision::kDay);
  Timestamp unknown = Ts(2024, 1, 1, 23, 30, 0, std::nullopt, Timestamp::Precision::kMinute);
  auto big = Int::Parse("-123456789012345678901234567890");
  return Value::Struct({
      Field{"ints", Value::List({Value::Integer(0), Value::Integer(-1), Value::Integer(INT64_MAX),
                                 Value::Integer(INT64_MIN), Value::Integer(*big)})},
      Field{"floats", Value::Sexp({Value::Float(0.0), Value::Float(-0.0), Value::Float(1e300),
                                   Value::Float(std::numeric_limits<double>::infinity()),
                                   Value::Float(std::nan(""))})},
      Field{"decimals", Value::List({Value::Dec(Decimal{Int(0), 0, true}),
                                     Value::Dec(Decimal{Int(10), -1, false}),
                                     Value::Dec(Decimal{Int(100), -2, false}),
                                     Value::Dec(Decimal{*big, -20, false}),
                                     Value::Dec(Decimal{Int(7), 1000, false})})},
      Field{"times", Value::List({Value::Time(t), Value::Time(off), Value::Time(day),
                                  Value::Time(unknown)})},
      Field{"syms", Value::List({Value::Sym("a"), Value::Sym(""), Value::Sym(Symbol::Unknown()),
                                 Value::Sym("$ion_symbol_table")})},
      Field{Symbol::Unknown(), Value::String("field named $0")},
      Field{"dup", Value::Integer(1)},
      Field{"dup", Value::Integer(1)},
      Field{"lobs", Value::List({Value::Clob(Bytes{'h', 'i'}), Value::Blob(Bytes{0, 1, 2})})},
      Field{"nulls", Value::List({Value::Null(), Value::Null(Type::kTimestamp),
                                  Value::Null(Type::kStruct).Annotate({"x"})})},
      Field{"unicode", Value::String("\xF0\x9F\x98\x80 caf\xC3\xA9")},
  });
}

TEST(BinaryWriter, RoundTrip) {
  Value v = RichValue();
  Bytes b = WriteBinary(v);
  auto r = ReadBinary(b);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ(r->front(), v);
  // Writing what was read gives the same bytes.
  EXPECT_EQ(WriteBinary(r->front()), b);
  // Several top-level values share one symbol table.
  std::vector<Value> many = {v, Value::Integer(3), v};
  auto r2 = ReadBinary(WriteBinary(many));
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(*r2, many);
}

// The outer values a piece is spliced into: the placeholder is the value of field "data"
// (or the second list element), next to symbols the piece also uses, system symbols and long
// containers.
std::vector<Value> SpliceOuters() {
  return {
      Value::Struct({Field{"data", Value::Null()}}),
      Value::Struct({Field{"blockAddress", Value::Struct({Field{"strandId", Value::String("s")}})},
                     Field{"data", Value::Null()},
                     Field{"metadata", Value::Struct({Field{"id", Value::String("x")},
                                                      Field{"version", Value::Integer(2)}})},
                     Field{"ints", Value::Sym("ints")},
                     Field{"pad", Value::String(std::string(300, 'p'))}}),
      Value::List({Value::Sym("outer").Annotate({"dup"}), Value::Null(), Value::Sym("syms")}),
  };
}

Value* SplicePlaceholder(Value& outer) {
  if (outer.type() == Type::kList) return &outer.elements()[1];
  return outer.Get("data");
}

TEST(BinaryWriter, SplicedValueReadsBackInPlace) {
  const std::vector<Value> pieces = {
      RichValue(),
      Value::Struct({}),
      Value::Integer(7),
      Value::Sym("ints"),
      Value::Struct({Field{"name", Value::String("only system symbols")}}),
      Value::Struct({Field{"big", Value::String(std::string(20000, 'b'))}}).Annotate({"dup", "x"}),
  };
  for (const Value& piece : pieces) {
    const EncodedValue encoded = EncodeForSplice(piece);
    ASSERT_TRUE(encoded.spliceable);
    EXPECT_EQ(encoded.bytes, WriteBinary(piece));
    for (Value outer : SpliceOuters()) {
      Value* placeholder = SplicePlaceholder(outer);
      ASSERT_NE(placeholder, nullptr);
      auto spliced = WriteBinarySpliced(outer, placeholder, encoded);
      ASSERT_TRUE(spliced.ok()) << spliced.status().ToString();
      *placeholder = piece;
      auto back = ReadBinary(*spliced);
      ASSERT_TRUE(back.ok()) << back.status().ToString();
      ASSERT_EQ(back->size(), 1u);
      EXPECT_EQ(back->front(), outer) << WriteText(outer);
      // The piece's bytes appear unchanged.
      const Bytes body(encoded.bytes.begin() + static_cast<ptrdiff_t>(encoded.body_offset),
                       encoded.bytes.end());
      EXPECT_NE(std::search(spliced->begin(), spliced->end(), body.begin(), body.end()),
                spliced->end());
    }
  }
}

TEST(BinaryWriter, SharedImportSymbolsAreNotSpliced) {
  const Value imported = Value::Struct({Field{"f", Value::Sym(Symbol::Unknown(ImportName("cat"), 3))}});
  EXPECT_FALSE(EncodeForSplice(imported).spliceable);
  EXPECT_FALSE(WriteBinarySpliced(Value::List({Value::Null()}), nullptr, EncodeForSplice(imported)).ok());
  // A piece without imports inside an outer value with them: the local SIDs would shift.
  Value outer = Value::List({imported, Value::Null()});
  auto r = WriteBinarySpliced(outer, &outer.elements()[1], EncodeForSplice(RichValue()));
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

TEST(BinaryWriter, StreamWriterReadsBackAsTheDom) {
  Timestamp t = Ts(2024, 2, 29, 23, 59, 59, 330, Timestamp::Precision::kFraction);
  t.fraction = Decimal{Int(123456789), -9, false};
  const Value piece_value = RichValue();
  const EncodedValue piece = EncodeForSplice(piece_value);
  const std::string long_text(300, 'l');
  const Bytes blob = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  const std::vector<std::string_view> symbols = {"outer", "ints", "name", "when", "blob", "data",
                                                 "list", "empty"};
  BinaryStreamWriter w(&piece, symbols);
  w.BeginStruct();
  w.Field("outer");
  w.String(long_text);
  w.Field("ints");  // also one of the piece's field names
  w.BeginList();
  for (int64_t i : {int64_t{0}, int64_t{-1}, INT64_MAX, INT64_MIN + 1}) w.Int(i);
  w.End();
  w.Field("name");  // a system symbol
  w.Time(t);
  w.Field("blob");
  w.Blob(blob);
  w.Field("empty");
  w.Blob({});
  w.Field("data");
  w.Spliced();
  w.Field("list");
  w.BeginList();
  w.BeginStruct();
  w.End();
  w.End();
  w.End();
  auto bytes = std::move(w).Finish();
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  Value expected = Value::Struct({
      Field{"outer", Value::String(long_text)},
      Field{"ints", Value::List({Value::Integer(0), Value::Integer(-1), Value::Integer(INT64_MAX),
                                 Value::Integer(INT64_MIN + 1)})},
      Field{"name", Value::Time(t)},
      Field{"blob", Value::Blob(blob)},
      Field{"empty", Value::Blob(Bytes())},
      Field{"data", piece_value},
      Field{"list", Value::List({Value::Struct({})})},
  });
  auto back = ReadBinary(*bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), 1u);
  EXPECT_EQ(back->front(), expected);
}

TEST(BinaryWriter, StreamWriterRejectsMisuse) {
  const std::vector<std::string_view> symbols = {"known"};
  {
    BinaryStreamWriter w(nullptr, symbols);
    w.BeginStruct();
    w.Field("unknown");
    w.Int(1);
    w.End();
    EXPECT_FALSE(std::move(w).Finish().ok());
  }
  {
    BinaryStreamWriter w(nullptr, symbols);
    w.BeginStruct();
    w.Field("known");
    w.Spliced();  // no piece
    w.End();
    EXPECT_FALSE(std::move(w).Finish().ok());
  }
  {
    BinaryStreamWriter w(nullptr, symbols);
    w.BeginStruct();
    w.Int(1);  // a struct member without a field name
    w.End();
    EXPECT_FALSE(std::move(w).Finish().ok());
  }
  {
    BinaryStreamWriter w(nullptr, symbols);
    w.BeginList();  // never closed
    EXPECT_FALSE(std::move(w).Finish().ok());
  }
}

TEST(BinaryWriter, VarIntEncodings) {
  Bytes out;
  AppendVarInt(0, true, &out);
  AppendVarInt(63, false, &out);
  AppendVarInt(64, false, &out);
  AppendVarInt(754, true, &out);
  EXPECT_EQ(Hex(out), "c0" "bf" "00c0" "45f2");
  out.clear();
  AppendVarUInt(0, &out);
  AppendVarUInt(127, &out);
  AppendVarUInt(128, &out);
  AppendVarUInt(UINT64_MAX, &out);
  EXPECT_EQ(Hex(out), "80" "ff" "0180" "01" "7f7f7f7f7f7f7f7f" "ff");
  EXPECT_EQ(VarUIntSize(UINT64_MAX), 10u);
}

}  // namespace
}  // namespace folio::ion
