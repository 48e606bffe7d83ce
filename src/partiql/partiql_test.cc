#include "partiql/partiql.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "ion/ion.h"
#include "partiql/lexer.h"
#include "partiql/parser.h"
#include "partiql/pvalue.h"
#include "partiql/testing/memory_catalog.h"

namespace folio::partiql {
namespace {

using testing::MemoryDatabase;

ion::Value Ion(std::string_view text) {
  auto v = ion::ReadText(text);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->size(), 1u);
  return (*v)[0];
}

class PartiqlTest : public ::testing::Test {
 protected:
  Result<QueryResult> Run(std::string_view text, std::vector<ion::Value> params = {}) {
    auto txn = db_.Begin();
    auto r = ExecuteText(text, *txn, params);
    if (r.ok()) {
      stats_ = txn->stats();
      db_.Commit(*txn);
    }
    return r;
  }
  std::vector<ion::Value> Rows(std::string_view text, std::vector<ion::Value> params = {}) {
    auto r = Run(text, std::move(params));
    EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
    return r.ok() ? r->values : std::vector<ion::Value>{};
  }
  void ExpectRows(std::string_view text, std::string_view expected_ion,
                  std::vector<ion::Value> params = {}) {
    auto got = Rows(text, std::move(params));
    auto want = ion::ReadText(expected_ion);
    ASSERT_TRUE(want.ok());
    ASSERT_EQ(got.size(), want->size()) << text;
    std::vector<bool> used(got.size(), false);
    for (const auto& w : *want) {
      bool found = false;
      for (size_t i = 0; i < got.size(); ++i) {
        if (!used[i] && got[i] == w) {
          used[i] = found = true;
          break;
        }
      }
      EXPECT_TRUE(found) << text << ": missing row " << ion::WriteText(w);
    }
  }
  std::string Error(std::string_view text, std::vector<ion::Value> params = {}) {
    auto r = Run(text, std::move(params));
    EXPECT_FALSE(r.ok()) << text;
    return r.ok() ? "" : r.status().message();
  }
  void MakeVehicles() {
    Rows("CREATE TABLE Vehicle");
    Rows("CREATE INDEX ON Vehicle (VIN)");
    Rows("INSERT INTO Vehicle << {'VIN': 'A1', 'Make': 'Tesla', 'Owners': {'PrimaryOwner': 'p1'}, "
         "'Tags': [1, 2]}, {'VIN': 'B2', 'Make': 'Ford', 'Owners': {'PrimaryOwner': 'p2'}, "
         "'Tags': []} >>");
  }

  MemoryDatabase db_;
  testing::MemStats stats_;
};

TEST(LexerTest, ReservedListIsSorted) {
  EXPECT_TRUE(IsReservedWord("SELECT"));
  EXPECT_TRUE(IsReservedWord("YEAR"));
  EXPECT_TRUE(IsReservedWord("CHAR_LENGTH"));
  EXPECT_TRUE(IsReservedWord("ZONE"));
  EXPECT_TRUE(IsReservedWord("ABSOLUTE"));
  EXPECT_FALSE(IsReservedWord("VIN"));
  EXPECT_FALSE(IsReservedWord("HISTORY"));
}

TEST(LexerTest, QuoteGluedToKeyword) {
  auto t = Lex("status = 'ACTIVE'AND name = 'x'");
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t->size(), 8u);
  EXPECT_EQ((*t)[2].type, TokenType::kString);
  EXPECT_EQ((*t)[3].type, TokenType::kKeyword);
  EXPECT_EQ((*t)[3].text, "AND");
}

TEST(LexerTest, CommentsAndPositions) {
  auto t = Lex("-- c\nSELECT /* x\n y */ a");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ((*t)[0].line, 2);
  EXPECT_EQ((*t)[1].line, 3);
  EXPECT_EQ((*t)[1].column, 7);
  EXPECT_FALSE(Lex("SELECT /* open").ok());
  EXPECT_FALSE(Lex("'open").ok());
}

TEST(ParserTest, SyntaxErrorNamesPositionAndToken) {
  auto r = ParseStatement("SELECT * FROM t WHERE a =\n\nand b");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "Parser Error: at line 3, column 1: expected expression; Missing right-hand side "
            "expression of infix operator, KEYWORD : and");
}

TEST(ParserTest, ReservedWordsNeedQuotes) {
  EXPECT_FALSE(ParseStatement("SELECT Year FROM t").ok());
  EXPECT_TRUE(ParseStatement("SELECT \"Year\" FROM t").ok());
  EXPECT_TRUE(ParseStatement("select v.\"Year\" from t as v").ok());
}

TEST(ParserTest, NestingIsBounded) {
  std::string deep(5000, '(');
  deep += "1";
  deep += std::string(5000, ')');
  auto r = ParseStatement(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("nesting"), std::string::npos);
  std::string chain = "1";
  for (int i = 0; i < 5000; ++i) chain += " + 1";
  EXPECT_FALSE(ParseStatement(chain).ok());
  std::string list(3000, '[');
  EXPECT_FALSE(ParseStatement(list).ok());
}

TEST(ParserTest, UnknownFunctionAndArity) {
  auto r = ParseStatement("SELECT foo(1) FROM t");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("foo"), std::string::npos);
  r = ParseStatement("SELECT upper('a', 'b') FROM t");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("upper"), std::string::npos);
}

TEST(ParserTest, StatementForms) {
  for (const char* s : {
           "CREATE TABLE T WITH (aws_tags = `{'k': 'v'}`)",
           "DROP TABLE T",
           "UNDROP TABLE \"abc\"",
           "CREATE INDEX ON T (f)",
           "DROP INDEX \"id\" ON T WITH (purge = true)",
           "INSERT INTO T VALUE {'a': 1}",
           "INSERT INTO T << {'a': 1}, {'a': 2} >>",
           "INSERT INTO T ?",
           "UPDATE T AS t BY id SET t.a.b = 1, c = 2 WHERE id = ?",
           "UPDATE T REMOVE a WHERE b = 1",
           "DELETE FROM T AS t BY id WHERE id = ?",
           "FROM T AS t WHERE t.a = 1 INSERT INTO t.list VALUE ?",
           "FROM T t WHERE t.a = 1 SET t.b = 2",
           "EXEC redact_revision `{strandId: \"x\", sequenceNo: 1}`, 'tid', 'did'",
           "SELECT * FROM history(T, `2020T`, `2021T`) AS h WHERE h.metadata.id = ?",
           "SELECT VALUE x FROM T AS t AT i, t.list AS x",
           "SELECT a.b[0].c, d['e'], f[*].g, h.* FROM T",
           "SELECT * FROM A AS a INNER JOIN B AS b ON a.x = b.y CROSS JOIN C",
           "SELECT TXID() FROM << 0 >>;",
       }) {
    auto r = ParseStatement(s);
    EXPECT_TRUE(r.ok()) << s << ": " << r.status().ToString();
  }
  EXPECT_FALSE(ParseStatement("DROP INDEX \"id\" ON T").ok());
  EXPECT_FALSE(ParseStatement("DROP INDEX \"id\" ON T WITH (PURGE = true)").ok());
  EXPECT_FALSE(ParseStatement("DROP INDEX \"id\" ON T WITH (purge = false)").ok());
  EXPECT_FALSE(ParseStatement("SELECT * FROM T ORDER BY a").ok());
  EXPECT_FALSE(ParseStatement("SELECT * FROM A LEFT JOIN B ON true").ok());
}

TEST_F(PartiqlTest, DdlAndDmlResultShapes) {
  auto r = Rows("CREATE TABLE Person");
  ASSERT_EQ(r.size(), 1u);
  ASSERT_NE(r[0].Get("tableId"), nullptr);
  EXPECT_EQ(r[0].Get("tableId")->as_string().size(), 22u);
  r = Rows("INSERT INTO Person << {'n': 1}, {'n': 2} >>");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_NE(r[0].Get("documentId"), nullptr);
  r = Rows("INSERT INTO Person ?", {Ion("[{n: 3}, {n: 4}, {n: 5}]")});
  EXPECT_EQ(r.size(), 3u);
  r = Rows("INSERT INTO Person ?", {Ion("{n: 6}")});
  EXPECT_EQ(r.size(), 1u);
  ExpectRows("SELECT COUNT(*) FROM Person", "{_1: 6}");
  r = Rows("DELETE FROM Person WHERE n > 4");
  EXPECT_EQ(r.size(), 2u);
  ExpectRows("SELECT VALUE n FROM Person", "1 2 3 4");
  EXPECT_TRUE(Rows("DELETE FROM Person WHERE n = 100").empty());
  EXPECT_NE(Error("INSERT INTO Person VALUE 5").find("struct"), std::string::npos);
  EXPECT_NE(Error("INSERT INTO Person VALUE ?", {Ion("[{a:1}]")}).find("struct"),
            std::string::npos);
}

TEST_F(PartiqlTest, UnknownTableIsSemanticError) {
  EXPECT_EQ(Error("SELECT * FROM Vehicles"),
            "Semantic Error: at line 1, column 15: No such variable named 'Vehicles'; No such "
            "variable named 'Vehicles'");
  EXPECT_NE(Error("DELETE FROM Nope").find("No such variable named 'Nope'"), std::string::npos);
  EXPECT_NE(Error("INSERT INTO Nope VALUE {'a': 1}").find("No such variable"), std::string::npos);
}

TEST_F(PartiqlTest, SelectProjectionsAndPaths) {
  MakeVehicles();
  ExpectRows("SELECT VIN FROM Vehicle WHERE Make = 'Tesla'", "{VIN: \"A1\"}");
  ExpectRows("SELECT v.Owners.PrimaryOwner, v.Tags[0] FROM Vehicle AS v WHERE v.VIN = 'A1'",
             "{PrimaryOwner: \"p1\", _2: 1}");
  ExpectRows("SELECT VALUE v.Owners['PrimaryOwner'] FROM Vehicle v", "\"p1\" \"p2\"");
  ExpectRows("SELECT v.VIN AS id, v.Nope FROM Vehicle AS v WHERE v.VIN = 'B2'", "{id: \"B2\"}");
  ExpectRows("SELECT VALUE t FROM Vehicle AS v, v.Tags AS t", "1 2");
  ExpectRows("SELECT VALUE t FROM Vehicle AS v, @v.Tags AS t AT i WHERE i = 1", "2");
  ExpectRows("SELECT v.Owners.* FROM Vehicle AS v WHERE v.VIN = 'A1'", "{PrimaryOwner: \"p1\"}");
  ExpectRows("SELECT VALUE v.Tags[*] FROM Vehicle AS v WHERE v.VIN = 'A1'", "[1, 2]");
  ExpectRows("SELECT COUNT(*), SUM(t), MIN(t), MAX(t), AVG(t) FROM Vehicle v, v.Tags t",
             "{_1: 2, _2: 3, _3: 1, _4: 2, _5: 1.5}");
  ExpectRows("SELECT * FROM Vehicle WHERE VIN = 'B2'",
             "{VIN: \"B2\", Make: \"Ford\", Owners: {PrimaryOwner: \"p2\"}, Tags: []}");
  ExpectRows("SELECT x FROM << {'x': 1}, {'x': 2} >> WHERE x > 1", "{x: 2}");
  ExpectRows("SELECT VALUE (SELECT VALUE COUNT(*) FROM v.Tags t) FROM Vehicle v", "[2] [0]");
}

TEST_F(PartiqlTest, ThreeValuedLogicAndOperators) {
  ExpectRows("SELECT VALUE [1 = NULL, NULL AND FALSE, NULL OR TRUE, MISSING IS MISSING, "
             "NULL IS NULL, 5 BETWEEN 1 AND 10, 3 IN (1, 2, 3), 'abc' LIKE 'a%', "
             "'a_c' LIKE 'a!_c' ESCAPE '!', 'x' || 'y', 7 % 3, "
             "CASE WHEN 1 > 2 THEN 'a' ELSE 'b' END, CASE 2 WHEN 2 THEN 'two' END, "
             "COALESCE(NULL, MISSING, 4), NULLIF(1, 1), EXISTS([1]), EXISTS(5)] FROM << 0 >>",
             "[null, false, true, true, true, true, true, true, true, \"xy\", 1, \"b\", "
             "\"two\", 4, null, true, false]");
}

TEST_F(PartiqlTest, ParametersBoundInOrderAndCounted) {
  MakeVehicles();
  ExpectRows("SELECT VALUE VIN FROM Vehicle WHERE Make = ? OR Make = ?", "\"A1\" \"B2\"",
             {Ion("\"Tesla\""), Ion("\"Ford\"")});
  EXPECT_NE(Error("SELECT * FROM Vehicle WHERE VIN = ?").find("parameter"), std::string::npos);
  EXPECT_NE(Error("SELECT * FROM Vehicle", {Ion("1")}).find("parameter"), std::string::npos);
}

TEST_F(PartiqlTest, UpdateSetRemoveAndFromInsert) {
  MakeVehicles();
  auto r = Rows("UPDATE Vehicle AS v SET v.Owners.Secondary.Name = 'x', v.Color = ? "
                "WHERE v.VIN = 'A1'",
                {Ion("\"red\"")});
  EXPECT_EQ(r.size(), 1u);
  ExpectRows("SELECT v.Owners, v.Color FROM Vehicle v WHERE v.VIN = 'A1'",
             "{Owners: {PrimaryOwner: \"p1\", Secondary: {Name: \"x\"}}, Color: \"red\"}");
  Rows("UPDATE Vehicle REMOVE Owners WHERE VIN = 'A1'");
  ExpectRows("SELECT VALUE Owners FROM Vehicle WHERE VIN = 'A1'", "");
  Rows("FROM Vehicle AS v WHERE v.VIN = 'B2' INSERT INTO v.Tags VALUE ?", {Ion("9")});
  ExpectRows("SELECT VALUE Tags FROM Vehicle WHERE VIN = 'B2'", "[9]");
  Rows("FROM Vehicle AS v WHERE v.VIN = 'B2' SET v.Tags[0] = 10");
  ExpectRows("SELECT VALUE Tags FROM Vehicle WHERE VIN = 'B2'", "[10]");
  ExpectRows("SELECT VALUE metadata.version FROM _ql_committed_Vehicle WHERE data.VIN = 'B2'",
             "2");
  EXPECT_NE(Error("FROM Vehicle AS v SET v.VIN.x = 1").find("non-struct"), std::string::npos);
}

TEST_F(PartiqlTest, PlannerUsesIndexOnlyForEqualityAndIn) {
  MakeVehicles();
  auto plan = [&](std::string_view q, std::vector<ion::Value> p = {}) {
    auto r = Run(q, std::move(p));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::string(r->PlanSummary()) : std::string("error");
  };
  EXPECT_EQ(plan("SELECT * FROM Vehicle WHERE VIN = 'A1'"), "index_lookup");
  EXPECT_EQ(stats_.index_lookups, 1);
  EXPECT_EQ(stats_.scans, 0);
  EXPECT_EQ(plan("SELECT * FROM Vehicle AS v WHERE v.VIN IN ('A1', 'B2') AND v.Make = 'x'"),
            "index_lookup");
  EXPECT_EQ(plan("SELECT * FROM Vehicle AS v WHERE ? = v.VIN", {Ion("\"A1\"")}), "index_lookup");
  EXPECT_EQ(plan("SELECT * FROM Vehicle WHERE VIN = 'A1' OR Make = 'Ford'"), "scan");
  EXPECT_EQ(plan("SELECT * FROM Vehicle WHERE VIN > 'A1'"), "scan");
  EXPECT_EQ(plan("SELECT * FROM Vehicle WHERE VIN LIKE 'A%'"), "scan");
  EXPECT_EQ(plan("SELECT * FROM Vehicle WHERE Make = 'Ford'"), "scan");
  EXPECT_EQ(plan("SELECT COUNT(*) FROM Vehicle"), "scan");
  EXPECT_EQ(plan("SELECT * FROM _ql_committed_Vehicle WHERE data.VIN = 'A1'"), "index_lookup");
  auto ids = Rows("SELECT VALUE id FROM Vehicle AS v BY id WHERE v.VIN = 'A1'");
  ASSERT_EQ(ids.size(), 1u);
  auto r = Run("SELECT v.VIN FROM Vehicle AS v BY id WHERE id = ?", {ids[0]});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->PlanSummary(), "index_lookup");
  EXPECT_EQ(r->plan[0].kind, AccessKind::kIdLookup);
  ASSERT_EQ(r->values.size(), 1u);
  EXPECT_EQ(plan("SELECT * FROM history(Vehicle) AS h WHERE h.metadata.id = ?", {ids[0]}),
            "index_lookup");
  EXPECT_EQ(plan("SELECT * FROM history(Vehicle) AS h"), "scan");
  // Non-lookup conjuncts still filter.
  ExpectRows("SELECT VALUE VIN FROM Vehicle WHERE VIN = 'A1' AND Make = 'Ford'", "");
}

TEST_F(PartiqlTest, InformationSchemaQueriesFromDrivers) {
  MakeVehicles();
  ExpectRows("SELECT name FROM information_schema.user_tables WHERE status = 'ACTIVE'",
             "{name: \"Vehicle\"}");
  auto idx = Rows("SELECT VALUE indexes[0] FROM information_schema.user_tables "
                  "WHERE status = 'ACTIVE'AND name = 'Vehicle'");
  ASSERT_EQ(idx.size(), 1u);
  EXPECT_EQ(*idx[0].Get("expr"), ion::Value::String("[VIN]"));
  auto tid = Rows("SELECT VALUE tableId FROM information_schema.user_tables WHERE name = ?",
                  {Ion("\"Vehicle\"")});
  EXPECT_EQ(tid.size(), 1u);
  EXPECT_EQ(Rows("SELECT VALUE indexes FROM information_schema.user_tables info, "
                 "info.indexes indexes WHERE info.name = 'Vehicle'")
                .size(),
            1u);
  Rows("DROP TABLE Vehicle");
  ExpectRows("SELECT name, status FROM information_schema.user_tables",
             "{name: \"Vehicle\", status: \"INACTIVE\"}");
}

TEST_F(PartiqlTest, HistoryAndTxid) {
  MakeVehicles();
  Rows("UPDATE Vehicle SET Make = 'X' WHERE VIN = 'A1'");
  ExpectRows("SELECT VALUE h.metadata.version FROM history(Vehicle) AS h WHERE h.data.VIN = 'A1'",
             "0 1");
  auto r = Rows("SELECT TXID() FROM << 0 >>");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].Get("_1")->as_string().size(), 22u);
}

TEST(StatementCacheTest, RepeatedStatementIsParsedOnce) {
  StatementCache cache(2);
  auto a = cache.Get("SELECT * FROM T WHERE x = ?");
  ASSERT_TRUE(a.ok());
  auto b = cache.Get("SELECT * FROM T WHERE x = ?");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->get(), b->get());
  EXPECT_EQ(cache.parse_count(), 1u);
  EXPECT_EQ(cache.hit_count(), 1u);
  // Different parameters do not change the cache key: executing twice parses once.
  MemoryDatabase db;
  auto txn = db.Begin();
  ASSERT_TRUE(Execute(**cache.Get("CREATE TABLE T"), *txn, {}).ok());
  for (int i = 0; i < 3; ++i) {
    ion::Value p = ion::Value::Integer(i);
    auto st = cache.Get("INSERT INTO T VALUE {'x': ?}");
    ASSERT_TRUE(st.ok());
    ASSERT_TRUE(Execute(**st, *txn, std::span<const ion::Value>(&p, 1)).ok());
  }
  EXPECT_EQ(cache.parse_count(), 3u);  // SELECT, CREATE, INSERT
  // LRU bound: capacity 2.
  EXPECT_LE(cache.size(), 2u);
  ASSERT_TRUE(cache.Get("SELECT 1 FROM T").ok());
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_FALSE(cache.Get("SELECT FROM").ok());
  EXPECT_FALSE(cache.Get("SELECT FROM").ok());
}

TEST(StatementCacheTest, ThreadSafe) {
  StatementCache cache(8);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, t] {
      for (int i = 0; i < 200; ++i) {
        auto r = cache.Get("SELECT VALUE " + std::to_string((i + t) % 16) + " FROM << 0 >>");
        EXPECT_TRUE(r.ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_LE(cache.size(), 8u);
}

}  // namespace
}  // namespace folio::partiql
