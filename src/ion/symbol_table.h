// Symbol tables for Ion 1.0 binary streams (spec/ion-notes.md section 1.6).
//
// A SymbolTable is the table in effect while reading a binary stream: the system symbols
// (SIDs 1..9), then each import as a contiguous SID range, then the local symbols. Imports are
// kept as ranges (never one slot per SID), so `max_id: 268435444` costs one entry. With no
// shared-table catalog, every imported SID has unknown text, identified by (import name,
// 1-based offset). Local slots whose declaration was not a string (null, ints, ...) also have
// unknown text.
//
// Text views returned by the table point into the bytes that declared the symbols (or into
// static storage for system symbols); the table is only valid while those bytes live.
// Not thread-safe to mutate; const methods may be called concurrently.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "ion/value.h"

namespace folio::ion {

inline constexpr uint64_t kSystemMaxId = 9;
inline constexpr std::array<std::string_view, kSystemMaxId + 1> kSystemSymbols = {
    "",  // $0 has no text; never returned as known text.
    "$ion",    "$ion_1_0", "$ion_symbol_table", "name", "version", "imports",
    "symbols", "max_id",   "$ion_shared_symbol_table",
};
inline constexpr uint64_t kSidIonSymbolTable = 3;
inline constexpr uint64_t kSidName = 4;
inline constexpr uint64_t kSidVersion = 5;
inline constexpr uint64_t kSidImports = 6;
inline constexpr uint64_t kSidSymbols = 7;
inline constexpr uint64_t kSidMaxId = 8;

// Largest SID a table may define. SIDs arrive as VarUInts of any width; this keeps every
// SID arithmetic below 2^63.
inline constexpr uint64_t kMaxSid = uint64_t{1} << 62;

// The resolution of one SID: known text, or unknown text with its provenance.
struct SymbolRef {
  std::string_view text;
  bool has_text = false;
  std::string_view import_name;  // non-empty only for a SID inside an import range
  int64_t import_offset = 0;     // 1-based position within that import

  Symbol ToSymbol() const {
    if (has_text) return Symbol(std::string(text));
    return Symbol::Unknown(std::string(import_name), import_offset);
  }
};

class SymbolTable {
 public:
  SymbolTable() = default;

  // Back to the system symbol table.
  void Reset();
  uint64_t max_id() const { return local_base_ - 1 + local_.size(); }

  // Resolves `sid`; returns false when sid > max_id().
  bool Lookup(uint64_t sid, SymbolRef* out) const {
    if (sid <= kSystemMaxId) {
      *out = SymbolRef{};
      if (sid != 0) {
        out->text = kSystemSymbols[sid];
        out->has_text = true;
      }
      return true;
    }
    if (sid >= local_base_) {
      uint64_t i = sid - local_base_;
      if (i >= local_.size()) return false;
      const Slot& s = local_[i];
      *out = SymbolRef{s.text, s.known, {}, 0};
      return true;
    }
    return LookupImport(sid, out);
  }

  // Appends an import of `count` SIDs with unknown text. Only valid before any local symbol
  // is added. Fails (InvalidArgument) when the table would exceed kMaxSid.
  Status AddImport(std::string name, uint64_t count);
  // Appends one local symbol with known text.
  void AddSymbol(std::string_view text) { local_.push_back(Slot{text, true}); }
  // Appends one local symbol with unknown text (a gap).
  void AddGap() { local_.push_back(Slot{{}, false}); }
  // Number of local symbols.
  size_t local_count() const { return local_.size(); }

 private:
  struct Import {
    std::string name;
    uint64_t first_sid;
    uint64_t count;
  };
  struct Slot {
    std::string_view text;
    bool known;
  };
  bool LookupImport(uint64_t sid, SymbolRef* out) const;

  std::vector<Import> imports_;
  uint64_t local_base_ = kSystemMaxId + 1;  // SID of the first local symbol
  std::vector<Slot> local_;
};

}  // namespace folio::ion
