// The ion module's front header: reading and writing Ion text and binary, and Ion Hash.
//
// Readers accept untrusted bytes: any input yields either values or a Status whose message
// names the byte offset (binary) or line:column (text) and the reason. Nesting depth is capped
// at kMaxDepth and declared lengths are checked against the input size, so no input can crash
// a reader or make it allocate without bound. All functions are thread-safe (no shared state).
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/sha256.h"
#include "common/status.h"
#include "ion/value.h"

namespace folio::ion {

inline constexpr int kMaxDepth = 100;

// Binary Ion (must start with the IVM E0 01 00 EA; an empty stream after it is valid).
Result<std::vector<Value>> ReadBinary(std::span<const uint8_t> data);
// Text Ion.
Result<std::vector<Value>> ReadText(std::string_view text);
// Either form, detected from the first four bytes.
Result<std::vector<Value>> ReadAny(std::span<const uint8_t> data);
// Exactly one top-level value in either form (an error for zero or several).
Result<Value> ReadOne(std::span<const uint8_t> data);
inline Result<Value> ReadOneText(std::string_view text) {
  return ReadOne({reinterpret_cast<const uint8_t*>(text.data()), text.size()});
}

// A self-contained binary stream (IVM, local symbol table if needed, then the values), in the
// compact form QLDB clients read.
Bytes WriteBinary(const Value& value);
Bytes WriteBinary(std::span<const Value> values);

// One value's binary encoding, made once so that the encodings of larger values holding it can
// copy its bytes instead of walking it again (WriteBinarySpliced).
struct EncodedValue {
  Bytes bytes;             // WriteBinary(value): IVM, local symbol table, then the value
  size_t body_offset = 0;  // where the value's own bytes start in `bytes`
  // Its local symbols, in order: SIDs 10, 11, ... in `bytes`.
  std::vector<std::string> local_symbols;
  // False when the value holds a symbol from a shared import: local SIDs then shift by the
  // import's size, so the bytes cannot be copied into another stream.
  bool spliceable = false;
};
EncodedValue EncodeForSplice(const Value& value);
// WriteBinary(outer), except that the value at address `placeholder` (inside `outer`; its own
// content is ignored) is written as `piece`'s value: `piece`'s symbols take the first local
// SIDs, so its bytes are copied unchanged. Reads back as `outer` with the placeholder replaced
// by the value `piece` encodes. Errors: kInvalidArgument when `piece` is not spliceable or
// `outer` holds a symbol from a shared import.
Result<Bytes> WriteBinarySpliced(const Value& outer, const Value* placeholder,
                                 const EncodedValue& piece);

// Writes one Ion binary value straight from a caller that knows its shape (no DOM), for the
// records written on every commit. The local symbol table precedes the value, so every text
// used as a field name must be declared up front: `piece`'s symbols (if any) take the first
// local SIDs, so Spliced() copies its bytes; then `symbols` (repeats and system symbols are
// ignored). Containers nest by Begin*/End; inside a struct, Field() names the next value.
class BinaryStreamWriter {
 public:
  BinaryStreamWriter(const EncodedValue* piece, std::span<const std::string_view> symbols);
  ~BinaryStreamWriter();
  BinaryStreamWriter(const BinaryStreamWriter&) = delete;
  BinaryStreamWriter& operator=(const BinaryStreamWriter&) = delete;

  void BeginStruct();
  void BeginList();
  void End();
  void Field(std::string_view name);
  void String(std::string_view s);
  void Blob(std::span<const uint8_t> b);
  void Int(int64_t i);
  void Time(const Timestamp& t);
  // Field(name) followed by the value.
  void StringField(std::string_view name, std::string_view s);
  void BlobField(std::string_view name, std::span<const uint8_t> b);
  void IntField(std::string_view name, int64_t i);
  void TimeField(std::string_view name, const Timestamp& t);
  // The piece's value (requires a spliceable piece).
  void Spliced();
  // The stream: IVM, local symbol table, the value. Errors: kInvalidArgument when a field name
  // was not declared, Spliced() had no spliceable piece, or containers are unbalanced.
  Result<Bytes> Finish() &&;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

enum class TextStyle : uint8_t { kCompact, kPretty };
// Ion text that reads back equal (floats with an exponent, exact decimals and timestamps).
std::string WriteText(const Value& value, TextStyle style = TextStyle::kCompact);
std::string WriteText(std::span<const Value> values, TextStyle style = TextStyle::kCompact);

// Ion Hash 1.0 with SHA-256 (spec/ion-notes.md section 4). Fails only for a symbol with
// unknown text other than $0.
Result<Hash256> IonHashSha256(const Value& value);

}  // namespace folio::ion
