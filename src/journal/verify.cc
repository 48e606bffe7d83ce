#include "journal/verify.h"

#include <vector>

#include "common/bytes.h"
#include "ion/ion.h"
#include "journal/hash.h"
#include "journal/journal.h"

namespace folio::journal {
namespace {

uint64_t ReadU64(std::string_view in) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(in[i]);
  return v;
}

std::string Hex(const Hash256& h) { return HexEncode(h); }

class Verifier {
 public:
  Verifier(kv::Store& store, const std::string& prefix, const VerifyOptions& options)
      : store_(store), prefix_(prefix), options_(options), snap_(store.NewSnapshot()) {}

  Result<VerifyReport> Run() {
    uint64_t expected_total = 0;
    std::optional<TipRecord> tip;
    auto rec = store_.Get(prefix_ + "T", {.snapshot = snap_.get()});
    if (rec.ok()) {
      auto decoded = DecodeTipRecord(*rec);
      if (!decoded.ok()) return decoded.status();
      tip = *decoded;
      expected_total = tip->size;
    } else if (rec.status().code() != StatusCode::kNotFound) {
      return rec.status();
    }

    auto it = store_.NewIterator(kv::PrefixRange(prefix_ + "B", snap_.get()));
    const size_t key_len = prefix_.size() + 1 + 8;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const uint64_t seq = report_.blocks;
      const std::string where = "block " + std::to_string(seq) + ": ";
      if (it->key().size() != key_len) {
        return Status::Corruption(where + "malformed block key");
      }
      uint64_t key_seq = ReadU64(it->key().substr(prefix_.size() + 1));
      if (key_seq != seq) {
        return Status::Corruption(where + "missing (next stored block is " +
                                  std::to_string(key_seq) + ")");
      }
      auto value = ion::ReadOne(AsSpan(it->value()));
      if (!value.ok())
        return Status::Corruption(where + "unreadable Ion: " + value.status().message());
      auto block = Block::FromIon(*value);
      if (!block.ok()) return Status::Corruption(where + block.status().message());
      FOLIO_TRY(CheckBlock(*block, seq));
      if (options_.on_block) FOLIO_TRY(options_.on_block(*block));
      ++report_.blocks;
      if (options_.on_progress) options_.on_progress(report_.blocks, expected_total);
    }
    FOLIO_TRY(it->status());
    FOLIO_TRY(CheckEnd(tip));
    return report_;
  }

 private:
  Status CheckBlock(const Block& b, uint64_t seq) {
    const std::string where = "block " + std::to_string(seq) + ": ";
    if (b.address.sequence_no != seq) {
      return Status::Corruption(where + "blockAddress.sequenceNo: expected " + std::to_string(seq) +
                                ", stored " + std::to_string(b.address.sequence_no));
    }
    if (seq == 0) {
      report_.strand_id = b.address.strand_id;
    } else if (b.address.strand_id != report_.strand_id) {
      return Status::Corruption(where + "blockAddress.strandId: expected " + report_.strand_id +
                                ", stored " + b.address.strand_id);
    }
    FOLIO_TRY(VerifyBlockHashes(b));
    if (seq == 0) {
      if (b.previous_block_hash) {
        return Status::Corruption(where + "previousBlockHash: expected empty, stored " +
                                  Hex(*b.previous_block_hash));
      }
    } else if (!b.previous_block_hash || *b.previous_block_hash != *report_.last_block_hash) {
      return Status::Corruption(
          where + "previousBlockHash: expected " + Hex(*report_.last_block_hash) + ", stored " +
          (b.previous_block_hash ? Hex(*b.previous_block_hash) : std::string("empty")));
    }
    for (const auto& r : b.revisions)
      ++(r.is_system ? report_.system_revisions : report_.user_revisions);
    report_.last_block_hash = b.block_hash;

    // Extend the accumulator and compare each node it completes with the stored one.
    Hash256 carry = b.block_hash;
    uint8_t level = 0;
    uint64_t index = seq;
    FOLIO_TRY(CheckNode(level, index, carry, seq));
    while (!peaks_.empty() && peaks_.back().first == level) {
      carry = Dot(peaks_.back().second, carry);
      peaks_.pop_back();
      ++level;
      index >>= 1;
      FOLIO_TRY(CheckNode(level, index, carry, seq));
    }
    peaks_.emplace_back(level, carry);
    ++nodes_;
    return Status::OK();
  }

  Status CheckNode(uint8_t level, uint64_t index, const Hash256& expected, uint64_t seq) {
    std::string key = prefix_ + "M";
    key.push_back(static_cast<char>(level));
    for (int i = 7; i >= 0; --i) key.push_back(static_cast<char>((index >> (8 * i)) & 0xFF));
    auto v = store_.Get(key, {.snapshot = snap_.get()});
    const std::string what = "block " + std::to_string(seq) + ": Merkle node (" +
                             std::to_string(level) + ", " + std::to_string(index) + ")";
    if (!v.ok()) {
      if (v.status().code() == StatusCode::kNotFound) return Status::Corruption(what + " missing");
      return v.status();
    }
    if (AsSpan(*v).size() != 32 || !std::equal(expected.begin(), expected.end(),
                                               reinterpret_cast<const uint8_t*>(v->data()))) {
      return Status::Corruption(what + ": expected " + Hex(expected) + ", stored " +
                                HexEncode(AsSpan(*v)));
    }
    if (level > 0) ++nodes_;
    return Status::OK();
  }

  Status CheckEnd(const std::optional<TipRecord>& tip) {
    const uint64_t n = report_.blocks;
    if (!tip) {
      if (n != 0)
        return Status::Corruption("journal: " + std::to_string(n) + " blocks but no tip record");
    } else {
      if (tip->size != n) {
        return Status::Corruption("journal tip record: expected " + std::to_string(n) +
                                  " blocks, stored " + std::to_string(tip->size));
      }
      if (tip->last_block_hash != *report_.last_block_hash) {
        return Status::Corruption("journal tip record: last block hash: expected " +
                                  Hex(*report_.last_block_hash) + ", stored " +
                                  Hex(tip->last_block_hash));
      }
      if (tip->strand_id != report_.strand_id) {
        return Status::Corruption("journal tip record: strand id: expected " + report_.strand_id +
                                  ", stored " + tip->strand_id);
      }
    }
    // No Merkle node beyond those the replay produced.
    uint64_t stored = 0;
    auto it = store_.NewIterator(kv::PrefixRange(prefix_ + "M", snap_.get()));
    for (it->SeekToFirst(); it->Valid(); it->Next()) ++stored;
    FOLIO_TRY(it->status());
    if (stored != nodes_) {
      return Status::Corruption("journal: " + std::to_string(stored) + " Merkle nodes stored, " +
                                std::to_string(nodes_) + " expected for " + std::to_string(n) +
                                " blocks");
    }
    if (!peaks_.empty()) {
      std::vector<Hash256> h;
      for (const auto& p : peaks_) h.push_back(p.second);
      Hash256 acc = h.back();
      for (size_t i = h.size() - 1; i-- > 0;) acc = Dot(h[i], acc);
      report_.digest = acc;
    }
    return Status::OK();
  }

  kv::Store& store_;
  const std::string& prefix_;
  const VerifyOptions& options_;
  std::unique_ptr<kv::Snapshot> snap_;
  VerifyReport report_;
  std::vector<std::pair<uint8_t, Hash256>> peaks_;
  uint64_t nodes_ = 0;  // nodes the replay expects to be stored
};

}  // namespace

Result<VerifyReport> VerifyJournal(kv::Store& store, const std::string& key_prefix,
                                   const VerifyOptions& options) {
  Verifier v(store, key_prefix, options);
  return v.Run();
}

}  // namespace folio::journal
