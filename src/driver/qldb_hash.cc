#include "driver/qldb_hash.h"

#include <algorithm>
#include <string>

#include "ion/ion.h"

namespace folio::driver {

Hash256 HashString(std::string_view text) {
  // An Ion string always has known text, so hashing cannot fail.
  auto h = ion::IonHashSha256(ion::Value::String(std::string(text)));
  return h.ok() ? *h : Hash256{};
}

CommitDigestBuilder::CommitDigestBuilder(std::string_view transaction_id)
    : digest_(HashString(transaction_id)) {}

Status CommitDigestBuilder::AddStatement(std::string_view statement,
                                         std::span<const ion::Value> parameters) {
  // Clients tend to run the same statement text over and over: remember the last hash.
  thread_local std::string last_statement;
  thread_local Hash256 last_hash = HashString("");
  if (statement != last_statement) {
    last_hash = HashString(statement);
    last_statement.assign(statement);
  }
  Hash256 s = last_hash;
  for (const ion::Value& p : parameters) {
    FOLIO_ASSIGN_OR_RETURN(Hash256 hp, ion::IonHashSha256(p));
    s = Dot(s, hp);
  }
  digest_ = Dot(digest_, s);
  return Status::OK();
}

}  // namespace folio::driver
