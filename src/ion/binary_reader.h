// Streaming cursor over Ion 1.0 binary (spec/ion-notes.md section 1).
//
// BinaryCursor steps through the user values of a binary stream without allocating per
// scalar: Next() positions on a value and decodes only its header (type descriptor, length,
// field name SID, annotation SIDs); Read*() decodes the body on demand; StepIn()/StepOut()
// enter and leave containers. System values (IVMs, local symbol tables, top-level `$ion_1_0`
// symbols) are consumed by the cursor and never surface.
//
// Safety: every length is checked against the enclosing container (or annotation wrapper, or
// the input), nesting is capped at kMaxDepth, VarUInts/VarInts that overflow 64 bits are
// errors, and strings are validated as UTF-8 on read. Errors are sticky: after the first
// error Next() returns false and status() holds an InvalidArgument naming the byte offset.
//
// Lifetime: the input bytes must outlive the cursor; string_views and spans it returns point
// into the input. Not thread-safe; distinct cursors over the same bytes are independent.
//
// Typical use:
//   BinaryCursor c(bytes);
//   while (c.Next()) { switch (c.type()) { ... c.ReadString(&sv) ... } }
//   FOLIO_TRY(c.status());
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "ion/ion.h"
#include "ion/symbol_table.h"
#include "ion/value.h"

namespace folio::ion {

class BinaryCursor {
 public:
  // `data` must begin with the IVM E0 01 00 EA (checked by the first Next()).
  explicit BinaryCursor(std::span<const uint8_t> data);

  BinaryCursor(const BinaryCursor&) = delete;
  BinaryCursor& operator=(const BinaryCursor&) = delete;

  // Advances to the next user value at the current depth, skipping whatever remains of the
  // current one. Returns false at the end of the current container or stream, or on error.
  bool Next();
  // OK, or the first error met (InvalidArgument, message "ion binary: offset N: reason").
  const Status& status() const { return status_; }

  // Nesting depth: 0 at top level, 1 inside a top-level container, ...
  size_t depth() const { return frames_.size(); }
  // Type of the struct/list/sexp the cursor is inside (undefined at depth 0).
  Type container_type() const { return frames_.back().type; }

  // --- The current value (valid after Next() returned true). ---
  Type type() const { return type_; }
  bool is_null() const { return is_null_; }
  // Byte offset of the value's first byte (its annotation wrapper if annotated).
  size_t offset() const { return value_start_; }
  // Length of the value's body in bytes (its representation, without descriptor or length).
  size_t body_size() const { return body_len_; }

  // Field name of the current value when inside a struct (resolved and validated by Next()).
  uint64_t field_sid() const { return field_sid_; }
  const SymbolRef& field_name() const { return field_name_; }

  size_t annotation_count() const { return annotations_.size(); }
  // i-th annotation, resolved (validated by Next()).
  SymbolRef annotation(size_t i) const;
  uint64_t annotation_sid(size_t i) const { return annotations_[i]; }

  // Scalar decoders. Each requires the current value to be a non-null value of the named
  // type (InvalidArgument otherwise) and validates its representation.
  Status ReadBool(bool* out);
  Status ReadInt(Int* out);
  // Fails (InvalidArgument) when the int does not fit in int64.
  Status ReadInt64(int64_t* out);
  Status ReadFloat(double* out);
  Status ReadDecimal(Decimal* out);
  // Local-time components (converted from the UTC components of the encoding).
  Status ReadTimestamp(Timestamp* out);
  // String text, validated UTF-8.
  Status ReadString(std::string_view* out);
  // Symbol value: its SID and resolution (an unmapped SID is an error).
  Status ReadSymbol(SymbolRef* out, uint64_t* sid = nullptr);
  // Clob or blob bytes.
  Status ReadLob(std::span<const uint8_t>* out);

  // For the current non-null container: an upper bound on its number of children (NOP pads
  // included), found by scanning headers only; for reserving. Never more than the body size,
  // and it stops early (undercounting) at a malformed header, which Next() then reports.
  size_t CountChildrenHint() const;

  // Enters the current non-null list, sexp or struct. Fails past kMaxDepth.
  Status StepIn();
  // Leaves the current container, skipping its remaining values.
  Status StepOut();

 private:
  struct Frame {
    size_t end;  // one past the container's last byte
    Type type;
  };

  bool Fail(size_t at, std::string_view reason);
  Status Error(size_t at, std::string_view reason);
  size_t container_end() const { return frames_.empty() ? size_ : frames_.back().end; }
  bool ReadVarUInt(size_t* p, size_t end, uint64_t* out);
  // Decodes a VarInt; `negative` distinguishes -0.
  bool ReadVarInt(size_t* p, size_t end, int64_t* magnitude, bool* negative);
  // Parses a type descriptor and length at *p (not a wrapper or pad); on success sets the
  // current-value fields and *p to the body start.
  bool ParseHeader(size_t* p, size_t end);
  bool ParseAnnotations(size_t* p, size_t end);
  Status CheckType(Type t) const;
  bool ProcessSymbolTable();
  bool ProcessImports(SymbolTable* table);

  const uint8_t* data_;
  size_t size_;
  size_t next_;  // where the next Next() starts scanning
  bool started_ = false;
  Status status_;
  std::vector<Frame> frames_;
  SymbolTable symtab_;

  // Current value.
  bool has_value_ = false;
  Type type_ = Type::kNull;
  bool is_null_ = true;
  uint8_t tid_ = 0;  // high nibble of the descriptor
  uint8_t low_ = 0;  // low nibble of the descriptor
  size_t value_start_ = 0;
  size_t body_ = 0;
  size_t body_len_ = 0;
  uint64_t field_sid_ = 0;
  SymbolRef field_name_;
  std::vector<uint64_t> annotations_;
  Bytes scratch_;
};

// Reads one complete value (and its children) at the cursor's current position into a DOM
// value. The cursor must be positioned on a value (Next() returned true).
Status ReadCurrentValue(BinaryCursor& cursor, Value* out);

// Validates UTF-8 (no overlongs, no surrogates, at most U+10FFFF).
bool IsValidUtf8(std::string_view s);

}  // namespace folio::ion
