#!/usr/bin/env python3
"""Summarizes the recorded oracle corpus as Markdown (stdlib only).

    python3 scripts/oracle/summarize.py counts          # cases per verdict kind
    python3 scripts/oracle/summarize.py valid-refused   # valid per `config validate`, refused by `gateway run`
    python3 scripts/oracle/summarize.py valid-refused-grouped   # the same, one row per refusal
    python3 scripts/oracle/summarize.py invalid-started # invalid per `config validate`, started anyway
    python3 scripts/oracle/summarize.py messages        # distinct first refusal messages, with their cases
    python3 scripts/oracle/summarize.py missing         # cases without a (current) verdict
    python3 scripts/oracle/summarize.py all
"""

import json
import re
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CASES = REPO / "fixtures" / "oracle" / "cases"
sys.path.insert(0, str(Path(__file__).resolve().parent))
from record import case_digest  # noqa: E402


def load():
    out = []
    for d in sorted(p for p in CASES.iterdir() if (p / "case.json").is_file()):
        meta = json.loads((d / "case.json").read_text())
        vf = d / "verdict.json"
        v = json.loads(vf.read_text()) if vf.exists() else None
        stale = v is not None and v.get("case_sha256") != case_digest(d)
        out.append((d.name, meta, v, stale))
    return out


def kind(v):
    valid, outcome = v["validate"]["valid"], v["start"]["outcome"]
    if not valid:
        return f"invalid, {outcome}"
    return f"valid, {outcome}"


def first(v):
    m = v["start"]["messages"]
    return m[0] if m else ""


def md(s):
    return s.replace("|", "\\|")


def counts(cases):
    c = defaultdict(int)
    for _, _, v, _ in cases:
        if v:
            c[kind(v)] += 1
    total = sum(c.values())
    print("| `config validate` | `gateway run` | cases |")
    print("|---|---|---|")
    for k in sorted(c):
        valid, outcome = k.split(", ")
        print(f"| {valid} | {outcome} | {c[k]} |")
    print(f"| | **total** | **{total}** |")


def valid_refused(cases):
    print("| case | exit | first line of the refusal | mutations |")
    print("|---|---|---|---|")
    for cid, meta, v, _ in cases:
        if v and v["validate"]["valid"] and v["start"]["outcome"] != "started":
            msg = first(v)
            print(f"| `{cid}` | {v['start']['exit_code']} | {md(short(msg, v))} | {md('; '.join(meta['mutations']) or '(base)')} |")


def short(msg, v):
    """The first line, plus the one that names the problem when the first is generic."""
    msgs = v["start"]["messages"]
    if re.match(r"^Gateway failed to start: Invalid config at", msg) and len(msgs) > 1:
        return f"{msg} {msgs[1]}"
    return msg


def valid_refused_grouped(cases):
    by = defaultdict(list)
    for cid, _, v, _ in cases:
        if v and v["validate"]["valid"] and v["start"]["outcome"] != "started":
            msg = short(first(v), v)
            msg = re.sub(r"\(got [^)]*\)", "(got …)", msg)
            msg = re.sub(r"version \S+, but", "version …, but", msg)
            msg = re.sub(r"bind gateway to \w+ without", "bind gateway to <bind> without", msg)
            msg = re.sub(r"\(current: [^)]*\)", "(current: …)", msg)
            msg = re.sub(r"failed to load cert \(.*\)\.", "failed to load cert (…).", msg)
            msg = re.sub(r"Gateway failed to start: hooks\..*", "Gateway failed to start: hooks.… (hooks settings)", msg)
            by[(v["start"]["exit_code"], msg)].append(cid.split("-", 1)[0])
    print("| exit | refusal (first line) | cases |")
    print("|---|---|---|")
    for (code, msg), ids in sorted(by.items(), key=lambda kv: (-len(kv[1]), str(kv[0]))):
        print(f"| {code} | {md(msg)} | {len(ids)}: {', '.join(ids)} |")


def invalid_started(cases):
    print("| case | issues (`config validate`) | rewritten by the gateway | mutations |")
    print("|---|---|---|---|")
    for cid, meta, v, _ in cases:
        if v and not v["validate"]["valid"] and v["start"]["outcome"] == "started":
            issues = "; ".join(f"{i['path']}: {i['message']}" for i in v["validate"]["issues"])
            print(f"| `{cid}` | {md(issues)} | {'yes' if v['start'].get('config_rewritten') else 'no'} | {md('; '.join(meta['mutations']))} |")


def messages(cases):
    by = defaultdict(list)
    for cid, _, v, _ in cases:
        if v and v["start"]["outcome"] != "started":
            by[(v["start"]["exit_code"], short(first(v), v))].append(cid)
    print("| exit | message | cases |")
    print("|---|---|---|")
    for (code, msg), ids in sorted(by.items(), key=lambda kv: (-len(kv[1]), str(kv[0]))):
        print(f"| {code} | {md(msg)} | {', '.join(f'`{i}`' for i in ids)} |")


def missing(cases):
    for cid, _, v, stale in cases:
        if v is None:
            print(f"{cid}: no verdict")
        elif stale:
            print(f"{cid}: stale verdict")


def main():
    what = sys.argv[1] if len(sys.argv) > 1 else "all"
    cases = load()
    table = {
        "counts": counts,
        "valid-refused": valid_refused,
        "valid-refused-grouped": valid_refused_grouped,
        "invalid-started": invalid_started,
        "messages": messages,
        "missing": missing,
    }
    if what == "all":
        for name, fn in table.items():
            print(f"\n## {name}\n")
            fn(cases)
    elif what in table:
        table[what](cases)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
