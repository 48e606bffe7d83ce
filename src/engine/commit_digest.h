// The CommitDigest every QLDB driver computes (spec/wire-and-drivers.md section 4.1):
//   digest = Hs(transactionId); for each statement: s = Hs(text); for each parameter p:
//   s = dot(s, H(p)); digest = dot(digest, s).
// H is Ion Hash SHA-256 of the Ion value, so IonText and IonBinary parameters hash alike.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "common/sha256.h"
#include "common/status.h"
#include "ion/value.h"

namespace folio::engine {

class CommitDigest {
 public:
  explicit CommitDigest(std::string_view transaction_id);
  // Folds one statement and its parameters in. Fails only for a parameter holding a symbol
  // with unknown text (which has no Ion hash); the digest is then unchanged.
  Status AddStatement(std::string_view statement, std::span<const ion::Value> parameters);
  // Folds an already computed StatementHash in.
  void AddStatementHash(const Hash256& statement_hash);
  const Hash256& value() const { return digest_; }

  // H(statement) folded with its parameters, the journal's `statementDigest`. When
  // `parameter_hashes` is given, it receives each parameter's Ion hash, in order.
  static Result<Hash256> StatementHash(std::string_view statement,
                                       std::span<const ion::Value> parameters,
                                       std::vector<Hash256>* parameter_hashes = nullptr);

 private:
  Hash256 digest_;
};

}  // namespace folio::engine
