#include "engine/commit_digest.h"

#include "ion/ion.h"
#include "journal/hash.h"

namespace folio::engine {
namespace {
Hash256 HashString(std::string_view s) {
  // Ion Hash of a string value never fails.
  return ion::IonHashSha256(ion::Value::String(std::string(s))).value();
}
}  // namespace

CommitDigest::CommitDigest(std::string_view transaction_id)
    : digest_(HashString(transaction_id)) {}

Result<Hash256> CommitDigest::StatementHash(std::string_view statement,
                                            std::span<const ion::Value> parameters,
                                            std::vector<Hash256>* parameter_hashes) {
  Hash256 s = HashString(statement);
  if (parameter_hashes != nullptr) parameter_hashes->clear();
  for (const ion::Value& p : parameters) {
    FOLIO_ASSIGN_OR_RETURN(Hash256 h, ion::IonHashSha256(p));
    s = journal::Dot(s, h);
    if (parameter_hashes != nullptr) parameter_hashes->push_back(h);
  }
  return s;
}

void CommitDigest::AddStatementHash(const Hash256& statement_hash) {
  digest_ = journal::Dot(digest_, statement_hash);
}

Status CommitDigest::AddStatement(std::string_view statement,
                                  std::span<const ion::Value> parameters) {
  FOLIO_ASSIGN_OR_RETURN(Hash256 s, StatementHash(statement, parameters));
  digest_ = journal::Dot(digest_, s);
  return Status::OK();
}

}  // namespace folio::engine
