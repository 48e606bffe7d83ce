#include "main/loadgen.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <numeric>

#include "bench/vehicle_document.h"
#include "ion/ion.h"

namespace folio::cli {
namespace {

TEST(LoadgenTest, SummarizeUsesNearestRankPercentiles) {
  std::vector<int64_t> samples(100);
  std::iota(samples.begin(), samples.end(), 1);
  std::reverse(samples.begin(), samples.end());
  LatencySummary s = Summarize(samples);
  EXPECT_EQ(s.count, 100);
  EXPECT_EQ(s.p50_us, 50);
  EXPECT_EQ(s.p90_us, 90);
  EXPECT_EQ(s.p99_us, 99);
  EXPECT_EQ(s.max_us, 100);
  EXPECT_DOUBLE_EQ(s.mean_us, 50.5);

  std::vector<int64_t> one = {7};
  s = Summarize(one);
  EXPECT_EQ(s.p50_us, 7);
  EXPECT_EQ(s.p99_us, 7);

  std::vector<int64_t> none;
  s = Summarize(none);
  EXPECT_EQ(s.count, 0);
  EXPECT_EQ(s.max_us, 0);
}

TEST(LoadgenTest, CommitLogHasOneLinePerCommitInTimelineOrder) {
  LoadReport report;
  report.commit_timeline = {{1000, 250}, {1500, 9100}};
  const std::string path = ::testing::TempDir() + "/commit_log.txt";
  ASSERT_TRUE(WriteCommitLog(path, report).ok());
  std::FILE* f = std::fopen(path.c_str(), "r");
  ASSERT_NE(f, nullptr);
  char buf[64] = {};
  const size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  EXPECT_EQ(std::string(buf, n), "1000 250\n1500 9100\n");
  std::remove(path.c_str());

  Status st = WriteCommitLog("/nonexistent-dir/commit_log.txt", report);
  EXPECT_EQ(st.code(), StatusCode::kIOError) << st.ToString();
}

TEST(LoadgenTest, VehicleDocumentHasThePgBaselineShape) {
  ion::Value doc = bench::VehicleDocument("VIN123", 7);
  ASSERT_EQ(doc.type(), ion::Type::kStruct);
  ASSERT_NE(doc.Get("VIN"), nullptr);
  EXPECT_EQ(doc.Get("VIN")->text(), "VIN123");
  const ion::Value* owners = doc.Get("Owners");
  ASSERT_NE(owners, nullptr);
  ASSERT_NE(owners->Get("PrimaryOwner"), nullptr);
  EXPECT_EQ(owners->Get("PrimaryOwner")->Get("PersonId")->text(), "pid7");
  for (const char* f : {"Type", "Year", "Make", "Model", "Color", "ValidFrom", "ValidTo"}) {
    EXPECT_NE(doc.Get(f), nullptr) << f;
  }
  size_t text = ion::WriteText(doc).size();
  EXPECT_GT(text, 150u);
  EXPECT_LT(text, 400u);
}

TEST(LoadgenTest, RejectsBadOptionsBeforeConnecting) {
  LoadOptions o;
  o.service.endpoint = "http://127.0.0.1:1";
  o.clients = 0;
  EXPECT_EQ(RunLoad(o).status().code(), StatusCode::kInvalidArgument);
  o.clients = 1;
  o.read_ratio = 1.5;
  EXPECT_EQ(RunLoad(o).status().code(), StatusCode::kInvalidArgument);
  o.read_ratio = 0;
  o.table = "Vehicle; DROP TABLE x";
  EXPECT_EQ(RunLoad(o).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(PrepareSchema(o).code(), StatusCode::kInvalidArgument);
  o.table = "Vehicle";
  o.duration = std::chrono::milliseconds(0);
  EXPECT_EQ(RunLoad(o).status().code(), StatusCode::kInvalidArgument);
}

TEST(LoadgenTest, UnreachableServerIsAnError) {
  LoadOptions o;
  o.service.endpoint = "http://127.0.0.1:1";  // nothing listens on port 1
  o.service.http.timeout = std::chrono::milliseconds(2000);
  o.clients = 2;
  auto r = RunLoad(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().ToString().find("starting sessions"), std::string::npos)
      << r.status().ToString();
}

TEST(LoadgenTest, ReportsNameEveryMeasure) {
  LoadReport r;
  r.clients = 4;
  r.seconds = 2;
  r.commits = 100;
  r.reads = 10;
  r.occ_conflicts = 1;
  std::vector<int64_t> c = {1000, 2000, 3000};
  r.commit = Summarize(c);
  r.first_errors = {"say \"hi\""};
  std::string text = FormatReport(r);
  EXPECT_NE(text.find("commits 100 (50.0/s)"), std::string::npos) << text;
  EXPECT_NE(text.find("reads 10 (5.0/s)"), std::string::npos) << text;
  EXPECT_NE(text.find("occ_conflicts 1"), std::string::npos) << text;
  std::string json = FormatReportJson(r);
  EXPECT_NE(json.find("\"commits_per_s\":50.0"), std::string::npos) << json;
  EXPECT_NE(json.find("\"p50_ms\":2.000"), std::string::npos) << json;
  EXPECT_NE(json.find("say \\\"hi\\\""), std::string::npos) << json;
}

}  // namespace
}  // namespace folio::cli
