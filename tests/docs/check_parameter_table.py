#!/usr/bin/env python3
"""Every configurable field of proto/ketensim/scenario.proto must have a row in
the complete parameter table of docs/ODD.md (section 7.16): a backticked key
path whose last component is the field's name. Standard library only.

Usage: check_parameter_table.py PROTO ODD
"""
import re
import sys


def fields(proto_text):
    """(message, field) for every scalar or enum field (not nested messages)."""
    messages = set(re.findall(r"^message\s+(\w+)", proto_text, re.M))
    out = []
    current = None
    depth = 0
    for line in proto_text.splitlines():
        code = line.split("//", 1)[0]
        start = re.match(r"\s*message\s+(\w+)\s*\{", code)
        if start and depth == 0:
            current = start.group(1)
        m = re.match(r"\s*(?:optional|repeated|required)\s+([\w.]+)\s+(\w+)\s*=", code)
        if m and current and m.group(1) not in messages:
            out.append((current, m.group(2)))
        depth += code.count("{") - code.count("}")
        if depth == 0:
            current = None
    return out


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    proto = open(sys.argv[1], encoding="utf-8").read()
    odd = open(sys.argv[2], encoding="utf-8").read()
    begin = odd.find("### 7.16 Complete parameter table")
    end = odd.find("\n### ", begin + 1)
    if begin < 0:
        print("docs/ODD.md has no section '7.16 Complete parameter table'")
        return 1
    table = odd[begin:end]
    keys = re.findall(r"^\|\s*`([^`]+)`", table, re.M)
    last = {k.split(".")[-1] for k in keys}
    # List elements documented in their list's row ({year, amount_eur}, ...).
    in_list_row = {"YearAmount": "envelope", "ThresholdOverride": "threshold_overrides"}
    missing = [
        (msg, f)
        for msg, f in fields(proto)
        if f not in last and f != "id" and in_list_row.get(msg) not in last
    ]
    for msg, f in missing:
        print(f"missing from ODD 7.16: field '{f}' of message {msg}")
    print(f"{len(keys)} rows; {len(fields(proto))} fields checked; {len(missing)} missing")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
