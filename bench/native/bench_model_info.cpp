// Signature-read benchmark, native: how long onnx::read_model_info takes and how much heap it
// allocates, for each model file given on the command line.
//
//   build/bench/bench_model_info [--reps N] [--mmap] model.onnx...
//
// The file is read into a heap buffer first (what the wasm package and a browser hold: the
// bytes of a fetch()), or mapped with --mmap. Either way the buffer exists before measuring, so
// the figures are those of read_model_info alone. Prints one JSON object per model on stdout:
//   median_ms, min_ms        over N (default 50) calls after 3 warm-up calls
//   peak_extra_heap_bytes    highest heap in use during one call minus the heap in use before it,
//                            counted by the replaced global operator new/delete below (the
//                            returned ModelInfo is included: it is alive when the call returns)
//   allocations              operator new calls during that call
//   maxrss_delta_bytes       growth of the process's peak RSS (getrusage) across the first call
// A figure to read, not a test: nothing here passes or fails.
#include <fcntl.h>
#include <malloc.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <new>
#include <string>
#include <vector>

#include "common/error.h"
#include "onnx/model_info.h"

// ---- Counting allocator -------------------------------------------------------------------------
// Every operator new/delete form goes through these two functions. Sizes are malloc_usable_size
// (glibc), so a block is counted the same at allocation and release without a header, and the
// figure is the heap a call really holds. The benchmark is single-threaded.
namespace {

struct HeapCounter {
  size_t current = 0;
  size_t peak = 0;
  size_t allocations = 0;
};
HeapCounter g_heap;

void* counted_alloc(size_t size, size_t alignment) {
  if (size == 0) size = 1;
  void* p = alignment <= alignof(std::max_align_t) ? std::malloc(size) : std::aligned_alloc(alignment, (size + alignment - 1) / alignment * alignment);
  if (p == nullptr) return nullptr;
  g_heap.current += malloc_usable_size(p);
  g_heap.peak = std::max(g_heap.peak, g_heap.current);
  g_heap.allocations += 1;
  return p;
}

void counted_free(void* p) noexcept {
  if (p == nullptr) return;
  g_heap.current -= malloc_usable_size(p);
  std::free(p);
}

void* alloc_or_throw(size_t size, size_t alignment) {
  void* p = counted_alloc(size, alignment);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

}  // namespace

void* operator new(size_t n) { return alloc_or_throw(n, 0); }
void* operator new[](size_t n) { return alloc_or_throw(n, 0); }
void* operator new(size_t n, std::align_val_t a) { return alloc_or_throw(n, static_cast<size_t>(a)); }
void* operator new[](size_t n, std::align_val_t a) { return alloc_or_throw(n, static_cast<size_t>(a)); }
void* operator new(size_t n, const std::nothrow_t&) noexcept { return counted_alloc(n, 0); }
void* operator new[](size_t n, const std::nothrow_t&) noexcept { return counted_alloc(n, 0); }
void* operator new(size_t n, std::align_val_t a, const std::nothrow_t&) noexcept { return counted_alloc(n, static_cast<size_t>(a)); }
void* operator new[](size_t n, std::align_val_t a, const std::nothrow_t&) noexcept { return counted_alloc(n, static_cast<size_t>(a)); }
void operator delete(void* p) noexcept { counted_free(p); }
void operator delete[](void* p) noexcept { counted_free(p); }
void operator delete(void* p, size_t) noexcept { counted_free(p); }
void operator delete[](void* p, size_t) noexcept { counted_free(p); }
void operator delete(void* p, std::align_val_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { counted_free(p); }
void operator delete(void* p, size_t, std::align_val_t) noexcept { counted_free(p); }
void operator delete[](void* p, size_t, std::align_val_t) noexcept { counted_free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { counted_free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { counted_free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { counted_free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { counted_free(p); }

// ---- Benchmark ----------------------------------------------------------------------------------
namespace {

using onnx_predict::onnx::Bytes;
using onnx_predict::onnx::ModelInfo;
using onnx_predict::onnx::read_model_info;

constexpr int kWarmup = 3;

// The model's bytes, read into memory or mapped.
class ModelFile {
 public:
  ModelFile(const std::string& path, bool map) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail(path, "cannot open");
    struct stat st {};
    if (::fstat(fd, &st) != 0) fail(path, "cannot stat");
    size_ = static_cast<size_t>(st.st_size);
    if (map && size_ > 0) {
      void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (p == MAP_FAILED) fail(path, "cannot mmap");
      mapped_ = static_cast<const uint8_t*>(p);
    } else {
      buffer_.resize(size_);
      for (size_t done = 0; done < size_;) {
        ssize_t n = ::read(fd, buffer_.data() + done, size_ - done);
        if (n <= 0) fail(path, "cannot read");
        done += static_cast<size_t>(n);
      }
    }
    ::close(fd);
  }
  ~ModelFile() {
    if (mapped_) ::munmap(const_cast<uint8_t*>(mapped_), size_);
  }
  ModelFile(const ModelFile&) = delete;
  ModelFile& operator=(const ModelFile&) = delete;

  Bytes bytes() const { return {mapped_ ? mapped_ : buffer_.data(), size_}; }

 private:
  [[noreturn]] static void fail(const std::string& path, const char* what) {
    std::fprintf(stderr, "bench_model_info: %s %s: %s\n", what, path.c_str(), std::strerror(errno));
    std::exit(2);
  }
  std::vector<uint8_t> buffer_;
  const uint8_t* mapped_ = nullptr;
  size_t size_ = 0;
};

long maxrss_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss * 1024;  // Linux reports KiB
}

double elapsed_ms(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

// "…/node/test_abs/model.onnx" → "test_abs"; "…/large-200mb.onnx" → "large-200mb".
std::string model_name(const std::filesystem::path& path) {
  std::string stem = path.stem().string();
  if (stem == "model" && path.has_parent_path()) return path.parent_path().filename().string();
  return stem;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') { out += '\\'; out += c; }
    else if (static_cast<unsigned char>(c) < 0x20) { char hex[8]; std::snprintf(hex, sizeof hex, "\\u%04x", c); out += hex; }
    else out += c;
  }
  return out + "\"";
}

volatile uint64_t g_sink;  // keeps the optimizer from dropping calls whose result is unused

int bench(const std::string& path, int reps, bool map) {
  ModelFile file(path, map);
  Bytes bytes = file.bytes();

  // One call under the counters, first, so that its RSS delta is not hidden by a warm-up.
  long rss_before = maxrss_bytes();
  size_t heap_before = g_heap.current;
  g_heap.peak = heap_before;
  size_t allocations_before = g_heap.allocations;
  ModelInfo first;
  try {
    first = read_model_info(bytes);
  } catch (const onnx_predict::Error& e) {
    std::fprintf(stderr, "bench_model_info: %s: %s\n", path.c_str(), e.what());
    return 1;
  }
  size_t peak_extra = g_heap.peak - heap_before;
  size_t allocations = g_heap.allocations - allocations_before;
  long rss_delta = maxrss_bytes() - rss_before;

  for (int i = 0; i < kWarmup; ++i) g_sink = g_sink + read_model_info(bytes).node_count;
  std::vector<double> times;
  times.reserve(static_cast<size_t>(reps));
  for (int i = 0; i < reps; ++i) {
    auto start = std::chrono::steady_clock::now();
    ModelInfo info = read_model_info(bytes);
    g_sink = g_sink + info.node_count;
    times.push_back(elapsed_ms(start));  // `info` is destroyed after the clock stops
  }
  std::sort(times.begin(), times.end());
  double median = reps % 2 ? times[reps / 2] : (times[reps / 2 - 1] + times[reps / 2]) / 2;

  std::printf(
      "{\"name\": %s, \"path\": %s, \"bytes\": %zu, \"input\": \"%s\", \"reps\": %d, "
      "\"median_ms\": %.6f, \"min_ms\": %.6f, \"peak_extra_heap_bytes\": %zu, \"allocations\": %zu, "
      "\"maxrss_delta_bytes\": %ld, \"nodes\": %llu, \"initializer_bytes\": %llu}\n",
      json_string(model_name(path)).c_str(), json_string(path).c_str(), bytes.size(), map ? "mmap" : "read",
      reps, median, times.front(), peak_extra, allocations, rss_delta,
      static_cast<unsigned long long>(first.node_count), static_cast<unsigned long long>(first.initializer_bytes));
  std::fflush(stdout);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int reps = 50;
  bool map = false;
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--mmap") map = true;
    else if (arg == "--reps" && i + 1 < argc) reps = std::max(1, std::atoi(argv[++i]));
    else if (arg.rfind("--", 0) == 0) { std::fprintf(stderr, "bench_model_info: unknown option %s\n", arg.c_str()); return 2; }
    else paths.push_back(arg);
  }
  if (paths.empty()) {
    std::fprintf(stderr, "usage: bench_model_info [--reps N] [--mmap] model.onnx...\n");
    return 2;
  }
  int status = 0;
  for (const std::string& path : paths) status |= bench(path, reps, map);
  return status;
}
