// PartiQL equality, ordering comparison and LIKE.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/status.h"
#include "ion/value.h"

namespace folio::partiql {

// Three-valued logic result.
enum class Tri : uint8_t { kFalse, kTrue, kUnknown };

// PartiQL `=` between two non-null, non-missing values (the evaluator maps null/missing
// operands to unknown/missing first). Numbers compare by value across int/decimal/float;
// string and symbol compare equal when their texts are equal; timestamps by instant, lobs by
// bytes; lists and sexps element-wise (lists never equal sexps), bags (pvalue.h) as
// multisets, structs as multisets of fields; values of other differing types are unequal.
// Annotations are ignored. Nested nulls equal each other (MISSING only equals MISSING).
bool PartiqlEquals(const ion::Value& a, const ion::Value& b);

// Ordering for < <= > >=: negative, zero or positive. Defined for numbers with numbers, text
// with text (by Unicode code point), timestamps with timestamps, bools with bools, lobs with
// lobs. Anything else is kInvalidArgument naming both types.
Result<int> CompareValues(const ion::Value& a, const ion::Value& b);

// SQL LIKE over code points: '%' matches any sequence, '_' exactly one code point, and
// `escape` makes the next pattern character literal. Invalid UTF-8, an escape that is not
// followed by '%', '_' or the escape itself, or a dangling escape is kInvalidArgument.
Result<bool> LikeMatch(std::string_view text, std::string_view pattern,
                       std::optional<char32_t> escape);

}  // namespace folio::partiql
