// One ledger: its kv store, journal, table catalog, OCC state and the group committer.
//
// Thread safety: thread-safe. Transactions run concurrently on their own snapshots; commits
// are queued to a two-stage pipeline:
//   1. the committer thread validates commits in order (OCC), chains one journal block per
//      writing transaction on top of every earlier group (published or still being written)
//      and appends their kv writes to the open group (one kv batch);
//   2. the writer thread makes a group durable (one synced write) and publishes it, while the
//      committer builds the next one; the writer takes the open group the moment it finishes,
//      and the committer answers written groups.
// A lone commit with the pipeline empty is written by the committer itself (no hand-offs).
// Invariants:
//   - write_seq_ counts published writing commits; published_snapshot_ contains exactly the
//     commits numbered <= write_seq_ (both change together under mu_, after the group's batch
//     is durable), and a transaction begins on that pair, so its snapshot holds exactly the
//     commits numbered <= its snapshot_seq;
//   - a writing commit gets its number when the committer stages it (next_write_seq_), and
//     last_write_[key] is the number of the newest staged commit that wrote key, kept for every
//     key written after the oldest active snapshot. Numbers above write_seq_ are not yet
//     durable; every active snapshot is below them, so they conflict with every reader;
//   - groups are written and published in the order they were built; the journal tip and
//     catalog_ advance only after their batch is durable. After a failed write every later
//     group fails too (it was chained on the lost one) and the ledger refuses further commits.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
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
  size_t write_buffer_bytes = size_t{32} << 20;  // the ledger store's memtable size
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
  // Validates `txn` (OCC) and makes it durable without blocking: `done` runs exactly once,
  // inline or on an engine thread, with kConflict on OCC failure; the engine touches neither
  // `txn` nor `done` after it returns.
  void CommitTransactionAsync(TransactionImpl& txn, std::function<void(Status)> done);

 private:
  // Heap-allocated when queued; answered by calling `callback`, then deleted.
  struct CommitRequest {
    TransactionImpl* txn = nullptr;
    Status result;
    std::function<void(Status)> callback;
  };
  LedgerImpl(std::string name, std::unique_ptr<kv::Store> store, const LedgerOptions& options);
  Status Load(bool create);
  // Brings a ledger written before the data format marker to the current layout.
  Status UpgradeUnversionedState();
  // A built group (or increment of one) on its way to the writer thread.
  struct BuiltGroup {
    kv::WriteBatch batch;
    std::vector<CommitRequest*> staged;   // the writing requests, in queue (= journal) order
    journal::JournalTip tip;              // after the group's last block
    std::shared_ptr<const CatalogState> catalog;  // set when the group changed a table
    uint64_t last_write_seq = 0;
  };
  void CommitterLoop();
  void WriterLoop();
  // Gives open_ (with its journal tip record) to the writer. Callers hold queue_mu_, and the
  // writer is not busy or is the caller.
  void HandOver();
  BuiltGroup BuildGroup(std::vector<CommitRequest*>& group);
  void WriteGroup(BuiltGroup& built);
  // Answers every request (runs its callback, outside every lock) and frees it.
  void Answer(const std::vector<CommitRequest*>& requests);
  // Read-only transactions validate inline against every staged commit.
  Status ValidateReadOnly(const TransactionImpl& txn);
  // Queues a writing commit for the committer; false when the ledger is shutting down.
  bool Enqueue(CommitRequest* request);
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
  // Written only by the committer thread, under mu_ (read-only commits read it under mu_).
  std::unordered_map<std::string, uint64_t> last_write_;
  Status write_failure_;  // the first failed group write; every later commit fails with it

  // Committer thread only: the state after every group built so far.
  uint64_t next_write_seq_ = 0;
  std::optional<journal::JournalTip> build_tip_;
  std::shared_ptr<const CatalogState> build_catalog_;

  std::mutex time_mu_;
  int64_t last_now_millis_ = 0;  // guarded by time_mu_

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<CommitRequest*> queue_;
  bool stopping_ = false;
  std::thread committer_;

  // Built transactions not yet written, in build (= journal) order; guarded by queue_mu_.
  // Handed over whole the moment the writer is idle (by the committer) or done (by the writer
  // itself), so a group holds what was built during the previous group's write, and clients
  // fall into two cohorts: one being synced while the other runs its next transaction.
  BuiltGroup open_;
  // The group handed to the writer thread; guarded by queue_mu_.
  std::condition_variable write_cv_;  // signalled when pending_write_ is set or write_stop_
  std::optional<BuiltGroup> pending_write_;
  // From hand-over until a write ends with open_ empty; open_ is non-empty only while set.
  bool writer_busy_ = false;
  // Requests of written groups (result set), in commit order, for the committer to answer:
  // waking the callers would otherwise delay the writer's next group. Guarded by queue_mu_.
  std::vector<CommitRequest*> written_;
  bool write_stop_ = false;
  std::thread writer_;
};

}  // namespace folio::engine
