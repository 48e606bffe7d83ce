#include "tests/golden/pqt_runner.h"

#include <gtest/gtest.h>

#include "ion/ion.h"

namespace folio::golden {
namespace {

ion::Value Ion(std::string_view t) { return (*ion::ReadText(t))[0]; }

TEST(PqtRunnerTest, MatchValuePatterns) {
  std::map<std::string, ion::Value> b;
  EXPECT_TRUE(MatchValue(Ion("{a: $any::null}"), Ion("{a: [1]}"), b));
  EXPECT_TRUE(MatchValue(Ion("{id: $bind::x}"), Ion("{id: \"abc\"}"), b));
  EXPECT_EQ(b["x"], ion::Value::String("abc"));
  EXPECT_FALSE(MatchValue(Ion("{id: $bind::x}"), Ion("{id: \"other\"}"), b));
  EXPECT_TRUE(MatchValue(Ion("$bag::[1, 2]"), Ion("[2, 1]"), b));
  EXPECT_FALSE(MatchValue(Ion("[1, 2]"), Ion("[2, 1]"), b));
  EXPECT_FALSE(MatchValue(Ion("{a: 1}"), Ion("{a: 1, b: 2}"), b));
}

TEST(PqtRunnerTest, RunsRecordsAndReportsFailures) {
  auto backend = MakeMemoryBackend();
  std::string text = R"(# name: t
statement ok
CREATE TABLE T

query bag
INSERT INTO T VALUE {'a': ?}
? 1
----
{documentId: $bind::d}

query bag +ensure:scan
SELECT a FROM T AS t BY id WHERE id = ${d}
----
{a: 1}

query bag
SELECT VALUE a FROM T
----
2

statement error
SELECT * FROM Nope
----
BadRequestException: No such variable named 'Nope'

statement error
SELECT * FROM T
----
BadRequestException
)";
  FileReport rep = RunText("t.pqt", text, *backend);
  // The BY lookup is an id lookup, so +ensure:scan fails; `2` is wrong; the last
  // statement succeeds although an error is expected.
  EXPECT_EQ(rep.passed, 3);
  EXPECT_EQ(rep.failed, 3) << ::testing::PrintToString(rep.failures);
}

TEST(PqtRunnerTest, BackendHeaderSkips) {
  auto backend = MakeMemoryBackend();
  FileReport rep = RunText("e.pqt", "# backend: engine\nstatement ok\nCREATE TABLE T\n", *backend);
  EXPECT_TRUE(rep.skipped);
}

TEST(PqtRunnerTest, SessionsAndCommit) {
  auto backend = MakeMemoryBackend();
  std::string text = R"(statement ok
CREATE TABLE T

begin s1

statement ok s1
INSERT INTO T VALUE {'a': 1}

query bag
SELECT * FROM T
----

commit s1

query bag
SELECT * FROM T
----
{a: 1}

abort s2

restart

verify
)";
  FileReport rep = RunText("s.pqt", text, *backend);
  EXPECT_EQ(rep.failed, 1) << ::testing::PrintToString(rep.failures);  // abort of unknown s2
  EXPECT_EQ(rep.passed, 8);
}

}  // namespace
}  // namespace folio::golden
