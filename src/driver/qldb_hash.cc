#include "driver/qldb_hash.h"

#include <algorithm>

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
  Hash256 s = HashString(statement);
  for (const ion::Value& p : parameters) {
    FOLIO_ASSIGN_OR_RETURN(Hash256 hp, ion::IonHashSha256(p));
    s = Dot(s, hp);
  }
  digest_ = Dot(digest_, s);
  return Status::OK();
}

}  // namespace folio::driver
