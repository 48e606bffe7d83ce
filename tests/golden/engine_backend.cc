#include "tests/golden/engine_backend.h"

#include <filesystem>
#include <map>

#include "engine/commit_digest.h"
#include "engine/engine.h"
#include "engine/transaction.h"
#include "engine/verify.h"

namespace folio::golden {
namespace {

class EngineBackend final : public Backend {
 public:
  explicit EngineBackend(std::string dir) : dir_(std::move(dir)) {}
  ~EngineBackend() override {
    Close();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  Status Open() {
    engine::EngineOptions options;
    options.data_dir = dir_;
    options.sync_commits = false;
    FOLIO_ASSIGN_OR_RETURN(engine_, engine::Engine::Open(options));
    if (!engine_->DescribeLedger("golden").ok()) {
      engine::CreateLedgerParams p;
      p.name = "golden";
      p.deletion_protection = false;
      FOLIO_TRY(engine_->CreateLedger(p).status());
    }
    FOLIO_ASSIGN_OR_RETURN(ledger_, engine_->GetLedger("golden"));
    return Status::OK();
  }

  std::string_view name() const override { return "engine"; }

  Status Begin(const std::string& session) override {
    if (sessions_.count(session)) return Status::FailedPrecondition("Transaction already open");
    FOLIO_ASSIGN_OR_RETURN(auto txn, ledger_->BeginTransaction());
    auto digest = std::make_unique<engine::CommitDigest>(txn->id());
    sessions_[session] = Open_{std::move(txn), std::move(digest)};
    return Status::OK();
  }

  Result<BackendResult> Execute(const std::string& session, const std::string& statement,
                                const std::vector<ion::Value>& params) override {
    bool autocommit = session.empty();
    if (autocommit) FOLIO_TRY(Begin(session));
    auto it = sessions_.find(session);
    if (it == sessions_.end()) return Status::FailedPrecondition("No open transaction");
    Open_& open = it->second;
    Status folded = open.digest->AddStatement(statement, params);
    Result<engine::StatementResult> r =
        folded.ok() ? open.txn->Execute(statement, params) : Result<engine::StatementResult>(folded);
    if (!r.ok()) {
      if (autocommit) sessions_.erase(it);
      return r.status();
    }
    BackendResult out;
    out.rows = std::move(r->values);
    if (auto* impl = dynamic_cast<engine::TransactionImpl*>(open.txn.get())) {
      out.plan = impl->last_plan_summary();
    }
    if (autocommit) FOLIO_TRY(Commit(session));
    return out;
  }

  Status Commit(const std::string& session) override {
    auto it = sessions_.find(session);
    if (it == sessions_.end()) return Status::FailedPrecondition("No open transaction");
    Open_ open = std::move(it->second);
    sessions_.erase(it);
    return open.txn->Commit(open.digest->value()).status();
  }

  Status Abort(const std::string& session) override {
    auto it = sessions_.find(session);
    if (it == sessions_.end()) return Status::OK();
    it->second.txn->Abort();
    sessions_.erase(it);
    return Status::OK();
  }

  Status Restart() override {
    Close();
    return Open();
  }

  Status Verify() override {
    Close();
    Result<engine::DataDirVerifyReport> r = engine::VerifyDataDir(dir_);
    Status reopened = Open();
    if (!r.ok()) return r.status();
    return reopened;
  }

 private:
  struct Open_ {
    std::unique_ptr<engine::Transaction> txn;
    std::unique_ptr<engine::CommitDigest> digest;
  };
  void Close() {
    sessions_.clear();
    ledger_.reset();
    engine_.reset();
  }

  std::string dir_;
  std::unique_ptr<engine::Engine> engine_;
  std::shared_ptr<engine::Ledger> ledger_;
  std::map<std::string, Open_> sessions_;
};

}  // namespace

std::unique_ptr<Backend> MakeEngineBackend(const std::string& data_dir) {
  std::error_code ec;
  std::filesystem::remove_all(data_dir, ec);
  auto backend = std::make_unique<EngineBackend>(data_dir);
  Status s = backend->Open();
  if (!s.ok()) {
    std::fprintf(stderr, "engine backend: %s\n", s.ToString().c_str());
    return nullptr;
  }
  return backend;
}

}  // namespace folio::golden
