// Shared by the native benchmarks: their command line, and items/s of fn() over `reps` timed
// calls after 3 warm-ups.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

// --n N (items per call, default 10000) and --reps R (timed calls, default 21).
struct BenchArgs {
  size_t n = 10000;
  int reps = 21;
};

inline BenchArgs parse_bench_args(int argc, char** argv) {
  BenchArgs args;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--n") == 0) args.n = std::stoul(argv[i + 1]);
    if (std::strcmp(argv[i], "--reps") == 0) args.reps = std::stoi(argv[i + 1]);
  }
  return args;
}

// {median, best} of n / seconds per call.
template <class Fn>
std::pair<double, double> measure(size_t n, int reps, Fn&& fn) {
  for (int i = 0; i < 3; ++i) fn();
  std::vector<double> rates;
  for (int i = 0; i < reps; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    fn();
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    rates.push_back(static_cast<double>(n) / seconds);
  }
  std::sort(rates.begin(), rates.end());
  return {rates[rates.size() / 2], rates.back()};
}
