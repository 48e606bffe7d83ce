#include "engine/ledger_impl.h"

#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <string_view>
#include <unordered_set>

#include "engine/ids.h"
#include "ion/ion.h"
#include "kv/rocks_store.h"
#include "storage/state.h"

namespace folio::engine {

using ion::Value;
using storage::Revision;
using storage::TableInfo;

namespace {
constexpr size_t kPruneThreshold = 50000;

Status OccConflict() {
  return Status::Conflict(
      "Optimistic concurrency control (OCC) failure encountered while committing the transaction");
}

// The system revision hash recorded in a block for a table definition change.
Result<Hash256> TableChangeHash(const TableInfo& t) { return ion::IonHashSha256(t.ToIon()); }
}  // namespace

LedgerImpl::LedgerImpl(std::string name, std::unique_ptr<kv::Store> store,
                       const LedgerOptions& options)
    : name_(std::move(name)), store_(std::move(store)), options_(options) {}

Result<std::shared_ptr<LedgerImpl>> LedgerImpl::Open(std::string name, const std::string& directory,
                                                     bool create, const LedgerOptions& options) {
  FOLIO_ASSIGN_OR_RETURN(auto store, kv::RocksStore::Open(
                                         directory, {.write_buffer_bytes = options.write_buffer_bytes}));
  std::shared_ptr<LedgerImpl> ledger(new LedgerImpl(std::move(name), std::move(store), options));
  FOLIO_TRY(ledger->Load(create));
  ledger->committer_ = std::thread([l = ledger.get()] {
    pthread_setname_np(pthread_self(), "folio-commit");
    l->CommitterLoop();
  });
  ledger->writer_ = std::thread([l = ledger.get()] {
    pthread_setname_np(pthread_self(), "folio-write");
    l->WriterLoop();
  });
  return ledger;
}

Status LedgerImpl::Load(bool create) {
  Result<std::string> strand = store_->Get(storage::keys::Meta("strand"));
  if (strand.ok()) {
    strand_id_ = *strand;
  } else if (strand.status().code() == StatusCode::kNotFound && create) {
    strand_id_ = NewId();
    kv::WriteBatch batch;
    batch.Put(storage::keys::Meta("strand"), strand_id_);
    batch.Put(storage::keys::Meta("format"), storage::kDataFormat);
    FOLIO_TRY(store_->Write(batch));
  } else if (strand.status().code() == StatusCode::kNotFound) {
    return Status::Corruption("ledger " + name_ + " has no strand id");
  } else {
    return strand.status();
  }
  FOLIO_ASSIGN_OR_RETURN(std::optional<std::string> format, storage::ReadDataFormat(*store_));
  if (!format) {
    FOLIO_TRY(UpgradeUnversionedState());
  } else if (*format != storage::kDataFormat) {
    return Status::FailedPrecondition("ledger " + name_ + " has data format " + *format +
                                      "; this build reads format " +
                                      std::string(storage::kDataFormat));
  }
  FOLIO_ASSIGN_OR_RETURN(journal_, journal::Journal::Open(*store_, storage::keys::JournalPrefix(), strand_id_));
  storage::StateReader reader(store_.get(), nullptr);
  FOLIO_ASSIGN_OR_RETURN(std::vector<TableInfo> tables, reader.ListTables());
  auto catalog = std::make_shared<CatalogState>();
  for (TableInfo& t : tables) catalog->tables[t.table_id] = std::move(t);
  catalog_ = std::move(catalog);
  build_catalog_ = catalog_;
  published_snapshot_ = store_->NewSnapshot();
  return Status::OK();
}

Status LedgerImpl::UpgradeUnversionedState() {
  // Ledgers written before the format marker differ in two derived structures, both rebuilt
  // from the current entries (the journal and the current entries are unchanged): history held
  // a copy of every current revision, and index entries were filed under keys that did not
  // follow PartiQL equality. Idempotent, and applied in one batch with the marker.
  storage::StateReader reader(store_.get(), nullptr);
  FOLIO_ASSIGN_OR_RETURN(std::vector<TableInfo> tables, reader.ListTables());
  kv::WriteBatch batch;
  for (const TableInfo& table : tables) {
    for (const storage::IndexInfo& index : table.indexes) {
      FOLIO_TRY(reader.StageIndexRemoval(table.table_id, index.index_id, batch));
    }
    FOLIO_TRY(reader.ScanCurrent(table.table_id, [&](Revision&& r) -> Status {
      batch.Delete(storage::keys::History(table.table_id, r.document_id, r.version));
      for (const storage::IndexInfo& index : table.indexes) {
        FOLIO_TRY(storage::PutIndexEntry(batch, table, index, r));
      }
      return Status::OK();
    }));
  }
  batch.Put(storage::keys::Meta("format"), storage::kDataFormat);
  return store_->Write(batch);
}

LedgerImpl::~LedgerImpl() {
  {
    std::lock_guard lock(queue_mu_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  if (committer_.joinable()) committer_.join();
  {
    std::lock_guard lock(queue_mu_);
    write_stop_ = true;
  }
  write_cv_.notify_all();
  if (writer_.joinable()) writer_.join();
}

void LedgerImpl::Close() {
  std::lock_guard lock(mu_);
  closed_ = true;
}

ion::Timestamp LedgerImpl::Now() {
  int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
  std::lock_guard lock(time_mu_);
  last_now_millis_ = std::max(last_now_millis_, ms);
  return ion::Timestamp::FromEpochMillis(last_now_millis_);
}

Result<std::unique_ptr<Transaction>> LedgerImpl::BeginTransaction() {
  std::shared_ptr<const kv::Snapshot> snapshot;
  uint64_t seq;
  std::shared_ptr<const CatalogState> catalog;
  {
    std::lock_guard lock(mu_);
    if (closed_) return Status::NotFound("Ledger " + name_ + " does not exist");
    snapshot = published_snapshot_;
    seq = write_seq_;
    catalog = catalog_;
    active_snapshots_.insert(seq);
  }
  return std::unique_ptr<Transaction>(std::make_unique<TransactionImpl>(
      shared_from_this(), NewId(), std::move(snapshot), seq, std::move(catalog)));
}

void LedgerImpl::EndTransaction(uint64_t snapshot_seq) {
  std::lock_guard lock(mu_);
  auto it = active_snapshots_.find(snapshot_seq);
  if (it != active_snapshots_.end()) active_snapshots_.erase(it);
}

Status LedgerImpl::ValidateReadOnly(const TransactionImpl& txn) {
  // Serializing a read-only transaction before the groups being built or written right now is
  // correct, and it writes nothing to the journal.
  std::lock_guard lock(mu_);
  for (const std::string& key : txn.read_keys()) {
    auto it = last_write_.find(key);
    if (it != last_write_.end() && it->second > txn.snapshot_seq()) return OccConflict();
  }
  return Status::OK();
}

bool LedgerImpl::Enqueue(CommitRequest* request) {
  {
    std::lock_guard lock(queue_mu_);
    if (stopping_) return false;
    queue_.push_back(request);
  }
  queue_cv_.notify_one();
  return true;
}

void LedgerImpl::CommitTransactionAsync(TransactionImpl& txn, std::function<void(Status)> done) {
  if (!txn.has_writes()) {
    done(ValidateReadOnly(txn));
    return;
  }
  auto request = std::make_unique<CommitRequest>();
  request->txn = &txn;
  request->callback = std::move(done);
  if (!Enqueue(request.get())) {
    request->callback(Status::Internal("ledger is shutting down"));
    return;
  }
  request.release();  // owned by the queue until answered
}

void LedgerImpl::Answer(const std::vector<CommitRequest*>& requests) {
  for (CommitRequest* r : requests) {
    r->callback(std::move(r->result));
    delete r;
  }
}

void LedgerImpl::CommitterLoop() {
  for (;;) {
    std::vector<CommitRequest*> requests;
    std::vector<CommitRequest*> written;
    {
      std::unique_lock lock(queue_mu_);
      queue_cv_.wait(lock, [&] {
        return !queue_.empty() || !written_.empty() || (stopping_ && !writer_busy_);
      });
      written.swap(written_);
      requests.assign(queue_.begin(), queue_.end());
      queue_.clear();
      if (written.empty() && requests.empty()) return;  // stopping with nothing left
    }
    Answer(written);
    if (requests.empty()) continue;
    BuiltGroup increment = BuildGroup(requests);
    // The requests not staged (conflicts, failures) already hold their answer. Staged requests
    // keep the order of `requests`, so one pass separates them.
    std::vector<CommitRequest*> answered;
    size_t next_staged = 0;
    for (CommitRequest* r : requests) {
      if (next_staged < increment.staged.size() && increment.staged[next_staged] == r) {
        ++next_staged;
      } else {
        answered.push_back(r);
      }
    }
    if (!increment.staged.empty()) {
      bool wake_writer = false;
      std::optional<BuiltGroup> inline_group;
      {
        std::lock_guard lock(queue_mu_);
        // A lone commit with nothing else in the pipeline is written here: handing it to the
        // writer thread and back would add two thread wake-ups to its latency, and there is
        // nothing to overlap with.
        if (!writer_busy_ && open_.staged.empty() && queue_.empty() &&
            increment.staged.size() == 1) {
          writer_busy_ = true;
          journal_->StageTip(increment.tip, increment.batch);
          inline_group.emplace(std::move(increment));
        } else if (open_.staged.empty()) {
          open_ = std::move(increment);
        } else {
          open_.batch.Append(increment.batch);
          open_.staged.insert(open_.staged.end(), increment.staged.begin(),
                              increment.staged.end());
          open_.tip = std::move(increment.tip);
          if (increment.catalog) open_.catalog = std::move(increment.catalog);
          open_.last_write_seq = increment.last_write_seq;
        }
        if (!inline_group && !writer_busy_) {
          HandOver();
          wake_writer = true;
        }
      }
      if (wake_writer) write_cv_.notify_one();
      if (inline_group) {
        WriteGroup(*inline_group);  // open_ stays empty: only this thread fills it
        {
          std::lock_guard lock(queue_mu_);
          writer_busy_ = false;
        }
        answered.insert(answered.begin(), inline_group->staged.begin(), inline_group->staged.end());
      }
    }
    Answer(answered);
  }
}

void LedgerImpl::HandOver() {
  journal_->StageTip(open_.tip, open_.batch);
  writer_busy_ = true;
  pending_write_.emplace(std::move(open_));
  open_ = BuiltGroup();
}

void LedgerImpl::WriterLoop() {
  for (;;) {
    std::optional<BuiltGroup> built;
    {
      std::unique_lock lock(queue_mu_);
      write_cv_.wait(lock, [&] { return write_stop_ || pending_write_.has_value(); });
      if (!pending_write_) return;  // stopping with nothing left
      built = std::move(pending_write_);
      pending_write_.reset();
    }
    WriteGroup(*built);
    {
      std::lock_guard lock(queue_mu_);
      written_.insert(written_.end(), built->staged.begin(), built->staged.end());
      // Whatever was built during this write goes next, without waiting for the committer.
      if (!open_.staged.empty()) {
        HandOver();
      } else {
        writer_busy_ = false;
      }
    }
    queue_cv_.notify_one();
  }
}

void LedgerImpl::WriteGroup(BuiltGroup& built) {
  Status failure;
  {
    std::lock_guard lock(mu_);
    failure = write_failure_;
  }
  // Transactions beginning during the write keep using the previously published snapshot.
  if (failure.ok()) failure = store_->Write(built.batch, kv::WriteOptions{options_.sync_commits});
  std::lock_guard lock(mu_);
  if (failure.ok()) failure = journal_->Publish(built.tip);
  if (!failure.ok()) {
    if (write_failure_.ok()) write_failure_ = failure;
    for (CommitRequest* r : built.staged) r->result = failure;
    return;
  }
  write_seq_ = built.last_write_seq;
  if (built.catalog) catalog_ = std::move(built.catalog);
  published_snapshot_ = store_->NewSnapshot();
}

LedgerImpl::BuiltGroup LedgerImpl::BuildGroup(std::vector<CommitRequest*>& group) {
  BuiltGroup built;
  {
    std::lock_guard lock(mu_);
    if (!write_failure_.ok()) {
      for (CommitRequest* r : group) r->result = write_failure_;
      return built;
    }
  }
  kv::WriteBatch& batch = built.batch;
  if (!build_tip_) build_tip_ = journal_->tip();
  journal::JournalTip tip = *build_tip_;
  // Keys written by earlier members of this group, for validating later members.
  // Views of the keys in `staged` below: each member's key strings stay where they are while
  // `staged` grows (moving a vector moves its buffer, not its elements).
  std::unordered_set<std::string_view> group_writes;
  const std::shared_ptr<const CatalogState> base_catalog = build_catalog_;
  // Copied on the first table change of the group; most groups change no table.
  std::shared_ptr<CatalogState> catalog;
  auto tables = [&]() -> const std::map<std::string, TableInfo>& {
    return catalog ? catalog->tables : base_catalog->tables;
  };
  std::vector<std::pair<CommitRequest*, std::vector<std::string>>> staged;
  ion::Timestamp now = Now();
  // A member that fails after changing the catalog copy: answer it, and rebuild the copy from
  // the base plus the members staged before it.
  auto fail = [&](CommitRequest& request, Status status) {
    request.result = std::move(status);
    catalog.reset();
    for (auto& [req, keys] : staged) {
      for (const auto& [id, t] : req->txn->changed_tables()) {
        if (!catalog) catalog = std::make_shared<CatalogState>(*base_catalog);
        catalog->tables[id] = t;
      }
    }
  };

  for (CommitRequest* request : group) {
    TransactionImpl& txn = *request->txn;
    // OCC validation: nothing read may have been written after the snapshot.
    bool conflict = false;
    for (const std::string& key : txn.read_keys()) {
      auto it = last_write_.find(key);
      if ((it != last_write_.end() && it->second > txn.snapshot_seq()) || group_writes.count(key)) {
        conflict = true;
        break;
      }
    }
    if (conflict) {
      request->result = OccConflict();
      continue;
    }
    if (!txn.has_writes()) continue;  // read-only: nothing to journal

    std::vector<std::string> written;
    kv::WriteBatch txn_batch;
    journal::BlockBuilder builder(txn.id(), now);
    Status st = Status::OK();
    // Table definitions first: later document writes index under the new definitions.
    for (const auto& [table_id, table] : txn.changed_tables()) {
      if (!catalog) catalog = std::make_shared<CatalogState>(*base_catalog);
      auto previous = catalog->tables.find(table_id);
      written.push_back(OccCatalogKey());
      written.push_back(OccNameKey(table.name));
      if (previous == catalog->tables.end() || previous->second.active() != table.active()) {
        written.push_back(OccTableKey(table_id));
      }
      catalog->tables[table_id] = table;
      storage::PutTable(txn_batch, table);
      Result<Hash256> h = TableChangeHash(table);
      if (!h.ok()) {
        st = h.status();
        break;
      }
      builder.AddRevision(journal::Revision::System(*h));
    }
    // Indexes dropped: remove their entries.
    storage::StateReader latest(store_.get(), nullptr);
    for (const auto& [table_id, index] : txn.dropped_indexes()) {
      if (st.ok()) st = latest.StageIndexRemoval(table_id, index.index_id, txn_batch);
    }
    // Indexes created: entries for every live document (OCC guarantees the table did not
    // change since the snapshot, so the latest state equals the snapshot's).
    for (const auto& [table_id, index_id] : txn.created_indexes()) {
      if (!st.ok()) break;
      const TableInfo& table = tables().at(table_id);
      const storage::IndexInfo* index = table.FindIndexById(index_id);
      if (index == nullptr) continue;
      storage::StateReader reader(store_.get(), nullptr);
      st = reader.ScanCurrent(table_id, [&](Revision&& r) -> Status {
        if (txn.PendingFor(r.document_id) != nullptr) return Status::OK();  // written below
        return storage::PutIndexEntry(txn_batch, table, *index, r);
      });
    }
    // Documents.
    uint64_t sequence_no = tip.size;
    for (const std::string& doc_id : txn.document_order()) {
      if (!st.ok()) break;
      const PendingDocument& p = txn.documents().at(doc_id);
      const TableInfo& table = tables().at(p.table_id);
      journal::RevisionMetadata meta{doc_id, p.base ? static_cast<int64_t>(p.base->version) + 1 : 0,
                                     now, txn.id()};
      written.push_back(OccDocKey(doc_id));
      written.push_back(OccTableKey(p.table_id));
      for (const storage::IndexInfo& index : table.indexes) {
        for (const std::optional<Value>* data : {&p.data, p.base ? &p.base->data : nullptr}) {
          if (data == nullptr || !*data) continue;
          if (const Value* f = (*data)->Get(index.field)) {
            Result<Hash256> h = storage::IndexKeyHash(*f);
            if (h.ok()) written.push_back(OccIndexKey(table.table_id, index.field, *h));
          }
        }
      }
      // The data moves into the block, and from there into the document state below.
      journal::Revision revision = journal::Revision::User(meta, txn.TakeDocumentData(doc_id));
      revision.known_data_hash = p.data_hash;
      revision.encoded_data = p.encoded;
      builder.AddRevision(std::move(revision));
    }
    // Redaction.
    if (st.ok() && txn.redaction()) {
      const RedactionRequest& r = *txn.redaction();
      written.push_back(OccDocKey(r.document_id));
      journal::RedactionInfo info;
      info.revisions.push_back(journal::RedactedRevisionRef{
          journal::BlockAddress{strand_id_, r.sequence_no}, r.table_id, r.document_id,
          static_cast<int64_t>(r.version)});
      builder.SetRedactionInfo(std::move(info));
      Result<journal::Block> target = journal_->GetBlock(r.sequence_no);
      if (!target.ok()) {
        st = target.status();
      } else {
        std::optional<size_t> index = target->FindRevision(r.document_id);
        if (!index) {
          st = Status::NotFound("revision to redact is not in its block");
        } else {
          st = journal_->StageRedaction(r.sequence_no, *index, txn_batch);
          if (st.ok()) {
            storage::StateReader reader(store_.get(), nullptr);
            Result<std::optional<Revision>> hist = reader.GetRevision(r.table_id, r.document_id, r.version);
            if (!hist.ok()) {
              st = hist.status();
            } else if (*hist && (*hist)->data) {
              Revision redacted = **hist;
              Result<Hash256> dh = ion::IonHashSha256(*redacted.data);
              if (!dh.ok()) {
                st = dh.status();
              } else {
                redacted.data.reset();
                redacted.data_hash = *dh;
                storage::PutHistoryOnly(txn_batch, r.table_id, redacted);
              }
            }
          }
        }
      }
    }
    // The transaction info was built off this serial path (PrepareCommit) under the table
    // names the transaction saw; a table keeps its name for life.
    for (const journal::DocumentInfo& d : txn.journal_info().documents) {
      if (st.ok() && tables().at(d.table_id).name != d.table_name) {
        st = Status::Internal("table " + d.table_id + " changed its name under a commit");
      }
    }
    if (!st.ok()) {
      fail(*request, st);
      continue;
    }
    builder.SetTransactionInfo(std::move(txn.journal_info()), txn.journal_info_hash());
    journal::Block block = std::move(builder).Take();
    Result<journal::JournalTip> next = journal_->AppendBlock(tip, block, txn_batch);
    if (!next.ok()) {
      fail(*request, next.status());
      continue;
    }
    // Document state, now that the block address and revision hashes are known.
    for (journal::Revision& rev : block.revisions) {
      if (rev.is_system || !st.ok()) continue;
      const PendingDocument& p = txn.documents().at(rev.metadata.id);
      const TableInfo& table = tables().at(p.table_id);
      Revision r;
      r.strand_id = strand_id_;
      r.sequence_no = sequence_no;
      r.hash = rev.hash;
      r.data = std::move(rev.data);  // the block is encoded already
      r.encoded_data = std::move(rev.encoded_data);
      r.document_id = rev.metadata.id;
      r.version = static_cast<uint64_t>(rev.metadata.version);
      r.tx_time = now;
      r.tx_id = txn.id();
      st = storage::PutRevision(txn_batch, table, r, p.base);
    }
    if (!st.ok()) {
      fail(*request, st);
      continue;
    }
    tip = *next;
    batch.Append(txn_batch);
    staged.emplace_back(request, std::move(written));
    for (const std::string& k : staged.back().second) group_writes.insert(k);
  }

  if (staged.empty()) return built;
  build_tip_ = tip;
  if (catalog) {
    build_catalog_ = catalog;
    built.catalog = std::move(catalog);
  }
  built.tip = std::move(tip);
  std::lock_guard lock(mu_);
  for (auto& [req, keys] : staged) {
    ++next_write_seq_;
    for (std::string& k : keys) last_write_[std::move(k)] = next_write_seq_;
    built.staged.push_back(req);
  }
  built.last_write_seq = next_write_seq_;
  if (last_write_.size() > kPruneThreshold) {
    // Numbers above write_seq_ are not durable yet and stay (every snapshot is below them).
    uint64_t horizon = active_snapshots_.empty() ? write_seq_ : *active_snapshots_.begin();
    std::erase_if(last_write_, [&](const auto& kv) { return kv.second <= horizon; });
  }
  return built;
}

Result<BlockAddress> LedgerImpl::ResolveTip(const std::optional<BlockAddress>& tip) {
  journal::JournalTip current = journal_->tip();
  if (current.empty()) {
    return Status::FailedPrecondition("Ledger " + name_ + " has no journal blocks yet");
  }
  if (!tip) return BlockAddress{strand_id_, current.size - 1};
  if (tip->strand_id != strand_id_) {
    return Status::InvalidArgument("DigestTipAddress strandId does not belong to ledger " + name_);
  }
  if (tip->sequence_no >= current.size) {
    return Status::InvalidArgument("DigestTipAddress sequenceNo " + std::to_string(tip->sequence_no) +
                                   " is beyond the journal tip");
  }
  return *tip;
}

Result<DigestInfo> LedgerImpl::GetDigest() {
  FOLIO_ASSIGN_OR_RETURN(BlockAddress tip, ResolveTip(std::nullopt));
  FOLIO_ASSIGN_OR_RETURN(Hash256 digest, journal_->Digest(tip.sequence_no));
  return DigestInfo{digest, tip};
}

Result<LedgerImpl::ProvableBlock> LedgerImpl::LoadProvableBlock(
    const BlockAddress& address, const std::optional<BlockAddress>& tip) {
  if (address.strand_id != strand_id_) {
    return Status::InvalidArgument("BlockAddress strandId does not belong to ledger " + name_);
  }
  ProvableBlock out;
  if (tip) {
    FOLIO_ASSIGN_OR_RETURN(out.tip, ResolveTip(tip));
    if (address.sequence_no > out.tip->sequence_no) {
      return Status::InvalidArgument("BlockAddress is beyond the DigestTipAddress");
    }
  }
  Result<journal::Block> block = journal_->GetBlock(address.sequence_no);
  if (!block.ok()) {
    if (block.status().code() == StatusCode::kNotFound) {
      return Status::InvalidArgument("BlockAddress sequenceNo " + std::to_string(address.sequence_no) +
                                     " is beyond the journal tip");
    }
    return block.status();
  }
  out.block = std::move(block).value();
  return out;
}

Result<ProvenValue> LedgerImpl::GetBlock(const BlockAddress& address,
                                         const std::optional<BlockAddress>& tip) {
  FOLIO_ASSIGN_OR_RETURN(ProvableBlock b, LoadProvableBlock(address, tip));
  ProvenValue out{b.block.ToIon(), std::nullopt};
  if (b.tip) {
    FOLIO_ASSIGN_OR_RETURN(out.proof, journal_->BlockProof(address.sequence_no, b.tip->sequence_no));
  }
  return out;
}

Result<ProvenValue> LedgerImpl::GetRevision(const BlockAddress& address, std::string_view document_id,
                                            const std::optional<BlockAddress>& tip) {
  FOLIO_ASSIGN_OR_RETURN(ProvableBlock b, LoadProvableBlock(address, tip));
  std::optional<size_t> index = b.block.FindRevision(document_id);
  if (!index) {
    return Status::NotFound("Document " + std::string(document_id) + " has no revision in block " +
                            address.ToIonText());
  }
  ProvenValue out{b.block.revisions[*index].ToIon(), std::nullopt};
  if (b.tip) {
    FOLIO_ASSIGN_OR_RETURN(out.proof, journal_->RevisionProof(b.block, *index, b.tip->sequence_no));
  }
  return out;
}

}  // namespace folio::engine
