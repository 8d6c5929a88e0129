#!/usr/bin/env python3
"""Regenerates core/address/data/units.txt from the vietnamadminunits 1.0.4 wheel (PyPI, MIT).

Only facts are taken (names, codes, types, aliases of merged-away names, the 2025 old->new
ward mapping); no code is ported. Usage:

    pip download --no-deps vietnamadminunits==1.0.4 -d /tmp/vau
    (cd /tmp/vau && unzip -o -q vietnamadminunits-1.0.4-py3-none-any.whl)
    python3 core/address/data/generate.py /tmp/vau/vietnamadminunits/data > core/address/data/units.txt

The output is a line-oriented text file (see the header it writes) that nobi-core embeds with
include_str! and parses once at first use. Text beats a binary format here: it gzips about as well,
diffs readably in review and needs no extra dependency to decode.
"""
import hashlib
import json
import os
import sqlite3
import sys
import unicodedata

SOURCE = "vietnamadminunits 1.0.4 (PyPI, MIT)"

PROVINCE_TYPES = {"Thành phố": "C", "Tỉnh": "T"}
DISTRICT_TYPES = {"Quận": "Q", "Huyện": "H", "Thị xã": "X", "Thành phố": "C"}
WARD_TYPES = {"Phường": "P", "Xã": "X", "Thị trấn": "T", "Đặc khu": "D"}
TYPE_KEYS = ["thanhpho", "tinh", "quan", "huyen", "thixa", "phuong", "xa", "thitran", "dackhu", "tp", "tx", "tt"]


def fold_char(c):
    """ASCII base letter, lowercased, or None for a separator (mirrors normalize::fold_char)."""
    if c.isascii() and c.isalnum():
        return c.lower()
    if c in "đĐðÐ":
        return "d"
    if ord(c) < 0xC0:
        return None
    base = unicodedata.normalize("NFD", c)[0]
    if base.isascii() and base.isalpha():
        return base.lower()
    return None


def canonical(folded):
    """y->i, k->c unless before h, leading zeros of digit runs dropped (normalize::canonical)."""
    out, i = [], 0
    while i < len(folded):
        b = folded[i]
        if b == "y":
            out.append("i")
        elif b == "k" and folded[i + 1:i + 2] != "h":
            out.append("c")
        elif b.isdigit():
            j = i
            while j < len(folded) and folded[j].isdigit():
                j += 1
            out.append(folded[i:j].lstrip("0") or "0")
            i = j
            continue
        else:
            out.append(b)
        i += 1
    return "".join(out)


def tokens(text):
    """The folded tokens of a name, split as normalize::tokenize splits them."""
    toks, cur, numeric, prev_lower = [], "", False, False
    for c in text:
        f = fold_char(c)
        if f is None:
            if cur:
                toks.append(cur)
            cur, prev_lower = "", False
            continue
        is_digit = f.isdigit()
        camel = c.isupper() and prev_lower
        if cur and (is_digit != numeric or camel):
            toks.append(cur)
            cur = ""
        if not cur:
            numeric = is_digit
        cur += f
        prev_lower = c.islower()
    if cur:
        toks.append(cur)
    return toks


def key_of(text):
    """Canonical key of a name, exactly as nobi-core computes it (checked by its tests)."""
    return "".join(canonical(t) for t in tokens(text))


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def split_type(full, types):
    full = full.replace("Thành Phố ", "Thành phố ").replace("Thị Xã ", "Thị xã ").replace("Thị Trấn ", "Thị trấn ")
    for name, char in types.items():
        if full.startswith(name + " "):
            return char, full[len(name) + 1:]
    raise SystemExit(f"unknown unit type in {full!r}")


def alias_keys(raw, own_keys, earlier=()):
    """Aliases are folded keys (no spaces, no diacritics); keep the short forms that add something.
    `earlier`: canonical keys of the unit's dated earlier names (earlier.tsv), added after them."""
    out = []
    for key in json.loads(raw) if raw else []:
        for t in TYPE_KEYS:
            if key.startswith(t) and len(key) > len(t) + 1:
                key = key[len(t):]
                break
        key = key_of(key)
        if key not in own_keys and key not in out:
            out.append(key)
    own = {key_of(k) for k in own_keys}
    for key in earlier:
        if key not in own and key not in out:
            out.append(key)
    return out


def main(data_dir):
    db_path = os.path.join(data_dir, "dataset.db")
    conv_path = os.path.join(data_dir, "converter_2025.json")
    db = sqlite3.connect(db_path)
    conv = json.load(open(conv_path, encoding="utf-8"))

    # ---- current scheme ----
    cur_rows = db.execute(
        "select province, provinceCode, provinceKey, provinceShortKey, provinceAlias, ward, wardCode, wardKey, wardShortKey "
        "from admin_units order by provinceCode, wardCode"
    ).fetchall()
    cur_ward_by_key = {}  # (provinceKey, wardKey) -> wardCode
    cur_prov_by_key = {}
    for (prov, pcode, pkey, pskey, palias, ward, wcode, wkey, wskey) in cur_rows:
        cur_ward_by_key[(pkey, wkey)] = wcode
        cur_prov_by_key[pkey] = pcode

    # ---- legacy scheme ----
    leg_rows = db.execute(
        "select province, provinceCode, provinceKey, provinceShortKey, provinceAlias, "
        "district, districtCode, districtKey, districtShortKey, districtAlias, "
        "ward, wardCode, wardKey, wardShortKey, wardAlias from admin_units_legacy "
        "order by provinceCode, districtCode, wardCode"
    ).fetchall()
    leg_ward_by_key = {}
    leg_prov_key_to_code = {}
    for r in leg_rows:
        leg_prov_key_to_code[r[2]] = r[1]
        if r[11]:
            leg_ward_by_key[f"{r[2]}_{r[7]}_{r[12]}"] = r[11]

    # ---- old -> new ward mapping ----
    mapping = {}  # legacy ward code -> [current ward codes], the converter's default first
    for new_pkey, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_wkey, olds in wards.items():
            new_code = cur_ward_by_key[(new_pkey, new_wkey)]
            for old in olds:
                if old in leg_ward_by_key:
                    mapping.setdefault(leg_ward_by_key[old], []).append(new_code)
    for new_pkey, olds in conv["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, options in olds.items():
            if old not in leg_ward_by_key:
                continue
            codes = [cur_ward_by_key[(new_pkey, o["newWardKey"])] for o in sorted(options, key=lambda o: not o["isDefaultNewWard"])]
            lst = mapping.setdefault(leg_ward_by_key[old], [])
            for c in codes:
                if c not in lst:
                    lst.append(c)
    prov_map = {}  # legacy province code -> current province code
    for new_pkey, old_pkeys in conv["DICT_PROVINCE"].items():
        for old in old_pkeys:
            prov_map[leg_prov_key_to_code[old]] = cur_prov_by_key[new_pkey]

    out = sys.stdout
    out.write("# Nobi Pro administrative units, generated by core/address/data/generate.py. Do not edit.\n")
    out.write(f"# source: {SOURCE}, valid from 2025-07-01 (current) and as of 2025-06-30 (legacy)\n")
    out.write(f"# sha256 dataset.db {sha256(db_path)}\n")
    out.write(f"# sha256 converter_2025.json {sha256(conv_path)}\n")
    out.write("# Lines: P=province D=district (legacy only) W=ward; each belongs to the P/D line above it.\n")
    out.write("# Fields are tab-separated: kind+code, type char + short name, canonical key of the short name,\n")
    out.write("# aliases (canonical keys, comma-separated),\n")
    out.write("# then for legacy P: current province code; for legacy W (and D without wards): current ward codes.\n")
    out.write("# Types: P C=Thanh pho T=Tinh; D Q=Quan H=Huyen X=Thi xa C=Thanh pho; W P=Phuong X=Xa T=Thi tran D=Dac khu.\n")

    names = [split_type(r[0], PROVINCE_TYPES)[1] for r in cur_rows] + [split_type(r[5], WARD_TYPES)[1] for r in cur_rows]
    names += [split_type(r[0], PROVINCE_TYPES)[1] for r in leg_rows] + [split_type(r[5], DISTRICT_TYPES)[1] for r in leg_rows]
    names += [split_type(r[10], WARD_TYPES)[1] for r in leg_rows if r[11]]
    out.write(f"@max_tokens {max(len(tokens(n)) for n in names)}\n")
    out.write("@current\n")
    last_p = None
    for (prov, pcode, pkey, pskey, palias, ward, wcode, wkey, wskey) in cur_rows:
        if pcode != last_p:
            t, short = split_type(prov, PROVINCE_TYPES)
            out.write(f"P{pcode}\t{t}{short}\t{key_of(short)}\t{','.join(alias_keys(palias, {pkey, pskey}))}\n")
            last_p = pcode
        t, short = split_type(ward, WARD_TYPES)
        out.write(f"W{wcode}\t{t}{short}\t{key_of(short)}\t\n")

    out.write("@legacy\n")
    earlier = earlier_keys_by_unit()
    last_p = last_d = None
    cur_by_code = {r[6]: r for r in cur_rows}
    for r in leg_rows:
        (prov, pcode, pkey, pskey, palias, dist, dcode, dkey, dskey, dalias, ward, wcode, wkey, wskey, walias) = r
        if pcode != last_p:
            t, short = split_type(prov, PROVINCE_TYPES)
            out.write(f"P{pcode}\t{t}{short}\t{key_of(short)}\t{','.join(alias_keys(palias, {pkey, pskey, short}, earlier.get(('province', pcode), ())))}\t{prov_map[pcode]}\n")
            last_p = pcode
        if dcode != last_d:
            t, short = split_type(dist, DISTRICT_TYPES)
            extra = ""
            if not wcode:
                # Island districts without wards became special zones (dac khu) of the same name.
                new_p = prov_map[pcode]
                hits = [c for c, cr in cur_by_code.items() if cr[1] == new_p and cr[8] == dskey]
                extra = "\t" + " ".join(hits)
            out.write(f"D{dcode}\t{t}{short}\t{key_of(short)}\t{','.join(alias_keys(dalias, {dkey, dskey, short}, earlier.get(('district', dcode), ())))}{extra}\n")
            last_d = dcode
        if wcode:
            t, short = split_type(ward, WARD_TYPES)
            out.write(f"W{wcode}\t{t}{short}\t{key_of(short)}\t{','.join(alias_keys(walias, {wkey, wskey, short}, earlier.get(('ward', wcode), ())))}\t{' '.join(mapping.get(wcode, []))}\n")

    own_keys = {}
    for r in leg_rows:
        own_keys[("province", r[1])] = key_of(split_type(r[0], PROVINCE_TYPES)[1])
        own_keys[("district", r[6])] = key_of(split_type(r[5], DISTRICT_TYPES)[1])
        if r[11]:
            own_keys[("ward", r[11])] = key_of(split_type(r[10], WARD_TYPES)[1])
    write_earlier(out, EARLIER_TSV, own_keys)


def earlier_rows(earlier_path):
    with open(earlier_path, encoding="utf-8") as f:
        return [l.rstrip("\n").split("\t") for l in f if l.strip() and not l.startswith("#")]


EARLIER_TSV = os.path.join(os.path.dirname(os.path.abspath(__file__)), "earlier.tsv")
LEVEL_TYPES = {"province": PROVINCE_TYPES, "district": DISTRICT_TYPES, "ward": WARD_TYPES}


def earlier_keys_by_unit():
    """(level, code now) -> canonical keys of its earlier names, for the units' alias fields: the
    index is then built from the unit lines alone, and the @earlier lines (read only when a
    message needs them, or a typo search) are not part of the data load."""
    keys = {}
    for (_scheme, level, _old_code, old_name, now_level, now_codes, *_rest) in earlier_rows(EARLIER_TSV):
        key = key_of(split_type(old_name, LEVEL_TYPES[level])[1])
        for code in now_codes.split():
            keys.setdefault((now_level, code), []).append(key)
    return keys


def write_earlier(out, earlier_path, own_keys):
    """The @earlier section: each earlier name of earlier.tsv (generated by earlier.py from dated
    releases of vietnam-provinces) as `E<level letter><code now>  earlier full name  key  since`,
    one line per unit it went into. Names whose key is the unit's own key are left out (nothing
    to learn: "Huyện Mộc Châu" is "Thị xã Mộc Châu" by key)."""
    types = LEVEL_TYPES
    letters = {"province": "P", "district": "D", "ward": "W"}
    rows = earlier_rows(earlier_path)
    out.write(f"# earlier names: {len(rows)} lines of core/address/data/earlier.tsv, sha256 {sha256(earlier_path)}\n")
    out.write("# E lines: E + level letter + code of the legacy unit now, earlier full name, its canonical key, since (date or from..to).\n")
    out.write("@earlier\n")
    for (scheme, level, old_code, old_name, now_level, now_codes, since, kind, source) in rows:
        _, short = split_type(old_name, types[level])
        key = key_of(short)
        for code in now_codes.split():
            if key == own_keys.get((now_level, code)):
                continue
            out.write(f"E{letters[now_level]}{code}\t{old_name}\t{key}\t{since}\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/vau/vietnamadminunits/data")
