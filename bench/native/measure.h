// Shared by the native benchmarks: items/s of fn() over `reps` timed calls after 3 warm-ups.
#pragma once

#include <algorithm>
#include <chrono>
#include <utility>
#include <vector>

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
