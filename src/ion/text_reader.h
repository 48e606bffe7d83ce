// Ion 1.0 text reader internals shared with tests. The public entry point is ReadText in
// ion/ion.h.
//
// Contract of ReadText:
// - Accepts the whole Ion 1.0 text grammar: IVMs ($ion_1_0 resets the symbol table; any other
//   $ion_<major>_<minor> is an error; '$ion_1_0', $2 and annotated forms are no-ops or data as
//   the spec says), local symbol tables ($ion_symbol_table::{imports, symbols}), $N symbol IDs
//   resolved through the current table (imports with no catalog become unknown-text ranges),
//   long-string concatenation, all escapes, clobs, blobs, operators inside s-expressions,
//   annotations and comments.
// - Errors are InvalidArgument with the message "ion text <line>:<column>: <reason>"; line and
//   column are 1-based and the column counts bytes.
// - Nesting deeper than kMaxDepth containers is an error; the reader is iterative over the input
//   with bounded recursion, so no input can crash it or make it run in more than linear time
//   (apart from big-number conversions, which are quasi-linear).
#pragma once

#include <cstddef>
#include <string_view>

namespace folio::ion {

struct TextPosition {
  size_t line = 1;    // 1-based
  size_t column = 1;  // 1-based, in bytes
};

// The line and column of byte `offset` in `text` (offset may equal text.size()). Lines end at
// LF, CR or CRLF.
TextPosition PositionOf(std::string_view text, size_t offset);

}  // namespace folio::ion
