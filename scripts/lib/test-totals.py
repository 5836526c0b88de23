#!/usr/bin/env python3
"""Prints one line of totals per test suite from JUnit/xUnit XML reports, and exits 1 when any suite has a
failure, an error or a skipped (or disabled) test, or when a report is missing or empty.

    scripts/lib/test-totals.py NAME=REPORT.xml [NAME=REPORT.xml ...]

`swift test --xunit-output` writes Swift Testing's results (disabled tests appear as skipped); pytest writes
`--junitxml`.
"""
import sys
import xml.etree.ElementTree as ET


def totals(path):
    root = ET.parse(path).getroot()
    cases = root.iter("testcase")
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    for case in cases:
        if case.find("failure") is not None or case.find("error") is not None:
            counts["failed"] += 1
        elif case.find("skipped") is not None:
            counts["skipped"] += 1
        else:
            counts["passed"] += 1
    return counts


def main(args):
    bad = False
    print("== totals")
    for arg in args:
        name, _, path = arg.partition("=")
        try:
            counts = totals(path)
        except (OSError, ET.ParseError) as error:
            print(f"{name:<28} no report ({error})")
            bad = True
            continue
        line = (f"{name:<28} passed {counts['passed']:>4}   failed {counts['failed']:>3}   "
                f"skipped or disabled {counts['skipped']:>3}")
        print(line)
        if counts["failed"] or counts["skipped"] or counts["passed"] == 0:
            bad = True
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
