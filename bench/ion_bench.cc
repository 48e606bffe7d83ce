// Ion kernels over a corpus of ~20,000 QLDB-shaped revision documents (blockAddress, hash,
// data with strings/ints/decimals/timestamps/nested struct and list, metadata).
// Throughput (bytes/s) is of the binary encoding for binary read/write and Ion Hash, and of
// the text encoding for text read/write.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "ion/binary_reader.h"
#include "ion/ion_hash.h"
#include "ion/ion.h"

namespace folio::ion {
namespace {

constexpr int kDocs = 20000;

std::string RandomId(std::mt19937_64& rng, size_t n) {
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string s(n, ' ');
  for (char& c : s) c = kAlphabet[rng() % 62];
  return s;
}

Timestamp RandomTime(std::mt19937_64& rng, bool millis) {
  Timestamp t;
  t.precision = millis ? Timestamp::Precision::kFraction : Timestamp::Precision::kSecond;
  t.year = 2015 + static_cast<int32_t>(rng() % 10);
  t.month = static_cast<uint8_t>(1 + rng() % 12);
  t.day = static_cast<uint8_t>(1 + rng() % 28);
  t.hour = static_cast<uint8_t>(rng() % 24);
  t.minute = static_cast<uint8_t>(rng() % 60);
  t.second = static_cast<uint8_t>(rng() % 60);
  t.offset_minutes = static_cast<int16_t>(rng() % 2 ? 0 : -420);
  if (millis) t.fraction = Decimal{Int(static_cast<int64_t>(rng() % 1000)), -3, false};
  return t;
}

Value Revision(std::mt19937_64& rng, int i) {
  static const char* kStates[] = {"WA", "CA", "NY", "TX", "OR"};
  static const char* kCities[] = {"Seattle", "Everett", "Tacoma", "Kent", "Olympia"};
  Bytes hash(32);
  for (uint8_t& b : hash) b = static_cast<uint8_t>(rng());
  Value::Elements owners;
  for (int k = 0; k < 1 + static_cast<int>(rng() % 3); ++k) {
    owners.push_back(Value::Struct({Field{"PersonId", Value::String(RandomId(rng, 22))}}));
  }
  Value::Elements tags;
  for (int k = 0; k < 3; ++k) tags.push_back(Value::Sym(kStates[rng() % 5]));
  Value data = Value::Struct({
      Field{"VIN", Value::String(RandomId(rng, 17))},
      Field{"LicensePlateNumber", Value::String(RandomId(rng, 8))},
      Field{"State", Value::String(kStates[rng() % 5])},
      Field{"City", Value::String(kCities[rng() % 5])},
      Field{"Mileage", Value::Integer(static_cast<int64_t>(rng() % 300000))},
      Field{"PendingPenaltyTicketAmount",
            Value::Dec(Decimal{Int(static_cast<int64_t>(rng() % 100000)), -2, false})},
      Field{"ValidFromDate", Value::Time(RandomTime(rng, false))},
      Field{"ValidToDate", Value::Time(RandomTime(rng, false))},
      Field{"Active", Value::Bool(rng() % 2 == 0)},
      Field{"Score", Value::Float(static_cast<double>(rng() % 10000) / 7.0)},
      Field{"Owners", Value::Struct({Field{"PrimaryOwner", owners.front()},
                                     Field{"SecondaryOwners", Value::List(owners)}})},
      Field{"Tags", Value::List(std::move(tags))},
  });
  return Value::Struct({
      Field{"blockAddress", Value::Struct({Field{"strandId", Value::String(RandomId(rng, 22))},
                                           Field{"sequenceNo", Value::Integer(i)}})},
      Field{"hash", Value::Blob(std::move(hash))},
      Field{"data", std::move(data)},
      Field{"metadata",
            Value::Struct({Field{"id", Value::String(RandomId(rng, 22))},
                           Field{"version", Value::Integer(static_cast<int64_t>(rng() % 5))},
                           Field{"txTime", Value::Time(RandomTime(rng, true))},
                           Field{"txId", Value::String(RandomId(rng, 22))}})},
  });
}

struct Corpus {
  std::vector<Value> values;
  Bytes binary;
  std::string text;
  std::vector<Bytes> per_doc;  // each document as its own binary stream (as the engine stores)
  size_t per_doc_bytes = 0;
  Corpus() {
    std::mt19937_64 rng(42);
    values.reserve(kDocs);
    for (int i = 0; i < kDocs; ++i) values.push_back(Revision(rng, i));
    binary = WriteBinary(values);
    text = WriteText(values);
    per_doc.reserve(values.size());
    for (const Value& v : values) {
      per_doc.push_back(WriteBinary(v));
      per_doc_bytes += per_doc.back().size();
    }
  }
};

const Corpus& GetCorpus() {
  static const Corpus* c = new Corpus();
  return *c;
}

void BM_BinaryReadDom(benchmark::State& state) {
  const Corpus& c = GetCorpus();
  for (auto _ : state) {
    auto r = ReadBinary(c.binary);
    if (!r.ok() || r->size() != c.values.size()) state.SkipWithError("read failed");
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * c.binary.size()));
}
BENCHMARK(BM_BinaryReadDom)->Unit(benchmark::kMillisecond);

// One document at a time (each its own stream with its own symbol table), each DOM freed
// before the next is read: the engine's access pattern. Bytes are the per-document streams.
void BM_BinaryReadDomPerDoc(benchmark::State& state) {
  const Corpus& c = GetCorpus();
  for (auto _ : state) {
    size_t n = 0;
    for (const Bytes& doc : c.per_doc) {
      auto r = ReadOne(doc);
      if (!r.ok()) state.SkipWithError("read failed");
      n += r->is_null() ? 0 : 1;
    }
    benchmark::DoNotOptimize(n);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * c.per_doc_bytes));
}
BENCHMARK(BM_BinaryReadDomPerDoc)->Unit(benchmark::kMillisecond);

// Visits every value and decodes every scalar through the cursor (no DOM).
uint64_t Visit(BinaryCursor& cur) {
  uint64_t acc = 0;
  while (cur.Next()) {
    acc += cur.field_sid();
    if (cur.is_null()) continue;
    switch (cur.type()) {
      case Type::kBool: {
        bool b = false;
        (void)cur.ReadBool(&b);
        acc += b;
        break;
      }
      case Type::kInt: {
        int64_t i = 0;
        if (!cur.ReadInt64(&i).ok()) {
          Int big;
          (void)cur.ReadInt(&big);
        }
        acc += static_cast<uint64_t>(i);
        break;
      }
      case Type::kFloat: {
        double d = 0;
        (void)cur.ReadFloat(&d);
        acc += static_cast<uint64_t>(d);
        break;
      }
      case Type::kDecimal: {
        Decimal d;
        (void)cur.ReadDecimal(&d);
        acc += static_cast<uint64_t>(d.exponent);
        break;
      }
      case Type::kTimestamp: {
        Timestamp t;
        (void)cur.ReadTimestamp(&t);
        acc += t.minute;
        break;
      }
      case Type::kSymbol: {
        SymbolRef s;
        (void)cur.ReadSymbol(&s);
        acc += s.text.size();
        break;
      }
      case Type::kString: {
        std::string_view s;
        (void)cur.ReadString(&s);
        acc += s.size();
        break;
      }
      case Type::kClob:
      case Type::kBlob: {
        std::span<const uint8_t> b;
        (void)cur.ReadLob(&b);
        acc += b.size();
        break;
      }
      case Type::kList:
      case Type::kSexp:
      case Type::kStruct:
        (void)cur.StepIn();
        acc += Visit(cur);
        (void)cur.StepOut();
        break;
      case Type::kNull:
        break;
    }
  }
  return acc;
}

void BM_BinaryReadCursor(benchmark::State& state) {
  const Corpus& c = GetCorpus();
  for (auto _ : state) {
    BinaryCursor cur(c.binary);
    uint64_t acc = Visit(cur);
    if (!cur.status().ok()) state.SkipWithError("cursor failed");
    benchmark::DoNotOptimize(acc);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * c.binary.size()));
}
BENCHMARK(BM_BinaryReadCursor)->Unit(benchmark::kMillisecond);

void BM_BinaryWrite(benchmark::State& state) {
  const Corpus& c = GetCorpus();
  for (auto _ : state) {
    Bytes b = WriteBinary(c.values);
    benchmark::DoNotOptimize(b);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * c.binary.size()));
}
BENCHMARK(BM_BinaryWrite)->Unit(benchmark::kMillisecond);

void BM_TextRead(benchmark::State& state) {
  const Corpus& c = GetCorpus();
  for (auto _ : state) {
    auto r = ReadText(c.text);
    if (!r.ok() || r->size() != c.values.size()) state.SkipWithError("text read failed");
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * c.text.size()));
}
BENCHMARK(BM_TextRead)->Unit(benchmark::kMillisecond);

void BM_TextWrite(benchmark::State& state) {
  const Corpus& c = GetCorpus();
  for (auto _ : state) {
    std::string t = WriteText(c.values);
    benchmark::DoNotOptimize(t);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * c.text.size()));
}
BENCHMARK(BM_TextWrite)->Unit(benchmark::kMillisecond);

void BM_IonHashSha256(benchmark::State& state) {
  const Corpus& c = GetCorpus();
  for (auto _ : state) {
    uint8_t acc = 0;
    for (const Value& v : c.values) {
      auto h = IonHashSha256(v);
      if (!h.ok()) state.SkipWithError("hash failed");
      acc ^= (*h)[0];
    }
    benchmark::DoNotOptimize(acc);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * c.binary.size()));
}
BENCHMARK(BM_IonHashSha256)->Unit(benchmark::kMillisecond);

// IonHashSha256 of the first 64 documents over and over (their DOMs stay in cache): the cost
// of the hash itself, without the cache misses of walking 20,000 cold DOMs. Bytes are those
// documents' binary encodings (per-document streams).
void BM_IonHashSha256Hot(benchmark::State& state) {
  const Corpus& c = GetCorpus();
  constexpr size_t kHot = 64;
  size_t bytes = 0;
  for (size_t i = 0; i < kHot; ++i) bytes += c.per_doc[i].size();
  for (auto _ : state) {
    uint8_t acc = 0;
    for (size_t i = 0; i < kHot; ++i) {
      auto h = IonHashSha256(c.values[i]);
      if (!h.ok()) state.SkipWithError("hash failed");
      acc ^= (*h)[0];
    }
    benchmark::DoNotOptimize(acc);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_IonHashSha256Hot);

// IonHashSha256Binary over each document's own binary stream (no DOM). Bytes are the
// per-document streams (they carry a symbol table each).
void BM_IonHashSha256Binary(benchmark::State& state) {
  const Corpus& c = GetCorpus();
  for (auto _ : state) {
    uint8_t acc = 0;
    for (const Bytes& doc : c.per_doc) {
      auto h = IonHashSha256Binary(doc);
      if (!h.ok()) state.SkipWithError("hash failed");
      acc ^= (*h)[0];
    }
    benchmark::DoNotOptimize(acc);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * c.per_doc_bytes));
}
BENCHMARK(BM_IonHashSha256Binary)->Unit(benchmark::kMillisecond);

void BM_CorpusInfo(benchmark::State& state) {
  const Corpus& c = GetCorpus();
  for (auto _ : state) benchmark::DoNotOptimize(c.values.size());
  state.counters["docs"] = static_cast<double>(c.values.size());
  state.counters["binary_bytes"] = static_cast<double>(c.binary.size());
  state.counters["text_bytes"] = static_cast<double>(c.text.size());
  state.counters["per_doc_bytes"] = static_cast<double>(c.per_doc_bytes);
}
BENCHMARK(BM_CorpusInfo)->Iterations(1);

}  // namespace
}  // namespace folio::ion

BENCHMARK_MAIN();
