#!/usr/bin/env python3
"""Generates core/address/data/earlier.tsv: the earlier names of legacy-scheme units (renamed,
merged, upgraded or split between 2020 and 2025-06-30), each with the unit(s) it became in the
engine's legacy data (units.txt @legacy) and the dates between which it changed.

Sources (PyPI, MIT; only facts are taken):
- vietnam-provinces: dated releases of the statistics office's list of units. Each release with
  three levels is a snapshot; its date is the package's own `__data_version__`, or for releases
  that have none, the date of the office's export named in the package's description
  ("Xa_2020-02-25.csv"). Releases with identical data are kept once (all versions are listed).
  Releases from 2025.8.1 on hold the current scheme only; they are compared with
  vietnamadminunits' current units (printed to stderr), not used for earlier names.
- vietnamadminunits 1.0.4 (the source of units.txt): the legacy units as of 2025-06-30 and their
  alias columns (names merged away, without dates).

Download (wheels; releases from 2026 need Python >= 3.12, hence --python-version):

    for v in 0.2 0.2.1 0.2.2 0.3.0 0.4.0 0.4.1 0.4.2 0.4.3 0.5.0 0.5.8 0.6.0 2025.8.1 2025.10.1; do
      pip download --no-deps vietnam-provinces==$v -d /tmp/vp/$v; done
    for v in 2026.1.0 2026.2.0 2026.2.1 2026.2.2 2026.2.3 2026.3.0 2026.9.0; do
      pip download --no-deps --only-binary=:all: --python-version 3.12 vietnam-provinces==$v -d /tmp/vp/$v; done
    pip download --no-deps vietnamadminunits==1.0.4 -d /tmp/vau

Run (wheels are read in place, nothing needs unpacking):

    python3 core/address/data/earlier.py /tmp/vau/vietnamadminunits-1.0.4-py3-none-any.whl \\
        /tmp/vp/*/vietnam_provinces-*.whl > core/address/data/earlier.tsv \\
        2> core/address/data/earlier_report.txt

How a target is found, for each (level, code, name) seen in a snapshot and not in the engine's
legacy data under the same code and name (names compared by canonical key, so spelling variants
of one name are not earlier names). Steps in order; the first that answers wins:
1. the name still exists at that level in the same place (district for a ward, province for a
   district): not an earlier name, nothing written;
2. vietnamadminunits' alias columns: exactly one unit of that level in the same place lists the
   old name (with or without its type word; a bare number is never matched) -> that unit, unless
   the old code still exists under another unit (then the two disagree: left out, reported);
3. a district whose wards went elsewhere: the districts its wards belong to now (several: split,
   the one with most wards first);
4. the code still exists (with another name or type) -> that unit (renamed / upgraded);
5. a commune of a district that has no communes any more (Ly Son, 2020) -> that district.
6. the code is gone in the next snapshot: exactly one unit of the same place that is new or
   renamed in that snapshot bears the old name (same name with another type, or the old name as
   a whole run of words in the new one, or the old name less a numbering word, "Hai Chau II" ->
   "Hai Chau"; not for bare numbers) -> that unit, followed on to 2025-06-30 by the same steps.
Kinds: renamed = same code, another name; upgraded = same code, a higher type (xa -> thi tran or
phuong, huyen -> thi xa, thanh pho or quan, tinh -> thanh pho); merged = went into another unit,
or kept its code while others went into it in the same period; split = went into several.
Nothing else is guessed: an old name none of these resolves is written to stderr (the report,
kept as earlier_report.txt) and left out. The alias comes before the code because the release
of 2025-01-04 carries provisional codes for some merged wards that vietnamadminunits (and the
statistics office's 2025 mapping) do not use. The report also compares the current scheme of
vietnamadminunits with each 2025+ release of vietnam-provinces.
"""
import hashlib
import io
import json
import os
import re
import sqlite3
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from generate import key_of, tokens, split_type, PROVINCE_TYPES, DISTRICT_TYPES, WARD_TYPES  # noqa: E402

LEVELS = ("province", "district", "ward")
TYPES = {"province": PROVINCE_TYPES, "district": DISTRICT_TYPES, "ward": WARD_TYPES}
# Rank of a type word: a higher rank is an upgrade (xa -> thi tran -> phuong; huyen -> thi xa ->
# thanh pho / quan; tinh -> thanh pho).
RANK = {
    "province": {"T": 0, "C": 1},
    "district": {"H": 0, "X": 1, "C": 2, "Q": 2},
    "ward": {"X": 0, "T": 1, "P": 2, "D": 2},
}
# Trailing words that number units of one name ("Hai Chau I", "Phuc Thanh A"), folded.
ORDINALS = {"i", "ii", "iii", "iv", "a", "b", "c", "1", "2", "3", "4"}
# vietnamadminunits' legacy table is the 63-province scheme as it stood when it ended.
ENGINE_DATE = "2025-06-30"


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def norm_type(full):
    return full.replace("Thành Phố ", "Thành phố ").replace("Thị Xã ", "Thị xã ").replace("Thị Trấn ", "Thị trấn ")


class Snapshot:
    """Units of one dataset: units[level][code] = (full name, parent code)."""

    def __init__(self, label, date, versions):
        self.label, self.date, self.versions = label, date, versions
        self.units = {lv: {} for lv in LEVELS}

    def children(self, level, parent):
        return [c for c, (_, p) in self.units[level].items() if p == parent]


def wheel_version(path):
    name = os.path.basename(path)
    m = re.match(r"([A-Za-z0-9_]+)-([0-9][^-]*)-", name)
    if not m:
        raise SystemExit(f"not a wheel name: {name}")
    return m.group(1), m.group(2)


def read_vp(path):
    """A vietnam-provinces wheel -> (version, data date, nested json bytes, sha256s)."""
    _, version = wheel_version(path)
    raw = open(path, "rb").read()
    z = zipfile.ZipFile(io.BytesIO(raw))
    nested = z.read("vietnam_provinces/data/nested-divisions.json")
    init = z.read("vietnam_provinces/__init__.py").decode("utf-8")
    meta = [n for n in z.namelist() if n.endswith(".dist-info/METADATA")][0]
    meta = z.read(meta).decode("utf-8")
    m = re.search(r"__data_version__\s*=\s*'(\d{4}-\d{2}-\d{2})'", init)
    if m:
        date, how = m.group(1), "__data_version__"
    else:
        m = re.search(r"-i dev/seed-data/Xa_(\d{4}-\d{2}-\d{2})\.csv", meta)
        if not m:
            raise SystemExit(f"no data date in {path}")
        date, how = m.group(1), "seed file named in its description"
    return {"version": version, "date": date, "how": how, "nested": nested,
            "sha_wheel": sha256(raw), "sha_json": sha256(nested)}


def snapshot_from_nested(nested, label, date, versions):
    s = Snapshot(label, date, versions)
    for p in json.loads(nested):
        pc = f"{p['code']:02d}"
        s.units["province"][pc] = (norm_type(p["name"]), None)
        for d in p.get("districts", []):
            dc = f"{d['code']:03d}"
            s.units["district"][dc] = (norm_type(d["name"]), pc)
            for w in d["wards"]:
                s.units["ward"][f"{w['code']:05d}"] = (norm_type(w["name"]), dc)
    return s


def read_vau(path):
    """The vietnamadminunits wheel -> (legacy Snapshot, aliases[level][code], current units, sha256s)."""
    raw = open(path, "rb").read()
    z = zipfile.ZipFile(io.BytesIO(raw))
    db_bytes = z.read("vietnamadminunits/data/dataset.db")
    _, version = wheel_version(path)
    with tempfile.NamedTemporaryFile(suffix=".db") as f:
        f.write(db_bytes)
        f.flush()
        db = sqlite3.connect(f.name)
        rows = db.execute(
            "select province, provinceCode, district, districtCode, ward, wardCode, provinceAlias, "
            "districtAlias, wardAlias from admin_units_legacy").fetchall()
        cur = db.execute("select province, provinceCode, ward, wardCode from admin_units").fetchall()
        db.close()
    e = Snapshot("vietnamadminunits " + version, ENGINE_DATE, ["vietnamadminunits " + version])
    aliases = {lv: {} for lv in LEVELS}
    for prov, pc, dist, dc, ward, wc, pa, da, wa in rows:
        e.units["province"][pc] = (norm_type(prov), None)
        e.units["district"][dc] = (norm_type(dist), pc)
        aliases["province"][pc] = json.loads(pa) if pa else []
        aliases["district"][dc] = json.loads(da) if da else []
        if wc:
            e.units["ward"][wc] = (norm_type(ward), dc)
            aliases["ward"][wc] = json.loads(wa) if wa else []
    current = {"province": {}, "ward": {}}
    for prov, pc, ward, wc in cur:
        current["province"][pc] = norm_type(prov)
        current["ward"][wc] = (norm_type(ward), pc)
    return e, aliases, current, {"version": version, "sha_wheel": sha256(raw), "sha_db": sha256(db_bytes)}


def engine_legacy_codes(units_txt):
    """(level, code) of every unit in units.txt @legacy, to check targets against."""
    codes, on = set(), False
    for line in open(units_txt, encoding="utf-8"):
        if line.startswith("@"):
            on = line.strip() == "@legacy"
            continue
        if on and line[:1] in "PDW" and not line.startswith("#"):
            lv = {"P": "province", "D": "district", "W": "ward"}[line[0]]
            codes.add((lv, line[1:].split("\t", 1)[0]))
    return codes


class Resolver:
    def __init__(self, snaps, engine, aliases):
        self.snaps = snaps + [engine]  # oldest first, the engine's data last
        self.e = engine
        self.alias_keys = {lv: {c: {key_of(a) for a in al} for c, al in aliases[lv].items()} for lv in LEVELS}
        self.conflicts = []

    # ---- places ----
    def places(self, level, code, i, s_to):
        """Parents in snapshot s_to of the place a unit of snapshot i stood in: its province for a
        district, for a ward the district(s) in s_to of the wards of its old district."""
        s = self.snaps[i]
        _, parent = s.units[level][code]
        if level == "province":
            return {None}
        if level == "district":
            return {parent}
        out = set()
        for sib in s.children("ward", parent):
            if sib in s_to.units["ward"]:
                out.add(s_to.units["ward"][sib][1])
        if parent in s_to.units["district"]:
            out.add(parent)
        return out

    def in_places(self, level, snap, places):
        return [c for c, (_, p) in snap.units[level].items() if p in places]

    # ---- evidence ----
    def by_alias(self, level, full, places):
        short = split_type(full, TYPES[level])[1]
        keys = {key_of(full)}
        if not key_of(short).isdigit():
            keys.add(key_of(short))
        return [c for c in self.in_places(level, self.e, places) if self.alias_keys[level].get(c, set()) & keys]

    def by_same_name(self, level, full, snap, places):
        return [c for c in self.in_places(level, snap, places) if key_of(snap.units[level][c][0]) == key_of(full)]

    def by_wards(self, code, i):
        """The engine's districts that hold the wards of district `code` of snapshot i."""
        s = self.snaps[i]
        count = {}
        for w in s.children("ward", code):
            if w in self.e.units["ward"]:
                d = self.e.units["ward"][w][1]
                count[d] = count.get(d, 0) + 1
        return sorted(count, key=lambda d: (-count[d], d != code, d))

    def by_new_name(self, level, code, full, i, n):
        """Units of snapshot n, new or renamed since snapshot i, in the same place, bearing the old name."""
        old, new = self.snaps[i], self.snaps[n]
        short = split_type(full, TYPES[level])[1]
        if key_of(short).isdigit():
            return []
        want = [t for t in tokens(short)]
        hits = []
        for c in self.in_places(level, new, self.places(level, code, i, new)):
            nfull = new.units[level][c][0]
            if c in old.units[level] and key_of(old.units[level][c][0]) == key_of(nfull):
                continue  # unchanged
            nshort = split_type(nfull, TYPES[level])[1]
            have = tokens(nshort)
            if have == want or any(have[k:k + len(want)] == want for k in range(len(have) - len(want) + 1)):
                hits.append(c)
            elif len(want) > 1 and want[-1] in ORDINALS and have == want[:-1]:
                hits.append(c)  # "Hai Chau II" went into "Hai Chau" (made of "Hai Chau I" and "II")
        return hits

    # ---- resolution ----
    def last_seen(self, level, code, full, i):
        j = i
        while j + 1 < len(self.snaps) and code in self.snaps[j + 1].units[level] and \
                key_of(self.snaps[j + 1].units[level][code][0]) == key_of(full):
            j += 1
        return j

    def resolve(self, level, code, full, i, top=False):
        """Engine codes that unit (code, full) of snapshot i became, and how that was found;
        ([], reason) when unknown; at the top, "name still exists" when it is not an earlier name."""
        e = self.e
        if code in e.units[level] and key_of(e.units[level][code][0]) == key_of(full):
            return [(level, code)], "same"
        places = self.places(level, code, i, e)
        same = self.by_same_name(level, full, e, places)
        if same:
            if top:
                return [(level, same[0])], "name still exists"
            return [(level, same[0])], "name"
        alias = self.by_alias(level, full, places)
        if len(alias) > 1 and code in alias:
            alias = [code]
        if len(alias) == 1:
            if code in e.units[level] and alias[0] != code:
                self.conflicts.append((level, code, full, alias[0]))
                return [], (f"the code is now {e.units[level][code][0]} ({code}) but the old name is an alias of "
                            f"{e.units[level][alias[0]][0]} ({alias[0]})")
            return [(level, alias[0])], "alias"
        if len(alias) > 1:
            return [], "alias ambiguous: " + " ".join(sorted(alias))
        if level == "district":
            held = self.by_wards(code, i)
            if held:
                return [(level, d) for d in held], "wards"
        if code in e.units[level]:
            return [(level, code)], "code"
        if level == "ward":
            d = self.snaps[i].units["ward"][code][1]
            if d in e.units["district"] and not e.children("ward", d):
                return [("district", d)], "district without wards"
        j = self.last_seen(level, code, full, i)
        n = j + 1
        if n >= len(self.snaps):
            return [], "unexpected"
        nxt = self.snaps[n]
        if code in nxt.units[level]:
            got, how = self.resolve(level, code, nxt.units[level][code][0], n)
            return got, how if not got else "code>" + how
        hits = self.by_new_name(level, code, full, j, n)
        if len(hits) == 1:
            got, how = self.resolve(level, hits[0], nxt.units[level][hits[0]][0], n)
            return got, how if not got else "name>" + how
        if hits:
            return [], "several new units bear the name: " + " ".join(sorted(hits))
        return [], "code gone, no alias or name evidence"


def kind_of(level, full, code, targets, e):
    if len(targets) > 1:
        return "split"
    tl, t = targets[0]
    if tl != level or t != code:
        return "merged"
    otype = split_type(full, TYPES[level])[0]
    ntype = split_type(e.units[level][t][0], TYPES[level])[0]
    return "upgraded" if RANK[level][ntype] > RANK[level][otype] else "renamed"


def compare_current(vau_current, vp_current):
    """Differences between vietnamadminunits' current units and a 2025+ vietnam-provinces release:
    provinces by code and short name; wards by code, then the ones that differ matched by name."""
    out = []
    a_p, b_p = vau_current["province"], vp_current["province"]
    for c in sorted(set(a_p) | set(b_p)):
        sa = key_of(split_type(a_p[c], PROVINCE_TYPES)[1]) if c in a_p else None
        sb = b_p.get(c)
        sb = key_of(split_type(sb, PROVINCE_TYPES)[1] if sb.split(" ")[0] in ("Tỉnh", "Thành") else sb) if sb else None
        if sa != sb:
            out.append(f"province {c}: {a_p.get(c)} | {b_p.get(c)}")
    a_w, b_w = vau_current["ward"], vp_current["ward"]
    same = [c for c in set(a_w) & set(b_w) if key_of(a_w[c][0]) == key_of(b_w[c][0]) and a_w[c][1] == b_w[c][1]]
    spelling = sum(1 for c in same if a_w[c][0] != b_w[c][0])
    rest_a = {c: a_w[c] for c in a_w if c not in same}
    rest_b = {c: b_w[c] for c in b_w if c not in same}
    by_name_b = {}
    for c, (n, p) in rest_b.items():
        by_name_b.setdefault((p, key_of(n)), []).append(c)
    recoded, only_a = [], []
    for c, (n, p) in sorted(rest_a.items()):
        other = by_name_b.get((p, key_of(n)), [])
        if len(other) == 1:
            recoded.append((c, other[0], n, p))
            del rest_b[other[0]]
        else:
            only_a.append((c, n, p))
    for c, cb, n, p in recoded:
        out.append(f"ward {n} (province {p}): code {c} in vietnamadminunits, {cb} in vietnam-provinces")
    for c, n, p in only_a:
        out.append(f"ward {c} {n} (province {p}): only in vietnamadminunits"
                   + (f"; vietnam-provinces has {c} as {rest_b[c][0]}" if c in rest_b else ""))
    for c, (n, p) in sorted(rest_b.items()):
        if c not in dict((x[0], 1) for x in only_a):
            out.append(f"ward {c} {n} (province {p}): only in vietnam-provinces")
    for c in sorted(same):
        if a_w[c][0] != b_w[c][0]:
            out.append(f"ward {c} spelt {a_w[c][0]} | {b_w[c][0]}")
    summary = (f"{len(same)} wards identical by code, name and province ({spelling} of them spelt differently), "
               f"{len(recoded)} same name under another code, {len(only_a)} names only in vietnamadminunits, "
               f"{len(rest_b)} only in vietnam-provinces")
    return out, summary


def main(paths):
    units_txt = os.path.join(os.path.dirname(os.path.abspath(__file__)), "units.txt")
    vau_path = [p for p in paths if os.path.basename(p).startswith("vietnamadminunits-")]
    vp_paths = [p for p in paths if os.path.basename(p).startswith("vietnam_provinces-")]
    if len(vau_path) != 1 or not vp_paths:
        raise SystemExit("usage: earlier.py vietnamadminunits-X.whl vietnam_provinces-*.whl")
    engine, aliases, vau_current, vau_info = read_vau(vau_path[0])

    def vkey(v):
        return tuple(int(x) for x in v.split("."))
    vps = sorted((read_vp(p) for p in vp_paths), key=lambda r: vkey(r["version"]))
    # Group releases with identical data; the group is dated by its data date.
    groups = []
    for r in vps:
        if groups and groups[-1]["sha_json"] == r["sha_json"]:
            groups[-1]["versions"].append(r["version"])
            groups[-1]["last_date"] = r["date"]
        else:
            groups.append({"sha_json": r["sha_json"], "versions": [r["version"]], "date": r["date"],
                           "how": r["how"], "nested": r["nested"], "last_date": r["date"]})
    legacy, current = [], []
    for g in groups:
        label = "vietnam-provinces " + g["versions"][0]
        s = snapshot_from_nested(g["nested"], label, g["date"], g["versions"])
        (legacy if s.units["district"] else current).append((g, s))
    snaps = [s for _, s in legacy]
    for a, b in zip(snaps, snaps[1:]):
        assert a.date < b.date < ENGINE_DATE, (a.date, b.date)

    codes = engine_legacy_codes(units_txt)
    mine = {(lv, c) for lv in LEVELS for c in engine.units[lv]}
    if codes != mine:
        raise SystemExit(f"units.txt @legacy is not vietnamadminunits {vau_info['version']}'s legacy data")

    res = Resolver(snaps, engine, aliases)
    seen = {}  # (level, code, key) -> [first snapshot, last snapshot, full]
    for i, s in enumerate(snaps):
        for lv in LEVELS:
            for c, (full, _) in s.units[lv].items():
                k = (lv, c, key_of(full))
                if k in seen:
                    seen[k][1] = i
                else:
                    seen[k] = [i, i, full]
    lines, unresolved, skipped, moved, took_in = [], [], 0, 0, set()
    for (lv, c, k), (first, last, full) in sorted(seen.items(), key=lambda kv: (LEVELS.index(kv[0][0]), kv[0][1], kv[1][0])):
        if c in engine.units[lv] and key_of(engine.units[lv][c][0]) == k:
            if lv == "ward" and snaps[last].units[lv].get(c, (None, None))[1] != engine.units[lv][c][1] \
                    and snaps[last].units["ward"][c][1] in engine.units["district"]:
                moved += 1
            continue
        targets, how = res.resolve(lv, c, full, first, top=True)
        nxt = snaps[last + 1] if last + 1 < len(snaps) else engine
        date = f"{snaps[last].date}..{nxt.date}"
        src = "vietnam-provinces " + ",".join(
            s.versions[0] if len(s.versions) == 1 else f"{s.versions[0]}-{s.versions[-1]}" for s in snaps[first:last + 1])
        if how == "name still exists":
            skipped += 1
            if c not in engine.units[lv]:
                took_in.add((targets[0][0], targets[0][1], date))
            continue
        parent = snaps[last].units[lv][c][1]
        pname = snaps[last].units["district" if lv == "ward" else "province"][parent][0] if parent else ""
        if not targets:
            # Say what a reader might take for the target, so that it can be checked by hand.
            places = res.places(lv, c, last, engine)
            short = key_of(split_type(full, TYPES[lv])[1])
            near = [f"{engine.units[lv][x][0]} ({x})" for x in res.in_places(lv, engine, places)
                    if key_of(split_type(engine.units[lv][x][0], TYPES[lv])[1]) == short]
            if near:
                how += "; same name with another type: " + ", ".join(near)
            unresolved.append(f"legacy\t{lv}\t{c}\t{full}\t{pname}\t{date}\t{src}\t{how}")
            continue
        for t in targets:
            assert t in codes, t
        kind = kind_of(lv, full, c, targets, engine)
        lines.append([lv, c, full, targets[0][0], " ".join(t for _, t in targets), date, kind, f"{src}; target by {how}"])
    # A unit that kept its code but took in others in the same period was merged, not only renamed.
    into = took_in | {(l[3], l[4], l[5]) for l in lines if l[6] == "merged"}
    for l in lines:
        if l[6] in ("renamed", "upgraded") and (l[3], l[4], l[5]) in into:
            l[6] = "merged"
    lines = ["\t".join(["legacy"] + l) for l in lines]

    out = sys.stdout
    out.write("# Earlier names of legacy-scheme units, generated by core/address/data/earlier.py. Do not edit.\n")
    out.write(f"# engine legacy data: vietnamadminunits {vau_info['version']} (PyPI, MIT), as of {ENGINE_DATE} (= units.txt @legacy)\n")
    out.write(f"#   sha256 wheel {vau_info['sha_wheel']}\n#   sha256 dataset.db {vau_info['sha_db']}\n")
    out.write("# snapshots: vietnam-provinces (PyPI, MIT; the statistics office's list of units), vietnam_provinces/data/nested-divisions.json\n")
    for g, s in legacy + current:
        scope = "3 levels" if s.units["district"] else "current scheme only, not used here"
        same = f", unchanged in the release with data of {g['last_date']}" if g["last_date"] != g["date"] else ""
        out.write(f"#   {','.join(g['versions'])}: data as of {g['date']} ({g['how']}){same}, {scope}; sha256 json {g['sha_json']}\n")
    for r in vps:
        out.write(f"#   sha256 vietnam_provinces-{r['version']}-py3-none-any.whl {r['sha_wheel']}\n")
    out.write("# An earlier name is a (level, code, name) of a snapshot that the engine's legacy data does not have under that\n")
    out.write("# code and name (names compared by canonical key). Targets: see earlier.py; unresolved names are left out\n")
    out.write("# (earlier_report.txt). Dates are ISO: a day, or FROM..TO = last snapshot with the old name..first without.\n")
    out.write("# Kinds: renamed = same code, another name; upgraded = same code, higher type; merged = went into another unit,\n")
    out.write("# or kept its code while others went into it in the same period; split = went into several (main first).\n")
    out.write("# Columns (tab-separated): scheme, level, old_code, old full name, now_level, now_code(s) in units.txt @legacy\n")
    out.write("# (space-separated, main first), date or date range, kind (renamed|merged|upgraded|split), source version(s); evidence\n")
    for line in lines:
        out.write(line + "\n")

    err = sys.stderr
    err.write("# Earlier names left out of earlier.tsv: what they became is not certain from the data. Generated by earlier.py.\n")
    err.write("# Columns: scheme, level, old_code, old full name, old parent, date range, source version(s), reason\n")
    for u in unresolved:
        err.write(u + "\n")
    err.write(f"# summary: {len(lines)} earlier names written, {len(unresolved)} unresolved, {skipped} old names that still exist in the\n")
    err.write(f"# same place (not earlier names), {moved} wards moved to another existing district under the same name (not written),\n")
    err.write(f"# {len(res.conflicts)} where the alias and the code disagree (left out, listed above):\n")
    for lv, c, full, a in res.conflicts:
        err.write(f"#   {lv} {c} {full}: code {c} is now {engine.units[lv][c][0]}, alias of {a} {engine.units[lv][a][0]}\n")
    for g, s in current:
        vp_cur = {"province": {c: u[0] for c, u in s.units["province"].items()}, "ward": {}}
        for p in json.loads(g["nested"]):
            for w in p.get("wards", []):
                vp_cur["ward"][f"{w['code']:05d}"] = (norm_type(w["name"]), f"{p['code']:02d}")
        diffs, summary = compare_current(vau_current, vp_cur)
        err.write(f"# current scheme: vietnamadminunits {vau_info['version']} ({len(vau_current['province'])} provinces, "
                  f"{len(vau_current['ward'])} wards) vs vietnam-provinces {','.join(g['versions'])} (data {g['date']}..{g['last_date']}; "
                  f"{len(vp_cur['province'])} provinces, {len(vp_cur['ward'])} wards): {summary}\n")
        for d in diffs:
            err.write(f"#   {d}\n")


if __name__ == "__main__":
    main(sys.argv[1:])
