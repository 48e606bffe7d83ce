// Splits shell input into complete units: PartiQL statements ending with ';' (outside strings,
// quoted identifiers, `Ion literals` and comments) or with an empty line, and backslash
// commands, which are one line each. Plain value type; not thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace folio::shell {

class StatementSplitter {
 public:
  // Feeds one line (without its newline). Returns the units it completed, in order; a
  // statement is returned without its terminating ';' and trimmed.
  std::vector<std::string> AddLine(std::string_view line);
  // The unterminated remainder (trimmed), e.g. at end of input; clears the buffer.
  std::string Flush();
  // True when a statement has started and is not yet complete.
  bool pending() const;

 private:
  enum class State { kNormal, kSingle, kDouble, kBacktick, kBlockComment };
  std::string buffer_;
  State state_ = State::kNormal;
};

std::string Trim(std::string_view s);

}  // namespace folio::shell
