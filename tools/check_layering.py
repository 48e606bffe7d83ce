#!/usr/bin/env python3
"""Fails if a module includes a header of a module it did not declare as a dependency.

Usage: check_layering.py <src dir> <layering file written by cmake/folio_module.cmake>
"""
import os
import re
import sys

src, layering = sys.argv[1], sys.argv[2]
allowed = {}
for line in open(layering):
    name, _, deps = line.partition(":")
    allowed[name.strip()] = set(deps.split())


def closure(m, seen=None):
    seen = seen if seen is not None else set()
    for d in allowed.get(m, ()):
        if d not in seen:
            seen.add(d)
            closure(d, seen)
    return seen


include = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/')
errors = []
for module in sorted(allowed):
    ok = closure(module) | {module}
    for root, _, files in os.walk(os.path.join(src, module)):
        for f in files:
            if not f.endswith((".h", ".cc")) or f.endswith("_test.cc") or "fuzz" in f:
                continue
            path = os.path.join(root, f)
            for n, line in enumerate(open(path, encoding="utf-8", errors="replace"), 1):
                m = include.match(line)
                if m and m.group(1) in allowed and m.group(1) not in ok:
                    errors.append(f"{path}:{n}: module '{module}' may not include '{m.group(1)}/'")
                if m and "/detail/" in line and m.group(1) != module:
                    errors.append(f"{path}:{n}: '{m.group(1)}/detail/' is private to '{m.group(1)}'")
for e in errors:
    print(e)
print(f"layering: {len(allowed)} modules checked, {len(errors)} violations")
sys.exit(1 if errors else 0)
