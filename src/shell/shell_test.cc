#include <gtest/gtest.h>

#include "ion/ion.h"
#include "shell/format.h"
#include "shell/statement_splitter.h"

namespace folio::shell {
namespace {

using Units = std::vector<std::string>;

TEST(StatementSplitter, SemicolonsAndEmptyLines) {
  StatementSplitter s;
  EXPECT_EQ(s.AddLine("SELECT 1; SELECT 2;"), (Units{"SELECT 1", "SELECT 2"}));
  EXPECT_EQ(s.AddLine("SELECT *"), Units{});
  EXPECT_TRUE(s.pending());
  EXPECT_EQ(s.AddLine("  FROM T"), Units{});
  EXPECT_EQ(s.AddLine(""), (Units{"SELECT *\n  FROM T"}));
  EXPECT_FALSE(s.pending());
  EXPECT_EQ(s.AddLine(""), Units{});
  EXPECT_EQ(s.AddLine("SELECT 3"), Units{});
  EXPECT_EQ(s.Flush(), "SELECT 3");
}

TEST(StatementSplitter, QuotesCommentsAndIonLiterals) {
  StatementSplitter s;
  EXPECT_EQ(s.AddLine("SELECT 'a;b''c' FROM \"x;y\" -- comment; here"), Units{});
  EXPECT_EQ(s.AddLine("WHERE v = `{a:\";\"}`;"),
            (Units{"SELECT 'a;b''c' FROM \"x;y\" \nWHERE v = `{a:\";\"}`"}));
  EXPECT_EQ(s.AddLine("INSERT INTO T VALUE {'s': 'line one"), Units{});
  EXPECT_EQ(s.AddLine(""), Units{});  // inside a string: the empty line is content
  EXPECT_EQ(s.AddLine("end'};"), (Units{"INSERT INTO T VALUE {'s': 'line one\n\nend'}"}));
  EXPECT_EQ(s.AddLine("SELECT /* ; */ 1;"), (Units{"SELECT   1"}));
}

TEST(StatementSplitter, BackslashCommandsAreOneLine) {
  StatementSplitter s;
  EXPECT_EQ(s.AddLine("  \\tables"), (Units{"\\tables"}));
  EXPECT_EQ(s.AddLine("SELECT"), Units{});
  // Inside a statement a backslash line is statement text.
  EXPECT_EQ(s.AddLine("\\x;"), (Units{"SELECT\n\\x"}));
}

TEST(Format, IonAndJson) {
  auto v = ion::ReadOneText(
      "{a:1, b:\"s\", c:2.50, d:2024-01-02T03:04:05Z, e:{{AQI=}}, f:[sym, null.int], "
      "g:123456789012345678901234567890, h:nan, i:1.5e0}");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(FormatJson(*v, false),
            "{\"a\":1,\"b\":\"s\",\"c\":250e-2,\"d\":\"2024-01-02T03:04:05Z\",\"e\":\"AQI=\","
            "\"f\":[\"sym\",null],\"g\":123456789012345678901234567890,\"h\":\"nan\",\"i\":1.5}");
  std::string ion = FormatIon(*v);
  auto back = ion::ReadOneText(ion);
  ASSERT_TRUE(back.ok()) << ion;
  EXPECT_EQ(*back, *v);
}

}  // namespace
}  // namespace folio::shell
