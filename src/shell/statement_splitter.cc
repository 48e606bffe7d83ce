#include "shell/statement_splitter.h"

namespace folio::shell {

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

bool StatementSplitter::pending() const { return !Trim(buffer_).empty(); }

std::string StatementSplitter::Flush() {
  std::string out = Trim(buffer_);
  buffer_.clear();
  state_ = State::kNormal;
  return out;
}

std::vector<std::string> StatementSplitter::AddLine(std::string_view line) {
  std::vector<std::string> out;
  if (state_ == State::kNormal && !pending()) {
    std::string t = Trim(line);
    if (!t.empty() && t[0] == '\\') {
      out.push_back(t);
      return out;
    }
  }
  if (state_ == State::kNormal && Trim(line).empty()) {
    if (pending()) out.push_back(Flush());
    return out;
  }
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    char next = i + 1 < line.size() ? line[i + 1] : '\0';
    switch (state_) {
      case State::kNormal:
        if (c == ';') {
          std::string stmt = Trim(buffer_);
          buffer_.clear();
          if (!stmt.empty()) out.push_back(std::move(stmt));
          continue;
        }
        if (c == '-' && next == '-') {
          i = line.size();  // a line comment: drop the rest of the line
          continue;
        }
        if (c == '/' && next == '*') {
          state_ = State::kBlockComment;
          ++i;
          continue;
        }
        if (c == '\'') state_ = State::kSingle;
        if (c == '"') state_ = State::kDouble;
        if (c == '`') state_ = State::kBacktick;
        buffer_.push_back(c);
        break;
      case State::kSingle:
        buffer_.push_back(c);
        if (c == '\'') {
          if (next == '\'') {
            buffer_.push_back(next);
            ++i;
          } else {
            state_ = State::kNormal;
          }
        }
        break;
      case State::kDouble:
        buffer_.push_back(c);
        if (c == '"') {
          if (next == '"') {
            buffer_.push_back(next);
            ++i;
          } else {
            state_ = State::kNormal;
          }
        }
        break;
      case State::kBacktick:
        buffer_.push_back(c);
        if (c == '`') state_ = State::kNormal;
        break;
      case State::kBlockComment:
        if (c == '*' && next == '/') {
          state_ = State::kNormal;
          ++i;
          buffer_.push_back(' ');
        }
        break;
    }
  }
  if (pending() || state_ != State::kNormal) buffer_.push_back('\n');
  return out;
}

}  // namespace folio::shell
