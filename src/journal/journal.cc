#include "journal/journal.h"

#include <algorithm>
#include <bit>
#include <map>

#include "ion/ion.h"
#include "journal/hash.h"

namespace folio::journal {
namespace {

void PutU64(std::string& out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

uint64_t GetU64(std::string_view in) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(in[i]);
  return v;
}

// Right fold with Dot: MTH of the range those complete subtrees cover, leftmost first.
Hash256 FoldRight(std::span<const Hash256> nodes) {
  Hash256 acc = nodes.back();
  for (size_t i = nodes.size() - 1; i-- > 0;) acc = Dot(nodes[i], acc);
  return acc;
}

// Complete subtrees covering [start, start+count), leftmost first. Requires `start` aligned to
// the largest power of two in `count` (always true inside an RFC 6962 tree).
void RangeIds(uint64_t start, uint64_t count, std::vector<std::pair<uint8_t, uint64_t>>& out) {
  for (int l = 63; l >= 0; --l) {
    uint64_t bit = uint64_t{1} << l;
    if ((count & bit) == 0) continue;
    out.emplace_back(static_cast<uint8_t>(l), start >> l);
    start += bit;
  }
}

}  // namespace

std::vector<std::pair<uint8_t, uint64_t>> PeakIds(uint64_t size) {
  std::vector<std::pair<uint8_t, uint64_t>> out;
  RangeIds(0, size, out);
  return out;
}

std::optional<Hash256> JournalTip::Digest() const {
  if (peaks.empty()) return std::nullopt;
  std::vector<Hash256> h;
  h.reserve(peaks.size());
  for (const auto& p : peaks) h.push_back(p.second);
  return FoldRight(h);
}

std::string EncodeTipRecord(const JournalTip& tip, std::string_view strand_id) {
  std::string out;
  PutU64(out, tip.size);
  Hash256 h = tip.last_block_hash.value_or(Hash256{});
  out.append(reinterpret_cast<const char*>(h.data()), h.size());
  out.append(strand_id);
  return out;
}

Result<TipRecord> DecodeTipRecord(std::string_view bytes) {
  if (bytes.size() < 40) return Status::Corruption("journal tip record: truncated");
  TipRecord r;
  r.size = GetU64(bytes);
  std::copy(bytes.begin() + 8, bytes.begin() + 40, r.last_block_hash.begin());
  r.strand_id = std::string(bytes.substr(40));
  if (r.size == 0) return Status::Corruption("journal tip record: zero size");
  return r;
}

Journal::Journal(kv::Store& store, std::string prefix, std::string strand_id, JournalTip tip)
    : store_(store),
      prefix_(std::move(prefix)),
      strand_id_(std::move(strand_id)),
      tip_(std::move(tip)) {}

std::string Journal::BlockKey(uint64_t seq) const {
  std::string k = prefix_;
  k.push_back('B');
  PutU64(k, seq);
  return k;
}

std::string Journal::NodeKey(uint8_t level, uint64_t index) const {
  std::string k = prefix_;
  k.push_back('M');
  k.push_back(static_cast<char>(level));
  PutU64(k, index);
  return k;
}

std::string Journal::TipKey() const { return prefix_ + "T"; }

Result<std::unique_ptr<Journal>> Journal::Open(kv::Store& store, std::string key_prefix,
                                               std::string strand_id) {
  if (strand_id.size() != 22 || !std::all_of(strand_id.begin(), strand_id.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      })) {
    return Status::InvalidArgument("strand id must be 22 Base62 characters");
  }
  std::unique_ptr<Journal> j(new Journal(store, std::move(key_prefix), std::move(strand_id), {}));
  auto rec_bytes = store.Get(j->TipKey());
  if (!rec_bytes.ok()) {
    if (rec_bytes.status().code() != StatusCode::kNotFound) return rec_bytes.status();
    auto first = store.Get(j->BlockKey(0));
    if (first.ok()) return Status::Corruption("journal: blocks present but no tip record");
    if (first.status().code() != StatusCode::kNotFound) return first.status();
    return j;
  }
  FOLIO_ASSIGN_OR_RETURN(TipRecord rec, DecodeTipRecord(*rec_bytes));
  if (rec.strand_id != j->strand_id_) {
    return Status::FailedPrecondition("journal: stored strand id " + rec.strand_id +
                                      " differs from " + j->strand_id_);
  }
  auto ids = PeakIds(rec.size);
  FOLIO_ASSIGN_OR_RETURN(std::vector<Hash256> peaks, j->ReadNodes(ids));
  JournalTip tip;
  tip.size = rec.size;
  tip.last_block_hash = rec.last_block_hash;
  for (size_t i = 0; i < ids.size(); ++i) tip.peaks.emplace_back(ids[i].first, peaks[i]);
  std::vector<std::pair<uint8_t, uint64_t>> last = {{0, rec.size - 1}};
  FOLIO_ASSIGN_OR_RETURN(std::vector<Hash256> leaf, j->ReadNodes(last));
  if (leaf[0] != rec.last_block_hash) {
    return Status::Corruption("journal: tip record's last block hash differs from Merkle leaf " +
                              std::to_string(rec.size - 1));
  }
  auto have_last = store.Get(j->BlockKey(rec.size - 1));
  if (!have_last.ok()) {
    return have_last.status().code() == StatusCode::kNotFound
               ? Status::Corruption("journal: tip block " + std::to_string(rec.size - 1) +
                                    " is missing")
               : have_last.status();
  }
  auto beyond = store.Get(j->BlockKey(rec.size));
  if (beyond.ok()) {
    return Status::Corruption("journal: block " + std::to_string(rec.size) +
                              " exists beyond the tip record");
  }
  if (beyond.status().code() != StatusCode::kNotFound) return beyond.status();
  j->tip_ = std::move(tip);
  return j;
}

JournalTip Journal::tip() const {
  std::lock_guard lock(mu_);
  return tip_;
}

Result<JournalTip> Journal::Append(const JournalTip& base, Block& block,
                                   kv::WriteBatch& batch) const {
  FOLIO_ASSIGN_OR_RETURN(JournalTip t, AppendBlock(base, block, batch));
  StageTip(t, batch);
  return t;
}

void Journal::StageTip(const JournalTip& tip, kv::WriteBatch& batch) const {
  batch.Put(TipKey(), EncodeTipRecord(tip, strand_id_));
}

Result<JournalTip> Journal::AppendBlock(const JournalTip& base, Block& block,
                                        kv::WriteBatch& batch) const {
  const uint64_t seq = base.size;
  FOLIO_TRY(SealBlock(block, BlockAddress{strand_id_, seq}, base.last_block_hash));
  Bytes bytes = EncodeBlock(block);
  batch.Put(BlockKey(seq), AsStringView(bytes));

  JournalTip t = base;
  Hash256 carry = block.block_hash;
  uint8_t level = 0;
  uint64_t index = seq;
  batch.Put(NodeKey(0, index), AsStringView(carry));
  while (!t.peaks.empty() && t.peaks.back().first == level) {
    carry = Dot(t.peaks.back().second, carry);
    t.peaks.pop_back();
    ++level;
    index >>= 1;
    batch.Put(NodeKey(level, index), AsStringView(carry));
  }
  t.peaks.emplace_back(level, carry);
  t.size = seq + 1;
  t.last_block_hash = block.block_hash;
  return t;
}

Status Journal::Publish(const JournalTip& tip) {
  std::lock_guard lock(mu_);
  if (tip.size <= tip_.size) {
    return Status::FailedPrecondition("journal: published tip " + std::to_string(tip_.size) +
                                      " is not behind " + std::to_string(tip.size));
  }
  tip_ = tip;
  return Status::OK();
}

Status Journal::CheckTip(uint64_t tip_seq) const {
  std::lock_guard lock(mu_);
  if (tip_.size == 0 || tip_seq >= tip_.size) {
    return Status::NotFound("sequence number " + std::to_string(tip_seq) +
                            " is beyond the journal tip");
  }
  return Status::OK();
}

Result<std::string> Journal::GetBlockBytes(uint64_t seq) const {
  FOLIO_TRY(CheckTip(seq));
  auto r = store_.Get(BlockKey(seq));
  if (!r.ok() && r.status().code() == StatusCode::kNotFound) {
    return Status::Corruption("journal: block " + std::to_string(seq) + " is missing");
  }
  return r;
}

Result<Block> Journal::GetBlock(uint64_t seq) const {
  FOLIO_ASSIGN_OR_RETURN(std::string bytes, GetBlockBytes(seq));
  auto v = ion::ReadOne(AsSpan(bytes));
  if (!v.ok()) {
    return Status::Corruption("journal: block " + std::to_string(seq) + ": " +
                              v.status().message());
  }
  FOLIO_ASSIGN_OR_RETURN(Block b, Block::FromIon(*v));
  if (b.address.sequence_no != seq || b.address.strand_id != strand_id_) {
    return Status::Corruption("journal: block stored at " + std::to_string(seq) +
                              " has a different address");
  }
  return b;
}

Result<std::vector<Hash256>> Journal::ReadNodes(
    const std::vector<std::pair<uint8_t, uint64_t>>& ids) const {
  std::vector<std::string> keys;
  keys.reserve(ids.size());
  for (const auto& [l, i] : ids) keys.push_back(NodeKey(l, i));
  auto values = store_.MultiGet(keys);
  std::vector<Hash256> out;
  out.reserve(ids.size());
  for (size_t k = 0; k < ids.size(); ++k) {
    const std::string node = "journal: Merkle node (" + std::to_string(ids[k].first) + ", " +
                             std::to_string(ids[k].second) + ")";
    if (!values[k].ok()) {
      if (values[k].status().code() == StatusCode::kNotFound) {
        return Status::Corruption(node + " is missing");
      }
      return values[k].status();
    }
    auto h = ToHash256(AsSpan(*values[k]));
    if (!h.ok()) return Status::Corruption(node + " is not 32 bytes");
    out.push_back(*h);
  }
  return out;
}

Result<Hash256> Journal::Digest(uint64_t tip_seq) const {
  {
    std::lock_guard lock(mu_);
    if (tip_.size > 0 && tip_seq == tip_.size - 1) return *tip_.Digest();
  }
  FOLIO_TRY(CheckTip(tip_seq));
  FOLIO_ASSIGN_OR_RETURN(std::vector<Hash256> peaks, ReadNodes(PeakIds(tip_seq + 1)));
  return FoldRight(peaks);
}

Result<std::vector<Hash256>> Journal::BlockProof(uint64_t seq, uint64_t tip_seq) const {
  FOLIO_TRY(CheckTip(tip_seq));
  if (seq > tip_seq) {
    return Status::InvalidArgument("block " + std::to_string(seq) + " is beyond the digest tip " +
                                   std::to_string(tip_seq));
  }
  // Walk the RFC 6962 recursion top-down; each sibling is the right fold of complete subtrees.
  std::vector<std::vector<std::pair<uint8_t, uint64_t>>> siblings;
  uint64_t lo = 0, size = tip_seq + 1, m = seq;
  while (size > 1) {
    uint64_t k = LargestPowerOfTwoBelow(size);
    std::vector<std::pair<uint8_t, uint64_t>> sib;
    if (m < k) {
      RangeIds(lo + k, size - k, sib);
      size = k;
    } else {
      sib.emplace_back(static_cast<uint8_t>(std::countr_zero(k)), lo / k);
      lo += k;
      m -= k;
      size -= k;
    }
    siblings.push_back(std::move(sib));
  }
  std::map<std::pair<uint8_t, uint64_t>, size_t> slot;
  std::vector<std::pair<uint8_t, uint64_t>> ids;
  for (const auto& s : siblings) {
    for (const auto& id : s) {
      if (slot.emplace(id, ids.size()).second) ids.push_back(id);
    }
  }
  FOLIO_ASSIGN_OR_RETURN(std::vector<Hash256> nodes, ReadNodes(ids));
  std::vector<Hash256> proof;
  proof.reserve(siblings.size());
  for (auto it = siblings.rbegin(); it != siblings.rend(); ++it) {
    std::vector<Hash256> parts;
    for (const auto& id : *it) parts.push_back(nodes[slot[id]]);
    proof.push_back(FoldRight(parts));
  }
  return proof;
}

Result<std::vector<Hash256>> Journal::RevisionProof(const Block& block, size_t revision_index,
                                                    uint64_t tip_seq) const {
  if (revision_index >= block.revisions.size()) {
    return Status::InvalidArgument("revision index " + std::to_string(revision_index) +
                                   " out of range");
  }
  auto root_index = block.RevisionsRootIndex();
  if (!root_index || *root_index >= block.entries_hash_list.size()) {
    return Status::Corruption("block " + std::to_string(block.address.sequence_no) +
                              ": entriesHashList lacks the revisions root");
  }
  std::vector<Hash256> proof = MerklePath(revision_index, block.RevisionHashes());
  auto entries = MerklePath(*root_index, block.entries_hash_list);
  proof.insert(proof.end(), entries.begin(), entries.end());
  if (block.previous_block_hash) proof.push_back(*block.previous_block_hash);
  FOLIO_ASSIGN_OR_RETURN(std::vector<Hash256> chain,
                         BlockProof(block.address.sequence_no, tip_seq));
  proof.insert(proof.end(), chain.begin(), chain.end());
  return proof;
}

Status Journal::StageRedaction(uint64_t seq, size_t revision_index, kv::WriteBatch& batch) const {
  FOLIO_ASSIGN_OR_RETURN(Block block, GetBlock(seq));
  if (revision_index >= block.revisions.size()) {
    return Status::InvalidArgument("revision index " + std::to_string(revision_index) +
                                   " out of range");
  }
  Revision& r = block.revisions[revision_index];
  if (r.is_system) return Status::InvalidArgument("cannot redact a system revision");
  if (r.is_redacted()) return Status::InvalidArgument("revision is already redacted");
  if (!r.data) return Status::InvalidArgument("revision has no data to redact");
  auto h = ion::IonHashSha256(*r.data);
  if (!h.ok()) return h.status();
  r.data_hash = *h;
  r.data.reset();
  FOLIO_ASSIGN_OR_RETURN(Hash256 check, ComputeRevisionHash(r));
  if (check != r.hash) {
    return Status::Corruption("block " + std::to_string(seq) + ": revisions[" +
                              std::to_string(revision_index) + "] hash does not verify");
  }
  Bytes bytes = ion::WriteBinary(block.ToIon());
  batch.Put(BlockKey(seq), AsStringView(bytes));
  return Status::OK();
}

}  // namespace folio::journal
