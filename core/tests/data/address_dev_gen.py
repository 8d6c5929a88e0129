#!/usr/bin/env python3
"""Generates the synthetic part of the address development set (core/tests/data/address_dev.tsv).

Every legacy and current province is covered; styles mimic what buyers type in chats: formal,
abbreviated (P., Ph., F, Q., H., TX., TP., TT., X.), numbered units, no diacritics, upper case,
nicknames, chat noise and phone numbers, missing province, any order, dashes, glued words,
tone-placement variants and one-letter typos. Labels are codes in the scheme the text is written
in. Hand-written rows live in address_dev_handwritten.tsv and are appended as they are.

    python3 core/tests/data/address_dev_gen.py > core/tests/data/address_dev.tsv
"""
import os
import random
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
UNITS = os.path.join(HERE, "..", "..", "data", "address", "units.txt")
rng = random.Random(20250701)

PT = {"C": "Thành phố", "T": "Tỉnh"}
DT = {"Q": "Quận", "H": "Huyện", "X": "Thị xã", "C": "Thành phố"}
WT = {"P": "Phường", "X": "Xã", "T": "Thị trấn", "D": "Đặc khu"}
P_ABBR = {"C": ["TP", "TP.", "Tp ", "T.P "], "T": ["Tỉnh ", "T. ", "tỉnh "]}
D_ABBR = {"Q": ["Q.", "Q ", "Q", "quận "], "H": ["H.", "H ", "huyện "], "X": ["TX.", "TX ", "thị xã "], "C": ["TP.", "TP ", "Tp "]}
W_ABBR = {"P": ["P.", "P ", "P", "Ph.", "F", "F.", "phường "], "X": ["X.", "X ", "xã "], "T": ["TT.", "TT ", "thị trấn "], "D": ["Đặc khu "]}
NICK = {"79": ["HCM", "TPHCM", "TP.HCM", "Sài Gòn", "SG", "tp hcm", "Hồ Chí Minh"], "01": ["HN", "Hà Nội", "ha noi", "TP Hà Nội"],
        "77": ["BRVT", "Bà Rịa Vũng Tàu", "Vũng Tàu"], "48": ["Đà Nẵng", "TP Đà Nẵng"], "31": ["Hải Phòng", "HP"],
        "46": ["Huế", "Thừa Thiên Huế"], "66": ["Đắk Lắk", "Dak Lak", "Daklak"]}
STREETS = ["Lê Lợi", "Nguyễn Trãi", "Trần Hưng Đạo", "Hai Bà Trưng", "Lý Thường Kiệt", "Nguyễn Huệ", "Quang Trung",
           "Lê Duẩn", "Hùng Vương", "Trần Phú", "Nguyễn Văn Cừ", "Phạm Văn Đồng", "Võ Văn Kiệt", "Điện Biên Phủ",
           "Cách Mạng Tháng 8", "3 Tháng 2", "Nguyễn Thị Minh Khai", "Lạc Long Quân", "Tô Hiến Thành", "Bạch Đằng"]
HAMLETS = ["Thôn {n}", "Ấp {n}", "Xóm {n}", "Tổ {n}", "Khu phố {n}", "Thôn Đông", "Ấp Bình Thạnh", "Bản Na", "Tổ dân phố {n}"]
GREET = ["ship về ", "giao về giúp em ", "địa chỉ: ", "dc: ", "Đc ", "chị ơi gửi về ", "em ở ", "", "", ""]
TAIL = [" nhé", " ạ", " nha shop", " nhé ạ 😊", " 🙏", "", "", ""]
PHONE = ["0912345678", "0987 654 321", "090.123.4567", "+84 903 123 456", "sdt 0977123456"]
TONES = {"òa": "oà", "óa": "oá", "ỏa": "oả", "õa": "oã", "ọa": "oạ", "ùy": "uỳ", "úy": "uý", "ủy": "uỷ", "ụy": "uỵ"}


def strip_accents(s):
    s = s.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")


def load():
    cur_p, cur_w, leg = {}, [], []
    scheme = None
    p = d = None
    for line in open(UNITS, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("#") or not line:
            continue
        if line.startswith("@"):
            scheme = line[1:]
            continue
        f = line.split("\t")
        kind, code, t, short = f[0][0], f[0][1:], f[1][0], f[1][1:]
        if scheme == "current":
            if kind == "P":
                p = (code, t, short)
                cur_p[code] = p
            else:
                cur_w.append((p, (code, t, short)))
        else:
            if kind == "P":
                p = (code, t, short)
            elif kind == "D":
                d = (code, t, short)
            else:
                leg.append((p, d, (code, t, short)))
    return cur_p, cur_w, leg


def numbered(short):
    return short[:1].isdigit()


def typed(unit, types, abbr_map, style):
    code, t, short = unit
    if style == "full" or (numbered(short) and style == "bare"):
        return f"{types[t]} {short}"
    if style == "abbr":
        a = rng.choice(abbr_map[t])
        return f"{a}{short}"
    return short


def province_text(p, style):
    code, t, short = p
    if code in NICK and rng.random() < 0.5:
        return rng.choice(NICK[code])
    if style == "full":
        return f"{PT[t]} {short}"
    if style == "abbr":
        return f"{rng.choice(P_ABBR[t])}{short}".replace("  ", " ")
    return short


def street():
    r = rng.random()
    n = rng.randint(1, 200)
    if r < 0.45:
        return f"{n} {rng.choice(STREETS)}"
    if r < 0.6:
        return f"Số {n} ngõ {rng.randint(1, 99)} {rng.choice(STREETS)}"
    if r < 0.7:
        return f"{n}/{rng.randint(1, 30)} hẻm {rng.randint(1, 200)} {rng.choice(STREETS)}"
    if r < 0.9:
        return rng.choice(HAMLETS).format(n=rng.randint(1, 12))
    return ""


def typo(s):
    letters = [i for i, c in enumerate(s) if c.isalpha()]
    if len(letters) < 6:
        return s
    i = rng.choice(letters[2:])
    op = rng.random()
    if op < 0.4:
        return s[:i] + s[i + 1:]
    if op < 0.7 and i + 1 < len(s) and s[i + 1].isalpha():
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    return s[:i] + rng.choice("aeionhtg") + s[i + 1:]


def finish(parts, tags):
    seps = rng.choice([", ", ", ", ", ", " - ", " ", ",", " , "])
    text = seps.join(x for x in parts if x)
    if rng.random() < 0.25:
        text = rng.choice(GREET) + text + rng.choice(TAIL)
        tags.append("chat")
        if rng.random() < 0.4:
            text += " " + rng.choice(PHONE)
    if rng.random() < 0.2:
        for a, b in TONES.items():
            text = text.replace(a, b)
    r = rng.random()
    if r < 0.22:
        text = strip_accents(text)
        tags.append("no-diacritics")
        if rng.random() < 0.5:
            text = text.lower()
    elif r < 0.27:
        text = text.upper()
        tags.append("upper")
    elif r < 0.32:
        text = text.lower()
    return text.replace("\t", " ")


def legacy_row(p, d, w):
    tags = ["legacy"]
    style = rng.choice(["full", "abbr", "abbr", "bare", "bare"])
    tags.append(style)
    if numbered(w[2]) or numbered(d[2]):
        tags.append("numbered")
    wt = typed(w, WT, W_ABBR, style)
    dt = typed(d, DT, D_ABBR, style)
    if rng.random() < 0.04:
        wt = typo(wt)
        tags.append("typo")
    parts = [street(), wt, dt]
    if rng.random() < 0.1:
        tags.append("no-province")
    else:
        parts.append(province_text(p, style))
    if rng.random() < 0.05:
        parts = parts[::-1]
        tags.append("reversed")
    return finish(parts, tags), ("legacy", p[0], d[0], w[0]), tags


def current_row(p, w):
    tags = ["current"]
    style = rng.choice(["full", "abbr", "abbr", "bare"])
    tags.append(style)
    wt = typed(w, WT, W_ABBR, style)
    if rng.random() < 0.04:
        wt = typo(wt)
        tags.append("typo")
    parts = [street(), wt, province_text(p, style)]
    return finish(parts, tags), ("current", p[0], "", w[0]), tags


def main():
    cur_p, cur_w, leg = load()
    rows = []
    by_prov = {}
    for item in leg:
        by_prov.setdefault(item[0][0], []).append(item)
    for code in sorted(by_prov):
        for item in rng.sample(by_prov[code], 12):
            rows.append(legacy_row(*item))
    cur_by_prov = {}
    for item in cur_w:
        cur_by_prov.setdefault(item[0][0], []).append(item)
    for code in sorted(cur_by_prov):
        for item in rng.sample(cur_by_prov[code], 10):
            rows.append(current_row(*item))
    print("input\tscheme\tprovince\tdistrict\tward\ttags")
    for text, (scheme, p, d, w), tags in rows:
        print(f"{text}\t{scheme}\t{p}\t{d}\t{w}\t{','.join(tags)}")
    hand = os.path.join(HERE, "address_dev_handwritten.tsv")
    if os.path.exists(hand):
        for line in open(hand, encoding="utf-8"):
            if line.strip() and not line.startswith("input\t") and not line.startswith("#"):
                print(line.rstrip("\n"))


if __name__ == "__main__":
    main()
