// Engine: the registry of ledgers in a data directory and the control-plane operations.
//
// Layout: <data_dir>/registry (kv: 'l' name -> ledger record) and <data_dir>/ledgers/<id>/
// (one kv store per ledger). A ledger is registered only after its store was created, and its
// directory is removed only after it was unregistered, so a crash leaves at worst an orphan
// directory, never a registered ledger without data.
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <regex>

#include "engine/engine.h"
#include "engine/ids.h"
#include "engine/ledger_impl.h"
#include "ion/ion.h"
#include "kv/rocks_store.h"

namespace folio::engine {
namespace {

using ion::Value;

struct LedgerRecord {
  LedgerInfo info;
  std::string id;

  Value ToIon() const {
    Value v = Value::Struct();
    v.Set("name", Value::String(info.name));
    v.Set("id", Value::String(id));
    v.Set("created", Value::Integer(ion::Int(info.creation_epoch_seconds)));
    v.Set("permissionsMode", Value::String(info.permissions_mode));
    v.Set("deletionProtection", Value::Bool(info.deletion_protection));
    Value tags = Value::Struct();
    for (const auto& [k, val] : info.tags) tags.Set(k, Value::String(val));
    v.Set("tags", std::move(tags));
    return v;
  }

  static Result<LedgerRecord> FromIon(const Value& v) {
    LedgerRecord r;
    auto text = [&](std::string_view f) -> Result<std::string> {
      const Value* x = v.Get(f);
      if (x == nullptr || x->is_null() || !x->is_text()) {
        return Status::Corruption("ledger record lacks " + std::string(f));
      }
      return std::string(x->text());
    };
    FOLIO_ASSIGN_OR_RETURN(r.info.name, text("name"));
    FOLIO_ASSIGN_OR_RETURN(r.id, text("id"));
    FOLIO_ASSIGN_OR_RETURN(r.info.permissions_mode, text("permissionsMode"));
    const Value* created = v.Get("created");
    if (created == nullptr || created->type() != ion::Type::kInt || created->is_null()) {
      return Status::Corruption("ledger record lacks created");
    }
    r.info.creation_epoch_seconds = created->as_int().ToInt64().value_or(0);
    const Value* dp = v.Get("deletionProtection");
    r.info.deletion_protection = dp != nullptr && dp->type() == ion::Type::kBool && !dp->is_null() && dp->as_bool();
    if (const Value* tags = v.Get("tags"); tags && tags->type() == ion::Type::kStruct && !tags->is_null()) {
      for (const ion::Field& f : tags->fields()) {
        if (f.name.has_text && f.value.is_text() && !f.value.is_null()) {
          r.info.tags[f.name.text] = std::string(f.value.text());
        }
      }
    }
    return r;
  }
};

Status ValidateLedgerName(std::string_view name) {
  static const std::regex kPattern("^[A-Za-z0-9-]+$");
  std::string n(name);
  bool ok = !n.empty() && n.size() <= 32 && std::regex_match(n, kPattern) &&
            n.find("--") == std::string::npos && n.front() != '-' && n.back() != '-' &&
            !std::all_of(n.begin(), n.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!ok) {
    return Status::InvalidArgument(
        "Invalid ledger name '" + n +
        "': 1-32 letters, digits and hyphens, not all digits, no leading, trailing or double hyphen");
  }
  return Status::OK();
}

class EngineImpl final : public Engine {
 public:
  explicit EngineImpl(EngineOptions options) : options_(std::move(options)) {}

  ~EngineImpl() override {
    std::lock_guard lock(mu_);
    for (auto& [name, ledger] : open_) ledger->Close();
  }

  Status Init() {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(options_.data_dir) / "ledgers", ec);
    if (ec) return Status::IOError("cannot create data directory " + options_.data_dir + ": " + ec.message());
    FOLIO_ASSIGN_OR_RETURN(auto store, kv::RocksStore::Open(
                                           (std::filesystem::path(options_.data_dir) / "registry").string()));
    registry_ = std::move(store);
    auto it = registry_->NewIterator(kv::PrefixRange("l"));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      FOLIO_ASSIGN_OR_RETURN(Value v, ion::ReadOne(AsSpan(it->value())));
      FOLIO_ASSIGN_OR_RETURN(LedgerRecord r, LedgerRecord::FromIon(v));
      r.info.arn = Arn(r.info.name);
      records_[r.info.name] = std::move(r);
    }
    return it->status();
  }

  Result<LedgerInfo> CreateLedger(const CreateLedgerParams& params) override {
    FOLIO_TRY(ValidateLedgerName(params.name));
    if (params.permissions_mode != "ALLOW_ALL" && params.permissions_mode != "STANDARD") {
      return Status::InvalidArgument("PermissionsMode must be ALLOW_ALL or STANDARD");
    }
    std::lock_guard lock(mu_);
    if (records_.count(params.name)) {
      return Status::AlreadyExists("Ledger " + params.name + " already exists");
    }
    if (records_.size() >= options_.max_ledgers) {
      return Status::LimitExceeded("The limit of " + std::to_string(options_.max_ledgers) +
                                   " active ledgers has been reached");
    }
    LedgerRecord r;
    r.id = NewId();
    r.info.name = params.name;
    r.info.arn = Arn(params.name);
    r.info.creation_epoch_seconds = std::chrono::duration_cast<std::chrono::seconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count();
    r.info.permissions_mode = params.permissions_mode;
    r.info.deletion_protection = params.deletion_protection;
    r.info.tags = params.tags;
    FOLIO_ASSIGN_OR_RETURN(auto ledger, LedgerImpl::Open(params.name, LedgerDir(r.id), true,
                                                         LedgerOptions{options_.sync_commits, options_.ledger_write_buffer_bytes}));
    FOLIO_TRY(PutRecord(r));
    open_[params.name] = std::move(ledger);
    records_[params.name] = r;
    return r.info;
  }

  Result<LedgerInfo> DescribeLedger(std::string_view name) override {
    std::lock_guard lock(mu_);
    FOLIO_ASSIGN_OR_RETURN(const LedgerRecord* r, Find(name));
    return r->info;
  }

  std::vector<LedgerInfo> ListLedgers() override {
    std::lock_guard lock(mu_);
    std::vector<LedgerInfo> out;
    for (const auto& [name, r] : records_) out.push_back(r.info);
    return out;
  }

  Result<LedgerInfo> UpdateLedger(std::string_view name, std::optional<bool> deletion_protection) override {
    std::lock_guard lock(mu_);
    FOLIO_ASSIGN_OR_RETURN(const LedgerRecord* found, Find(name));
    LedgerRecord r = *found;
    if (deletion_protection) r.info.deletion_protection = *deletion_protection;
    FOLIO_TRY(PutRecord(r));
    records_[r.info.name] = r;
    return r.info;
  }

  Status DeleteLedger(std::string_view name) override {
    std::shared_ptr<LedgerImpl> ledger;
    std::string id;
    {
      std::lock_guard lock(mu_);
      FOLIO_ASSIGN_OR_RETURN(const LedgerRecord* r, Find(name));
      if (r->info.deletion_protection) {
        return Status::FailedPrecondition("Ledger " + std::string(name) +
                                          " has deletion protection enabled; disable it with "
                                          "UpdateLedger first");
      }
      id = r->id;
      kv::WriteBatch batch;
      batch.Delete("l" + std::string(name));
      FOLIO_TRY(registry_->Write(batch));
      records_.erase(std::string(name));
      auto it = open_.find(std::string(name));
      if (it != open_.end()) {
        ledger = std::move(it->second);
        open_.erase(it);
      }
    }
    if (ledger) ledger->Close();
    ledger.reset();
    std::error_code ec;
    std::filesystem::remove_all(LedgerDir(id), ec);  // an orphan directory is harmless
    return Status::OK();
  }

  Result<std::shared_ptr<Ledger>> GetLedger(std::string_view name) override {
    FOLIO_ASSIGN_OR_RETURN(auto ledger, OpenLedger(name));
    return std::shared_ptr<Ledger>(std::move(ledger));
  }

  Result<DigestInfo> GetDigest(std::string_view name) override {
    FOLIO_ASSIGN_OR_RETURN(auto ledger, OpenLedger(name));
    return ledger->GetDigest();
  }

  Result<ProvenValue> GetBlock(std::string_view name, const BlockAddress& address,
                               const std::optional<BlockAddress>& tip) override {
    FOLIO_ASSIGN_OR_RETURN(auto ledger, OpenLedger(name));
    return ledger->GetBlock(address, tip);
  }

  Result<ProvenValue> GetRevision(std::string_view name, const BlockAddress& address,
                                  std::string_view document_id,
                                  const std::optional<BlockAddress>& tip) override {
    FOLIO_ASSIGN_OR_RETURN(auto ledger, OpenLedger(name));
    return ledger->GetRevision(address, document_id, tip);
  }

  Status TagResource(std::string_view arn, const std::map<std::string, std::string>& tags) override {
    std::lock_guard lock(mu_);
    FOLIO_ASSIGN_OR_RETURN(LedgerRecord * r, FindByArn(arn));
    LedgerRecord updated = *r;
    for (const auto& [k, v] : tags) updated.info.tags[k] = v;
    if (updated.info.tags.size() > 200) return Status::LimitExceeded("A resource can have at most 200 tags");
    FOLIO_TRY(PutRecord(updated));
    *r = std::move(updated);
    return Status::OK();
  }

  Status UntagResource(std::string_view arn, std::span<const std::string> keys) override {
    std::lock_guard lock(mu_);
    FOLIO_ASSIGN_OR_RETURN(LedgerRecord * r, FindByArn(arn));
    LedgerRecord updated = *r;
    for (const std::string& k : keys) updated.info.tags.erase(k);
    FOLIO_TRY(PutRecord(updated));
    *r = std::move(updated);
    return Status::OK();
  }

  Result<std::map<std::string, std::string>> ListTags(std::string_view arn) override {
    std::lock_guard lock(mu_);
    FOLIO_ASSIGN_OR_RETURN(LedgerRecord * r, FindByArn(arn));
    return r->info.tags;
  }

 private:
  std::string Arn(std::string_view name) const {
    return "arn:aws:qldb:" + options_.region + ":" + options_.account_id + ":ledger/" + std::string(name);
  }
  std::string LedgerDir(std::string_view id) const {
    return (std::filesystem::path(options_.data_dir) / "ledgers" / std::string(id)).string();
  }

  Result<const LedgerRecord*> Find(std::string_view name) {
    auto it = records_.find(std::string(name));
    if (it == records_.end()) return Status::NotFound("Ledger " + std::string(name) + " does not exist");
    return &it->second;
  }

  Result<LedgerRecord*> FindByArn(std::string_view arn) {
    for (auto& [name, r] : records_) {
      if (r.info.arn == arn) return &r;
    }
    return Status::NotFound("No ledger with ARN " + std::string(arn));
  }

  Status PutRecord(const LedgerRecord& r) {
    kv::WriteBatch batch;
    Bytes b = ion::WriteBinary(r.ToIon());
    batch.Put("l" + r.info.name, AsStringView(b));
    return registry_->Write(batch);
  }

  Result<std::shared_ptr<LedgerImpl>> OpenLedger(std::string_view name) {
    std::lock_guard lock(mu_);
    FOLIO_ASSIGN_OR_RETURN(const LedgerRecord* r, Find(name));
    auto it = open_.find(std::string(name));
    if (it != open_.end()) return it->second;
    FOLIO_ASSIGN_OR_RETURN(auto ledger, LedgerImpl::Open(std::string(name), LedgerDir(r->id), false,
                                                         LedgerOptions{options_.sync_commits, options_.ledger_write_buffer_bytes}));
    open_[std::string(name)] = ledger;
    return ledger;
  }

  const EngineOptions options_;
  std::mutex mu_;
  std::unique_ptr<kv::Store> registry_;
  std::map<std::string, LedgerRecord> records_;
  std::map<std::string, std::shared_ptr<LedgerImpl>> open_;
};

}  // namespace

Result<std::unique_ptr<Engine>> Engine::Open(const EngineOptions& options) {
  if (options.data_dir.empty()) return Status::InvalidArgument("EngineOptions.data_dir is required");
  auto engine = std::make_unique<EngineImpl>(options);
  FOLIO_TRY(engine->Init());
  return std::unique_ptr<Engine>(std::move(engine));
}

Result<BlockAddress> BlockAddress::FromIon(const Value& v) {
  if (v.type() != ion::Type::kStruct || v.is_null()) {
    return Status::InvalidArgument("A block address must be a struct {strandId, sequenceNo}");
  }
  const Value* strand = v.Get("strandId");
  const Value* seq = v.Get("sequenceNo");
  if (strand == nullptr || strand->is_null() || strand->type() != ion::Type::kString) {
    return Status::InvalidArgument("Block address strandId must be a string");
  }
  if (seq == nullptr || seq->is_null() || seq->type() != ion::Type::kInt || !seq->as_int().ToInt64() ||
      *seq->as_int().ToInt64() < 0) {
    return Status::InvalidArgument("Block address sequenceNo must be a non-negative int");
  }
  return BlockAddress{strand->as_string(), static_cast<uint64_t>(*seq->as_int().ToInt64())};
}

Value BlockAddress::ToIon() const {
  Value v = Value::Struct();
  v.Set("strandId", Value::String(strand_id));
  v.Set("sequenceNo", Value::Integer(ion::Int(static_cast<int64_t>(sequence_no))));
  return v;
}

std::string BlockAddress::ToIonText() const {
  return "{strandId:\"" + strand_id + "\",sequenceNo:" + std::to_string(sequence_no) + "}";
}

}  // namespace folio::engine
