#include "driver/verifier.h"

#include <algorithm>

#include "common/bytes.h"
#include "driver/qldb_hash.h"
#include "ion/ion.h"

namespace folio::driver {
namespace {

Result<Hash256> BlobHash(const ion::Value& v, std::string_view what) {
  if (v.type() != ion::Type::kBlob || v.is_null()) {
    return Status::InvalidArgument(std::string(what) + " must be a blob");
  }
  return ToHash256(v.as_bytes(), what);
}

Result<Hash256> BlobField(const ion::Value& s, std::string_view name) {
  const ion::Value* f = s.Get(name);
  if (f == nullptr) return Status::InvalidArgument("field " + std::string(name) + " is missing");
  return BlobHash(*f, name);
}

Result<ion::Value> ReadStruct(std::string_view text, std::string_view what) {
  auto v = ion::ReadOneText(text);
  if (!v.ok()) return Status::InvalidArgument(std::string(what) + ": " + v.status().message());
  if (v->type() != ion::Type::kStruct || v->is_null()) {
    return Status::InvalidArgument(std::string(what) + " is not an Ion struct");
  }
  return std::move(*v);
}

Status CheckFold(const Hash256& leaf, std::string_view proof_ion_text, const Hash256& digest,
                 std::string_view what) {
  FOLIO_ASSIGN_OR_RETURN(std::vector<Hash256> proof, ParseProof(proof_ion_text));
  Hash256 folded = FoldProof(leaf, proof);
  if (folded != digest) {
    return Status::Corruption(std::string(what) + " proof does not lead to the digest: folded " +
                              HexEncode(folded) + ", digest " + HexEncode(digest));
  }
  return Status::OK();
}

}  // namespace

Result<std::vector<Hash256>> ParseProof(std::string_view proof_ion_text) {
  auto v = ion::ReadOneText(proof_ion_text);
  if (!v.ok()) return Status::InvalidArgument("proof: " + v.status().message());
  if (v->type() != ion::Type::kList || v->is_null()) {
    return Status::InvalidArgument("proof is not an Ion list");
  }
  std::vector<Hash256> out;
  for (const ion::Value& e : v->elements()) {
    FOLIO_ASSIGN_OR_RETURN(Hash256 h, BlobHash(e, "proof element"));
    out.push_back(h);
  }
  return out;
}

Result<Hash256> ComputeRevisionHash(const ion::Value& revision) {
  const ion::Value* metadata = revision.Get("metadata");
  if (metadata == nullptr) return Status::InvalidArgument("revision has no metadata");
  FOLIO_ASSIGN_OR_RETURN(Hash256 h, ion::IonHashSha256(*metadata));
  if (const ion::Value* data = revision.Get("data")) {
    FOLIO_ASSIGN_OR_RETURN(Hash256 hd, ion::IonHashSha256(*data));
    return Dot(h, hd);
  }
  if (revision.Get("dataHash") != nullptr) {
    FOLIO_ASSIGN_OR_RETURN(Hash256 hd, BlobField(revision, "dataHash"));
    return Dot(h, hd);
  }
  return h;
}

Status VerifyRevision(std::string_view revision_ion_text, std::string_view proof_ion_text,
                      const Hash256& digest) {
  FOLIO_ASSIGN_OR_RETURN(ion::Value rev, ReadStruct(revision_ion_text, "revision"));
  FOLIO_ASSIGN_OR_RETURN(Hash256 hash, BlobField(rev, "hash"));
  FOLIO_ASSIGN_OR_RETURN(Hash256 computed, ComputeRevisionHash(rev));
  if (computed != hash) {
    return Status::Corruption("revision hash " + HexEncode(hash) +
                              " does not match its metadata and data (" + HexEncode(computed) +
                              ")");
  }
  return CheckFold(hash, proof_ion_text, digest, "revision");
}

Status VerifyBlock(std::string_view block_ion_text, std::string_view proof_ion_text,
                   const Hash256& digest) {
  FOLIO_ASSIGN_OR_RETURN(ion::Value block, ReadStruct(block_ion_text, "block"));
  FOLIO_ASSIGN_OR_RETURN(Hash256 block_hash, BlobField(block, "blockHash"));
  FOLIO_ASSIGN_OR_RETURN(Hash256 entries_hash, BlobField(block, "entriesHash"));
  std::optional<Hash256> previous;
  if (const ion::Value* p = block.Get("previousBlockHash");
      p != nullptr && !(p->type() == ion::Type::kBlob && !p->is_null() && p->as_bytes().empty())) {
    FOLIO_ASSIGN_OR_RETURN(previous, BlobHash(*p, "previousBlockHash"));
  }
  Hash256 expected_block = previous ? Dot(entries_hash, *previous) : entries_hash;
  if (expected_block != block_hash) {
    return Status::Corruption("blockHash does not equal dot(entriesHash, previousBlockHash)");
  }
  const ion::Value* list = block.Get("entriesHashList");
  if (list == nullptr || list->type() != ion::Type::kList || list->is_null()) {
    return Status::InvalidArgument("block has no entriesHashList list");
  }
  std::vector<Hash256> entries;
  for (const ion::Value& e : list->elements()) {
    FOLIO_ASSIGN_OR_RETURN(Hash256 h, BlobHash(e, "entriesHashList element"));
    entries.push_back(h);
  }
  auto root = MerkleRoot(entries);
  if (!root || *root != entries_hash) {
    return Status::Corruption("entriesHash is not the Merkle root of entriesHashList");
  }
  auto contains = [&](const Hash256& h) {
    return std::find(entries.begin(), entries.end(), h) != entries.end();
  };
  if (const ion::Value* info = block.Get("transactionInfo")) {
    FOLIO_ASSIGN_OR_RETURN(Hash256 h, ion::IonHashSha256(*info));
    if (!contains(h)) {
      return Status::Corruption("H(transactionInfo) is not in entriesHashList");
    }
  }
  if (const ion::Value* revs = block.Get("revisions");
      revs != nullptr && revs->type() == ion::Type::kList && !revs->is_null() &&
      !revs->elements().empty()) {
    std::vector<Hash256> hashes;
    for (const ion::Value& r : revs->elements()) {
      if (r.type() != ion::Type::kStruct || r.is_null()) {
        return Status::InvalidArgument("a block revision is not a struct");
      }
      FOLIO_ASSIGN_OR_RETURN(Hash256 h, BlobField(r, "hash"));
      if (r.Get("metadata") != nullptr) {
        FOLIO_ASSIGN_OR_RETURN(Hash256 computed, ComputeRevisionHash(r));
        if (computed != h) {
          return Status::Corruption("a revision hash in the block does not match its contents");
        }
      }
      hashes.push_back(h);
    }
    if (!contains(*MerkleRoot(hashes))) {
      return Status::Corruption("the revisions' Merkle root is not in entriesHashList");
    }
  }
  return CheckFold(block_hash, proof_ion_text, digest, "block");
}

}  // namespace folio::driver
