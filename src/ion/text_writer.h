// Ion 1.0 text writer internals shared with tests. The public entry points are WriteText in
// ion/ion.h and Value::ToString (compact WriteText).
//
// Contract of WriteText: the output reads back (ReadText) as a value stream equal to the input
// under Ion data-model equality, for every Value the readers can produce:
// - floats are written shortest-round-trip with an exponent ("1.5e0"), or nan / +inf / -inf;
// - decimals and timestamps are exact (Decimal::ToString, Timestamp::ToString);
// - symbols, field names and annotations are written as identifiers only when that reads back as
//   the same text (not a keyword, not $N-like, identifier characters only), else 'quoted';
// - unknown-text symbols: $0 and local-table gaps are written as $0 (they are all equal);
//   gaps from a shared import (Symbol::import_name non-empty) are written as $N against a local
//   symbol table emitted at the start of the stream that re-declares each such import by name
//   with version 1 and max_id = the highest offset used, so the (import, offset) pair survives a
//   round trip even without a catalog.
// - strings and clobs escape quotes, backslashes and control characters (\xHH); clobs also
//   escape every non-ASCII byte. Invalid UTF-8 in a string Value is written as-is (it cannot be
//   represented in Ion text).
// Compact style separates top-level values with one space and writes containers without
// whitespace; pretty style writes one top-level value per line and indents containers by two
// spaces.
#pragma once

#include <string>
#include <string_view>

namespace folio::ion {

// True if `text` can be written as an unquoted identifier symbol and reads back as the same
// symbol text (so not a keyword, not $<digits>).
bool IsPlainIdentifier(std::string_view text);

// Appends `text` as a 'quoted' symbol or "string" (quote is '\'' or '"').
void AppendQuotedText(std::string& out, std::string_view text, char quote);

}  // namespace folio::ion
