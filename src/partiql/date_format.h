// TO_STRING / TO_TIMESTAMP pattern formatting and parsing over Ion timestamps, and Ion
// timestamp text parsing for CAST and one-argument TO_TIMESTAMP. Private to the module.
//
// Patterns follow java.time.format.DateTimeFormatter as PartiQL uses it: letters y M d a h H
// m s S n X x are fields, text in single quotes ('' is a quote) and any other non-letter
// character is literal, any other letter is an error.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "ion/value.h"

namespace folio::partiql::internal {

// An unknown offset formats as UTC. Errors name TO_STRING.
Result<std::string> FormatTimestamp(const ion::Timestamp& ts, std::string_view pattern);

// Parses `text` with `pattern`. The pattern decides the precision: y; y M; y M d; y M d H
// [m [s [S|n]]] (h needs a); an offset field needs a time. Without an offset field the
// offset is unknown. Errors name TO_TIMESTAMP.
Result<ion::Timestamp> ParseTimestampPattern(std::string_view text, std::string_view pattern);

// Ion text timestamp syntax ("2007-02-23T12:14:33.079-08:00", "2007T", "2007-02-23").
Result<ion::Timestamp> ParseIonTimestamp(std::string_view text);

}  // namespace folio::partiql::internal
