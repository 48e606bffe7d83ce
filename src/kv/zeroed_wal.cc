#include "kv/zeroed_wal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <string_view>
#include <vector>

namespace folio::kv {
namespace {

// RocksDB names its write-ahead logs "<decimal number>.log".
bool IsWalFileName(std::string_view path) {
  std::string_view name = path.substr(path.rfind('/') + 1);
  constexpr std::string_view kSuffix = ".log";
  if (name.size() <= kSuffix.size() || !name.ends_with(kSuffix)) return false;
  name.remove_suffix(kSuffix.size());
  return std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

uint64_t FileSize(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return 0;
  return static_cast<uint64_t>(st.st_size);
}

// A write-ahead log as RocksDB sees it; reports its appended size to the file system so the
// next spare is prepared once the log is busy.
class LogFile final : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  LogFile(std::unique_ptr<rocksdb::FSWritableFile> file, ZeroedWalFileSystem* fs)
      : FSWritableFileOwnerWrapper(std::move(file)), fs_(fs) {}

  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
    Count(data.size());
    return target()->Append(data, options, dbg);
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           const rocksdb::DataVerificationInfo& info,
                           rocksdb::IODebugContext* dbg) override {
    Count(data.size());
    return target()->Append(data, options, info, dbg);
  }

 private:
  void Count(size_t n) {
    appended_ += n;
    if (!reported_ && appended_ >= fs_->trigger_bytes()) {
      reported_ = true;
      fs_->LogIsBusy();
    }
  }

  ZeroedWalFileSystem* fs_;
  uint64_t appended_ = 0;
  bool reported_ = false;  // LogIsBusy was called
};

}  // namespace

ZeroedWalFileSystem::ZeroedWalFileSystem(const std::shared_ptr<rocksdb::FileSystem>& target,
                                         std::string dir, ZeroedWalOptions options)
    : FileSystemWrapper(target),
      spare_path_(dir + "/FOLIO-WAL-SPARE"),
      partial_path_(dir + "/FOLIO-WAL-SPARE.partial"),
      options_(options) {}

void ZeroedWalFileSystem::AdoptLeftoversLocked() {
  if (adopted_) return;
  adopted_ = true;
  // A partial spare was interrupted; a spare of the wrong size came from other options.
  ::unlink(partial_path_.c_str());
  if (FileSize(spare_path_) == options_.spare_bytes) {
    spare_ready_ = true;
  } else {
    ::unlink(spare_path_.c_str());
  }
}

ZeroedWalFileSystem::~ZeroedWalFileSystem() {
  stopping_ = true;
  std::thread filler;
  {
    std::lock_guard lock(mu_);
    filler = std::move(filler_);
  }
  if (filler.joinable()) filler.join();
}

rocksdb::IOStatus ZeroedWalFileSystem::NewWritableFile(
    const std::string& fname, const rocksdb::FileOptions& file_opts,
    std::unique_ptr<rocksdb::FSWritableFile>* result, rocksdb::IODebugContext* dbg) {
  if (!IsWalFileName(fname)) return target()->NewWritableFile(fname, file_opts, result, dbg);
  bool take_spare = false;
  {
    std::lock_guard lock(mu_);
    AdoptLeftoversLocked();
    take_spare = spare_ready_;
    spare_ready_ = false;
  }
  std::unique_ptr<rocksdb::FSWritableFile> file;
  rocksdb::IOStatus s;
  if (take_spare) {
    // Renames the spare to `fname` and opens it without truncation: RocksDB's appends then
    // overwrite the zeros from offset 0.
    s = target()->ReuseWritableFile(fname, spare_path_, file_opts, &file, dbg);
    if (!s.ok()) ::unlink(spare_path_.c_str());
  }
  bool on_spare = take_spare && s.ok();
  if (!on_spare) {
    s = target()->NewWritableFile(fname, file_opts, &file, dbg);
    if (!s.ok()) return s;
  }
  {
    std::lock_guard lock(mu_);
    log_on_spare_ = on_spare;
  }
  switch_wanted_ = false;
  *result = std::make_unique<LogFile>(std::move(file), this);
  return s;
}

void ZeroedWalFileSystem::LogIsBusy() {
  std::lock_guard lock(mu_);
  if (spare_ready_ || filling_ || stopping_) return;
  StartFillerLocked();
}

void ZeroedWalFileSystem::StartFillerLocked() {
  if (filler_.joinable()) filler_.join();  // finished: filling_ is false
  filling_ = true;
  filler_ = std::thread([this] { Fill(); });
}

void ZeroedWalFileSystem::Fill() {
  // Written and synced a megabyte at a time, so the device never holds a long queue of
  // spare writes in front of a commit's sync.
  constexpr size_t kChunk = size_t{1} << 20;
  bool ok = false;
  int fd = ::open(partial_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd >= 0) {
    std::vector<char> zeros(kChunk, 0);
    uint64_t written = 0;
    ok = true;
    while (ok && written < options_.spare_bytes && !stopping_) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(kChunk, options_.spare_bytes - written));
      ssize_t w = ::pwrite(fd, zeros.data(), n, static_cast<off_t>(written));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        ok = false;
        break;
      }
      written += static_cast<uint64_t>(w);
      ok = ::fdatasync(fd) == 0;
    }
    ok = ok && written == options_.spare_bytes;
    ::close(fd);
  }
  // Renamed only after its zeros are synced: a file under the spare's name is always whole.
  ok = ok && ::rename(partial_path_.c_str(), spare_path_.c_str()) == 0;
  if (!ok) ::unlink(partial_path_.c_str());
  std::lock_guard lock(mu_);
  filling_ = false;
  if (ok) {
    spare_ready_ = true;
    // The filler starts only when the current log is busy; if that log is an ordinary file,
    // ask the store to move on to the spare now rather than when the memtable fills.
    if (!log_on_spare_) switch_wanted_ = true;
  }
}

}  // namespace folio::kv
