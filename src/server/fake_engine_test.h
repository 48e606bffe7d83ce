// A small in-memory engine::Engine for handler and session tests (no journal, no PartiQL).
// Statements understood by FakeTransaction::Execute:
//   "ROWS <n>"  -> n int values 0..n-1
//   "ECHO"      -> the parameters, as received
//   "FAIL"      -> kInvalidArgument "fake statement error"
//   "QUOTA"     -> kLimitExceeded
//   "CONFLICT"  -> succeeds, but the commit fails with kConflict
// Commit accepts exactly FakeDigest(txn id) and otherwise fails "Digests don't match".
#pragma once

#include <atomic>
#include <functional>
#include <vector>
#include <map>
#include <mutex>
#include <string>

#include "engine/engine.h"
#include "server/session_manager.h"

namespace folio::server::testing {

inline Hash256 FakeDigest(std::string_view txn_id) { return Sha256Digest(txn_id); }

// Commits of transactions that ran the statement "DEFER": CommitAsync parks them here instead
// of completing, until the test runs them (as the real engine completes them later).
inline std::vector<std::function<void()>>& DeferredCommits() {
  static std::vector<std::function<void()>> deferred;
  return deferred;
}

class FakeTransaction : public engine::Transaction {
 public:
  explicit FakeTransaction(std::atomic<int>* open) : id_(NewBase62Id()), open_(open) { ++*open_; }
  ~FakeTransaction() override {
    if (!closed_) --*open_;
  }
  const std::string& id() const override { return id_; }
  std::chrono::steady_clock::time_point started_at() const override { return start_; }
  Result<engine::StatementResult> Execute(std::string_view statement,
                                          std::span<const ion::Value> parameters) override {
    engine::StatementResult r;
    if (statement.rfind("ROWS ", 0) == 0) {
      int n = std::stoi(std::string(statement.substr(5)));
      for (int i = 0; i < n; ++i) r.values.push_back(ion::Value::Integer(i));
      r.read_ios = n;
    } else if (statement == "ECHO") {
      r.values.assign(parameters.begin(), parameters.end());
    } else if (statement == "FAIL") {
      return Status::InvalidArgument("fake statement error");
    } else if (statement == "QUOTA") {
      return Status::LimitExceeded("too many documents");
    } else if (statement == "DEFER") {
      defer_ = true;
    } else if (statement == "CONFLICT") {
      conflict_ = true;
      r.write_ios = 1;
    }
    return r;
  }
  Result<engine::CommitResult> Commit(const Hash256& client_digest) override {
    Close();
    if (client_digest != FakeDigest(id_)) return Status::InvalidArgument("Digests don't match");
    if (conflict_) {
      return Status::Conflict(
          "Optimistic concurrency control (OCC) failure encountered while committing the "
          "transaction");
    }
    engine::CommitResult r;
    r.commit_digest = client_digest;
    r.write_ios = 1;
    return r;
  }
  void CommitAsync(const Hash256& client_digest, CommitCallback done) override {
    if (!defer_) {
      done(Commit(client_digest));
      return;
    }
    DeferredCommits().push_back(
        [this, client_digest, done = std::move(done)] { done(Commit(client_digest)); });
  }
  void Abort() override { Close(); }

 private:
  void Close() {
    if (!closed_) --*open_;
    closed_ = true;
  }
  std::string id_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::atomic<int>* open_;
  bool closed_ = false;
  bool conflict_ = false;
  bool defer_ = false;
};

class FakeLedger : public engine::Ledger {
 public:
  FakeLedger(std::string name, std::atomic<int>* open) : name_(std::move(name)), open_(open) {}
  const std::string& name() const override { return name_; }
  Result<std::unique_ptr<engine::Transaction>> BeginTransaction() override {
    return std::unique_ptr<engine::Transaction>(new FakeTransaction(open_));
  }

 private:
  std::string name_;
  std::atomic<int>* open_;
};

class FakeEngine : public engine::Engine {
 public:
  std::atomic<int> open_transactions{0};

  Result<engine::LedgerInfo> CreateLedger(const engine::CreateLedgerParams& p) override {
    std::lock_guard lock(mu_);
    if (ledgers_.count(p.name)) return Status::AlreadyExists("Ledger " + p.name + " already exists");
    engine::LedgerInfo info;
    info.name = p.name;
    info.arn = "arn:aws:qldb:us-east-1:000000000000:ledger/" + p.name;
    info.creation_epoch_seconds = 1700000000;
    info.permissions_mode = p.permissions_mode;
    info.deletion_protection = p.deletion_protection;
    info.tags = p.tags;
    ledgers_[p.name] = info;
    return info;
  }
  Result<engine::LedgerInfo> DescribeLedger(std::string_view name) override {
    std::lock_guard lock(mu_);
    auto it = ledgers_.find(std::string(name));
    if (it == ledgers_.end()) return Status::NotFound("Ledger " + std::string(name) + " not found");
    return it->second;
  }
  std::vector<engine::LedgerInfo> ListLedgers() override {
    std::lock_guard lock(mu_);
    std::vector<engine::LedgerInfo> out;
    for (auto& [_, v] : ledgers_) out.push_back(v);
    return out;
  }
  Result<engine::LedgerInfo> UpdateLedger(std::string_view name,
                                          std::optional<bool> deletion_protection) override {
    std::lock_guard lock(mu_);
    auto it = ledgers_.find(std::string(name));
    if (it == ledgers_.end()) return Status::NotFound("Ledger " + std::string(name) + " not found");
    if (deletion_protection) it->second.deletion_protection = *deletion_protection;
    return it->second;
  }
  Status DeleteLedger(std::string_view name) override {
    std::lock_guard lock(mu_);
    auto it = ledgers_.find(std::string(name));
    if (it == ledgers_.end()) return Status::NotFound("Ledger " + std::string(name) + " not found");
    if (it->second.deletion_protection) {
      return Status::FailedPrecondition("Ledger " + std::string(name) + " is deletion-protected");
    }
    ledgers_.erase(it);
    return Status::OK();
  }
  Result<std::shared_ptr<engine::Ledger>> GetLedger(std::string_view name) override {
    std::lock_guard lock(mu_);
    if (!ledgers_.count(std::string(name))) {
      return Status::NotFound("Ledger " + std::string(name) + " does not exist");
    }
    return std::shared_ptr<engine::Ledger>(new FakeLedger(std::string(name), &open_transactions));
  }
  Result<engine::DigestInfo> GetDigest(std::string_view ledger) override {
    FOLIO_TRY(DescribeLedger(ledger));
    engine::DigestInfo d;
    d.digest = Sha256Digest("digest");
    d.tip = {"StrandStrandStrandStra", 7};
    return d;
  }
  Result<engine::ProvenValue> GetBlock(std::string_view ledger, const engine::BlockAddress& a,
                                       const std::optional<engine::BlockAddress>& tip) override {
    FOLIO_TRY(DescribeLedger(ledger));
    if (a.sequence_no > 7) return Status::InvalidArgument("Block address is beyond the tip");
    engine::ProvenValue v;
    v.value = ion::Value::Struct({{"blockAddress", ion::Value::Struct({
                                      {"strandId", ion::Value::String(a.strand_id)},
                                      {"sequenceNo", ion::Value::Integer(int64_t(a.sequence_no))}})}});
    if (tip) v.proof = std::vector<Hash256>{Sha256Digest("p1"), Sha256Digest("p2")};
    return v;
  }
  Result<engine::ProvenValue> GetRevision(std::string_view ledger, const engine::BlockAddress& a,
                                          std::string_view document_id,
                                          const std::optional<engine::BlockAddress>& tip) override {
    FOLIO_ASSIGN_OR_RETURN(engine::ProvenValue v, GetBlock(ledger, a, tip));
    v.value.Set("id", ion::Value::String(std::string(document_id)));
    return v;
  }
  Status TagResource(std::string_view arn, const std::map<std::string, std::string>& tags) override {
    std::lock_guard lock(mu_);
    for (auto& [_, v] : ledgers_) {
      if (v.arn == arn) {
        for (auto& [k, t] : tags) v.tags[k] = t;
        return Status::OK();
      }
    }
    return Status::NotFound("No resource " + std::string(arn));
  }
  Status UntagResource(std::string_view arn, std::span<const std::string> keys) override {
    std::lock_guard lock(mu_);
    for (auto& [_, v] : ledgers_) {
      if (v.arn == arn) {
        for (auto& k : keys) v.tags.erase(k);
        return Status::OK();
      }
    }
    return Status::NotFound("No resource " + std::string(arn));
  }
  Result<std::map<std::string, std::string>> ListTags(std::string_view arn) override {
    std::lock_guard lock(mu_);
    for (auto& [_, v] : ledgers_) {
      if (v.arn == arn) return v.tags;
    }
    return Status::NotFound("No resource " + std::string(arn));
  }

 private:
  std::mutex mu_;
  std::map<std::string, engine::LedgerInfo> ledgers_;
};

}  // namespace folio::server::testing
