#!/usr/bin/env python3
"""Finds the stalls in a `folio bench --commit-log FILE` run (docs/perf/server.md, round 6).

A stall is a cluster of commits slower than --threshold-ms whose round trips overlap (within
--gap-ms): one slow group sync delays every commit waiting on it. Prints the run's percentiles,
each stall (seconds into the run and CLOCK_MONOTONIC seconds, to match `perf trace` /
`perf sched timehist` output of the server), and with --windows-ms the p50/p99 per window.

Usage: scripts/commit_stalls.py COMMIT_LOG [--threshold-ms 9] [--gap-ms 5] [--windows-ms 250]
"""
import argparse


def percentile(sorted_values, fraction):
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * fraction))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("commit_log")
    parser.add_argument("--threshold-ms", type=float, default=9.0)
    parser.add_argument("--gap-ms", type=float, default=5.0)
    parser.add_argument("--windows-ms", type=float, default=0.0)
    args = parser.parse_args()

    commits = []  # (answered_us, latency_us)
    with open(args.commit_log) as f:
        for line in f:
            answered, latency = line.split()
            commits.append((int(answered), int(latency)))
    if not commits:
        print("no commits")
        return
    t0 = commits[0][0] - commits[0][1]
    latencies = sorted(latency for _, latency in commits)
    print(f"commits {len(commits)}  p50 {percentile(latencies, 0.5) / 1000:.2f} ms  "
          f"p99 {percentile(latencies, 0.99) / 1000:.2f} ms  max {latencies[-1] / 1000:.2f} ms")

    threshold_us, gap_us = args.threshold_ms * 1000, args.gap_ms * 1000
    slow = sorted((answered - latency, answered) for answered, latency in commits
                  if latency > threshold_us)
    stalls = []  # [sent_us, answered_us, commits]
    for sent, answered in slow:
        if stalls and sent <= stalls[-1][1] + gap_us:
            stalls[-1][1] = max(stalls[-1][1], answered)
            stalls[-1][2] += 1
        else:
            stalls.append([sent, answered, 1])
    print(f"commits over {args.threshold_ms:g} ms: {len(slow)} in {len(stalls)} stalls")
    for sent, answered, n in stalls:
        print(f"  at {(sent - t0) / 1e6:7.3f} s (monotonic {sent / 1e6:.4f})  "
              f"{(answered - sent) / 1000:6.1f} ms  {n} commits")

    if args.windows_ms > 0:
        width = args.windows_ms * 1000
        windows = {}
        for answered, latency in commits:
            windows.setdefault(int((answered - t0) // width), []).append(latency)
        for w in sorted(windows):
            v = sorted(windows[w])
            print(f"  {w * width / 1e6:7.2f} s  n {len(v):5d}  p50 {percentile(v, 0.5) / 1000:6.2f}"
                  f"  p99 {percentile(v, 0.99) / 1000:6.2f}  max {v[-1] / 1000:6.2f} ms")


if __name__ == "__main__":
    main()
