// Rendering of result values for the shell: pretty Ion text, or JSON (a lossy down-conversion:
// timestamps become strings, lobs base64 strings, symbols strings, annotations are dropped,
// decimals and big integers exact JSON numbers, NaN and infinities strings). Pure functions.
#pragma once

#include <string>

#include "ion/value.h"

namespace folio::shell {

enum class OutputFormat { kIon, kJson };

std::string FormatIon(const ion::Value& v);
std::string FormatJson(const ion::Value& v, bool pretty = true);

}  // namespace folio::shell
