// PartiQL kernels: parsing a typical statement, and a filtered SELECT over 100k in-memory
// documents (scan and index lookup).
#include <benchmark/benchmark.h>

#include "partiql/partiql.h"
#include "partiql/testing/memory_catalog.h"

namespace {

using folio::ion::Value;
namespace pq = folio::partiql;

constexpr const char* kStatement =
    "SELECT r.VIN, r.Owners.PrimaryOwner.PersonId FROM VehicleRegistration AS r "
    "WHERE r.State = 'WA' AND r.PendingPenaltyTicketAmount > 50 AND r.City IN ('Kent', 'Everett')";

void BM_Parse(benchmark::State& state) {
  for (auto _ : state) {
    auto st = pq::Parse(kStatement);
    benchmark::DoNotOptimize(st);
  }
}
BENCHMARK(BM_Parse);

void BM_CachedParse(benchmark::State& state) {
  pq::StatementCache cache;
  for (auto _ : state) {
    auto st = cache.Get(kStatement);
    benchmark::DoNotOptimize(st);
  }
}
BENCHMARK(BM_CachedParse);

std::unique_ptr<pq::testing::MemoryCatalog> MakeCatalog(pq::testing::MemoryDatabase& db) {
  auto txn = db.Begin();
  (void)pq::ExecuteText("CREATE TABLE VehicleRegistration", *txn, {});
  (void)pq::ExecuteText("CREATE INDEX ON VehicleRegistration (VIN)", *txn, {});
  const char* cities[] = {"Kent", "Everett", "Seattle", "Tacoma"};
  for (int i = 0; i < 100000; ++i) {
    Value doc = Value::Struct(
        {{"VIN", Value::String("VIN" + std::to_string(i))},
         {"State", Value::String(i % 3 == 0 ? "OR" : "WA")},
         {"City", Value::String(cities[i % 4])},
         {"PendingPenaltyTicketAmount", Value::Integer(i % 100)},
         {"Owners", Value::Struct({{"PrimaryOwner",
                                    Value::Struct({{"PersonId", Value::String("p" +
                                                                              std::to_string(i))}})}})}});
    (void)txn->Insert("VehicleRegistration", std::move(doc));
  }
  return txn;
}

void BM_FilterScan100k(benchmark::State& state) {
  pq::testing::MemoryDatabase db;
  auto txn = MakeCatalog(db);
  auto st = pq::Parse(kStatement);
  size_t rows = 0;
  for (auto _ : state) {
    auto r = pq::Execute(**st, *txn, {});
    rows = r.ok() ? r->values.size() : 0;
    benchmark::DoNotOptimize(rows);
  }
  state.counters["rows"] = static_cast<double>(rows);
  state.SetItemsProcessed(state.iterations() * 100000);
}
BENCHMARK(BM_FilterScan100k)->Unit(benchmark::kMillisecond);

void BM_IndexLookup(benchmark::State& state) {
  pq::testing::MemoryDatabase db;
  auto txn = MakeCatalog(db);
  auto st = pq::Parse("SELECT * FROM VehicleRegistration WHERE VIN = ?");
  Value p = Value::String("VIN4242");
  for (auto _ : state) {
    auto r = pq::Execute(**st, *txn, std::span<const Value>(&p, 1));
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_IndexLookup)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
