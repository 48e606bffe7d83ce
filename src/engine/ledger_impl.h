// One ledger: its kv store, journal, table catalog, OCC state and the group committer.
//
// Thread safety: thread-safe. Transactions run concurrently on their own snapshots; commits
// are queued to a single committer thread that validates them in order (OCC), chains one
// journal block per writing transaction, writes every block and state change of the group in
// ONE synced kv batch, then publishes and answers them all.
// Invariants:
//   - write_seq_ counts published writing commits; published_snapshot_ contains exactly the
//     commits numbered <= write_seq_ (both change together under mu_, after the group's batch
//     is durable), and a transaction begins on that pair, so its snapshot holds exactly the
//     commits numbered <= its snapshot_seq;
//   - last_write_[key] is the write_seq of the newest published commit that wrote key, kept
//     for every key written after the oldest active snapshot;
//   - the journal tip and catalog_ advance only after their batch is durable.
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>

#include "engine/engine.h"
#include "engine/transaction.h"
#include "journal/journal.h"
#include "kv/kv.h"

namespace folio::engine {

struct LedgerOptions {
  bool sync_commits = true;
};

class LedgerImpl final : public Ledger, public std::enable_shared_from_this<LedgerImpl> {
 public:
  // Opens (creating when `create`) the ledger stored in `directory`.
  static Result<std::shared_ptr<LedgerImpl>> Open(std::string name, const std::string& directory,
                                                  bool create, const LedgerOptions& options);
  ~LedgerImpl() override;

  const std::string& name() const override { return name_; }
  Result<std::unique_ptr<Transaction>> BeginTransaction() override;

  Result<DigestInfo> GetDigest();
  Result<ProvenValue> GetBlock(const BlockAddress& address, const std::optional<BlockAddress>& tip);
  Result<ProvenValue> GetRevision(const BlockAddress& address, std::string_view document_id,
                                  const std::optional<BlockAddress>& tip);

  // Stops accepting transactions (ledger deleted); pending commits still finish.
  void Close();

  // --- For transactions ------------------------------------------------------------------
  kv::Store* store() const { return store_.get(); }
  journal::Journal* journal() const { return journal_.get(); }
  const std::string& strand_id() const { return strand_id_; }
  // Millisecond-precision UTC now, never earlier than the last value returned.
  ion::Timestamp Now();
  void EndTransaction(uint64_t snapshot_seq);
  // Validates and makes `txn` durable; blocks until done. kConflict on OCC failure.
  Status CommitTransaction(TransactionImpl& txn);

 private:
  struct CommitRequest {
    TransactionImpl* txn;
    Status result;
    bool done = false;            // guarded by queue_mu_
    std::condition_variable cv;   // wakes only this request's waiter
  };
  LedgerImpl(std::string name, std::unique_ptr<kv::Store> store, const LedgerOptions& options);
  Status Load(bool create);
  void CommitterLoop();
  void CommitGroup(std::vector<CommitRequest*>& group);
  Result<BlockAddress> ResolveTip(const std::optional<BlockAddress>& tip);
  struct ProvableBlock {
    journal::Block block;
    std::optional<BlockAddress> tip;  // resolved, when a proof was asked for
  };
  // The block at `address`, checked against the ledger's strand and the optional tip.
  Result<ProvableBlock> LoadProvableBlock(const BlockAddress& address,
                                          const std::optional<BlockAddress>& tip);

  const std::string name_;
  std::unique_ptr<kv::Store> store_;
  std::unique_ptr<journal::Journal> journal_;
  std::string strand_id_;
  const LedgerOptions options_;

  std::mutex mu_;  // guards everything below up to the committer section
  bool closed_ = false;
  uint64_t write_seq_ = 0;
  std::shared_ptr<const CatalogState> catalog_;
  std::shared_ptr<const kv::Snapshot> published_snapshot_;
  std::multiset<uint64_t> active_snapshots_;
  // Read and written only by the committer thread (published under mu_ for pruning decisions).
  std::unordered_map<std::string, uint64_t> last_write_;

  std::mutex time_mu_;
  int64_t last_now_millis_ = 0;  // guarded by time_mu_

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<CommitRequest*> queue_;
  bool stopping_ = false;
  std::thread committer_;
};

}  // namespace folio::engine
