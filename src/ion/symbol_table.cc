#include "ion/symbol_table.h"

namespace folio::ion {

void SymbolTable::Reset() {
  imports_.clear();
  local_.clear();
  local_base_ = kSystemMaxId + 1;
}

Status SymbolTable::AddImport(std::string name, uint64_t count) {
  FOLIO_ASSERT(local_.empty(), "imports precede local symbols");
  if (count > kMaxSid - local_base_) {
    return Status::InvalidArgument("symbol table import max_id too large");
  }
  if (count == 0) return Status::OK();
  imports_.push_back(Import{std::move(name), local_base_, count});
  local_base_ += count;
  return Status::OK();
}

bool SymbolTable::LookupImport(uint64_t sid, SymbolRef* out) const {
  // Imports are few and ordered by first_sid; a linear scan beats a search here.
  for (const Import& imp : imports_) {
    if (sid >= imp.first_sid && sid - imp.first_sid < imp.count) {
      *out = SymbolRef{{}, false, imp.name, static_cast<int64_t>(sid - imp.first_sid + 1)};
      return true;
    }
  }
  return false;
}

}  // namespace folio::ion
