#include "engine/verify.h"

#include <filesystem>
#include <map>
#include <set>
#include <tuple>

#include "common/bytes.h"
#include "ion/ion.h"
#include "kv/rocks_store.h"
#include "storage/schema.h"
#include "storage/state.h"

namespace folio::engine {
namespace {

using storage::Revision;
using storage::TableInfo;

// What the journal says about one revision.
struct ReplayedRevision {
  uint64_t sequence_no;
  Hash256 hash;
  std::optional<Hash256> data_hash;  // H(data) or the journal's dataHash; nullopt for deletion
  Hash256 record_hash;               // Ion hash of the whole committed-view record
};

// The committed-view record indexed storage must hold for a journal revision.
Result<Hash256> ExpectedRecordHash(const journal::Revision& r, const std::string& strand) {
  Revision rec;
  rec.strand_id = strand;
  rec.sequence_no = r.block_address.sequence_no;
  rec.hash = r.hash;
  rec.data = r.data;
  rec.data_hash = r.data_hash;
  rec.document_id = r.metadata.id;
  rec.version = static_cast<uint64_t>(r.metadata.version);
  rec.tx_time = r.metadata.tx_time;
  rec.tx_id = r.metadata.tx_id;
  return ion::IonHashSha256(rec.ToIon());
}

using DocKey = std::pair<std::string, std::string>;  // (table id, document id)

std::string Hex(const Hash256& h) { return HexEncode(h); }

}  // namespace

Result<LedgerVerifyReport> VerifyLedgerStore(kv::Store& store,
                                             const std::function<void(uint64_t, uint64_t)>& progress) {
  FOLIO_ASSIGN_OR_RETURN(std::optional<std::string> format, storage::ReadDataFormat(store));
  if (!format) {
    return Status::FailedPrecondition(
        "the ledger predates data format " + std::string(storage::kDataFormat) +
        "; this build's server upgrades it the first time a request uses the ledger, then "
        "verify again");
  }
  if (*format != storage::kDataFormat) {
    return Status::FailedPrecondition("the ledger has data format " + *format +
                                      "; this build verifies format " +
                                      std::string(storage::kDataFormat));
  }
  LedgerVerifyReport report;
  std::map<std::tuple<std::string, std::string, int64_t>, ReplayedRevision> history;
  std::map<DocKey, int64_t> latest;  // latest version per document
  std::set<Hash256> system_hashes;

  journal::VerifyOptions options;
  options.on_progress = progress;
  options.on_block = [&](const journal::Block& block) -> Status {
    std::map<std::string, std::string> table_of;
    for (const journal::DocumentInfo& d : block.transaction_info.documents) {
      table_of[d.document_id] = d.table_id;
    }
    for (const journal::Revision& r : block.revisions) {
      if (r.is_system) {
        system_hashes.insert(r.hash);
        continue;
      }
      auto t = table_of.find(r.metadata.id);
      if (t == table_of.end()) {
        return Status::Corruption("block " + std::to_string(block.address.sequence_no) +
                                  ": revision of document " + r.metadata.id +
                                  " is missing from transactionInfo.documents");
      }
      FOLIO_ASSIGN_OR_RETURN(Hash256 record_hash, ExpectedRecordHash(r, block.address.strand_id));
      ReplayedRevision rr{block.address.sequence_no, r.hash, std::nullopt, record_hash};
      if (r.data) {
        FOLIO_ASSIGN_OR_RETURN(Hash256 dh, ion::IonHashSha256(*r.data));
        rr.data_hash = dh;
      } else if (r.data_hash) {
        rr.data_hash = *r.data_hash;
      }
      history[{t->second, r.metadata.id, r.metadata.version}] = rr;
      int64_t& v = latest[{t->second, r.metadata.id}];
      v = std::max(v, r.metadata.version);
    }
    return Status::OK();
  };
  FOLIO_ASSIGN_OR_RETURN(report.journal,
                         journal::VerifyJournal(store, storage::keys::JournalPrefix(), options));

  auto snapshot = store.NewSnapshot();
  storage::StateReader reader(&store, snapshot.get());
  FOLIO_ASSIGN_OR_RETURN(std::vector<TableInfo> tables, reader.ListTables());
  report.tables = tables.size();
  std::set<std::string> table_ids;
  for (const TableInfo& t : tables) {
    table_ids.insert(t.table_id);
    FOLIO_ASSIGN_OR_RETURN(Hash256 h, ion::IonHashSha256(t.ToIon()));
    if (!system_hashes.count(h)) {
      return Status::Corruption("table " + t.table_id + " (" + t.name +
                                "): stored definition matches no DDL revision in the journal");
    }
  }

  // History: every stored revision is in the journal with the same hash and data.
  size_t history_seen = 0;
  for (const TableInfo& t : tables) {
    FOLIO_TRY(reader.ScanHistory(t.table_id, std::nullopt, [&](Revision&& r) -> Status {
      ++history_seen;
      auto it = history.find({t.table_id, r.document_id, static_cast<int64_t>(r.version)});
      std::string where = "history of document " + r.document_id + " version " +
                          std::to_string(r.version) + " in table " + t.name;
      if (it == history.end()) return Status::Corruption(where + ": not in the journal");
      const ReplayedRevision& rr = it->second;
      if (rr.sequence_no != r.sequence_no) {
        return Status::Corruption(where + ": blockAddress.sequenceNo " + std::to_string(r.sequence_no) +
                                  ", journal has " + std::to_string(rr.sequence_no));
      }
      if (rr.hash != r.hash) {
        return Status::Corruption(where + ": hash " + Hex(r.hash) + ", journal has " + Hex(rr.hash));
      }
      std::optional<Hash256> stored_dh;
      if (r.data) {
        FOLIO_ASSIGN_OR_RETURN(Hash256 dh, ion::IonHashSha256(*r.data));
        stored_dh = dh;
      } else if (r.data_hash) {
        stored_dh = r.data_hash;
      }
      if (stored_dh != rr.data_hash) {
        return Status::Corruption(where + ": data does not match the journal's revision");
      }
      FOLIO_ASSIGN_OR_RETURN(Hash256 record, ion::IonHashSha256(r.ToIon()));
      if (record != rr.record_hash) {
        return Status::Corruption(where + ": metadata or address differs from the journal's revision");
      }
      return Status::OK();
    }));
  }
  if (history_seen != history.size()) {
    return Status::Corruption("indexed storage holds " + std::to_string(history_seen) +
                              " revisions; the journal has " + std::to_string(history.size()));
  }
  report.revisions = history_seen;

  // Current documents: exactly the latest non-deleted revision of each document.
  std::map<DocKey, Hash256> live;
  for (const auto& [key, version] : latest) {
    const ReplayedRevision& rr = history.at({key.first, key.second, version});
    if (rr.data_hash) live[key] = rr.hash;
  }
  size_t current_seen = 0;
  for (const TableInfo& t : tables) {
    FOLIO_TRY(reader.ScanCurrent(t.table_id, [&](Revision&& r) -> Status {
      ++current_seen;
      auto it = live.find({t.table_id, r.document_id});
      if (it == live.end() || it->second != r.hash ||
          static_cast<int64_t>(r.version) != latest.at({t.table_id, r.document_id})) {
        return Status::Corruption("current document " + r.document_id + " in table " + t.name +
                                  " is not the journal's latest revision");
      }
      if (!r.data) return Status::Corruption("current document " + r.document_id + " has no data");
      FOLIO_ASSIGN_OR_RETURN(Hash256 dh, ion::IonHashSha256(*r.data));
      const ReplayedRevision& rr = history.at({t.table_id, r.document_id, static_cast<int64_t>(r.version)});
      if (rr.data_hash != dh) {
        return Status::Corruption("current document " + r.document_id + " in table " + t.name +
                                  ": data does not match the journal");
      }
      FOLIO_ASSIGN_OR_RETURN(Hash256 record, ion::IonHashSha256(r.ToIon()));
      if (record != rr.record_hash) {
        return Status::Corruption("current document " + r.document_id + " in table " + t.name +
                                  ": metadata or address differs from the journal's revision");
      }
      // Every index entry the document should have.
      for (const storage::IndexInfo& index : t.indexes) {
        const ion::Value* f = r.data->Get(index.field);
        if (f == nullptr) continue;
        FOLIO_ASSIGN_OR_RETURN(Hash256 kh, storage::IndexKeyHash(*f));
        Result<std::string> entry = store.Get(
            storage::keys::Index(t.table_id, index.index_id, kh, r.document_id), {snapshot.get()});
        if (!entry.ok()) {
          return Status::Corruption("index " + index.index_id + " on " + t.name + "." + index.field +
                                    " lacks the entry of document " + r.document_id);
        }
      }
      return Status::OK();
    }));
  }
  if (current_seen != live.size()) {
    return Status::Corruption("indexed storage holds " + std::to_string(current_seen) +
                              " current documents; the journal implies " + std::to_string(live.size()));
  }
  report.documents = current_seen;

  // Every index entry belongs to a live document whose field hashes to the entry's key.
  auto it = store.NewIterator(kv::PrefixRange("x", snapshot.get()));
  std::map<std::string, const TableInfo*> by_id;
  for (const TableInfo& t : tables) by_id[t.table_id] = &t;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string_view k = it->key();
    ++report.index_entries;
    if (k.size() != 1 + 22 + 22 + 32 + 22) return Status::Corruption("malformed index key");
    std::string table_id(k.substr(1, 22)), index_id(k.substr(23, 22)), doc_id(k.substr(77, 22));
    auto t = by_id.find(table_id);
    const storage::IndexInfo* index = t == by_id.end() ? nullptr : t->second->FindIndexById(index_id);
    if (index == nullptr) {
      return Status::Corruption("index entry for unknown index " + index_id + " of table " + table_id);
    }
    FOLIO_ASSIGN_OR_RETURN(std::optional<Revision> current, reader.GetCurrent(table_id, doc_id));
    const ion::Value* f = current && current->data ? current->data->Get(index->field) : nullptr;
    Hash256 key_hash;
    std::copy(k.begin() + 45, k.begin() + 77, key_hash.begin());
    if (f == nullptr || storage::IndexKeyHash(*f).value_or(Hash256{}) != key_hash) {
      return Status::Corruption("index " + index_id + " on " + t->second->name + "." + index->field +
                                " has a stale entry for document " + doc_id);
    }
  }
  FOLIO_TRY(it->status());
  return report;
}

Result<DataDirVerifyReport> VerifyDataDir(
    const std::string& data_dir,
    const std::function<void(const std::string&, uint64_t, uint64_t)>& progress) {
  namespace fs = std::filesystem;
  if (!fs::exists(fs::path(data_dir) / "registry")) {
    return Status::NotFound(data_dir + " is not a Folio data directory (no registry)");
  }
  FOLIO_ASSIGN_OR_RETURN(auto registry, kv::RocksStore::Open((fs::path(data_dir) / "registry").string()));
  DataDirVerifyReport out;
  auto it = registry->NewIterator(kv::PrefixRange("l"));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    FOLIO_ASSIGN_OR_RETURN(ion::Value record, ion::ReadOne(AsSpan(it->value())));
    const ion::Value* name = record.Get("name");
    const ion::Value* id = record.Get("id");
    if (name == nullptr || id == nullptr || !name->is_text() || !id->is_text()) {
      return Status::Corruption("malformed ledger registry record");
    }
    std::string ledger(name->text());
    FOLIO_ASSIGN_OR_RETURN(auto store, kv::RocksStore::Open(
                                           (fs::path(data_dir) / "ledgers" / std::string(id->text())).string()));
    Result<LedgerVerifyReport> r = VerifyLedgerStore(*store, [&](uint64_t done, uint64_t total) {
      if (progress) progress(ledger, done, total);
    });
    if (!r.ok()) return r.status().WithContext("ledger " + ledger);
    out.ledgers.emplace_back(ledger, std::move(r).value());
  }
  FOLIO_TRY(it->status());
  return out;
}

}  // namespace folio::engine
