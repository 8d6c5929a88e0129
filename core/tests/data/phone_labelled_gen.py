#!/usr/bin/env python3
"""Writes phone_labelled.jsonl: chat messages labelled with the phones they contain.

The messages are hand-written Vietnamese shop-chat lines; `{P}` slots are filled with numbers
drawn from real prefixes and written in the many ways buyers write them, so every label is known
by construction (never by running the extractor). Run from this directory:

    python3 phone_labelled_gen.py > phone_labelled.jsonl

Each output line: {"text": str, "phones": [[number, raw], ...]} where `number` is the expected
national form and `raw` the exact text of the phone as written in `text`.
"""
import json
import random

rng = random.Random(20240512)

# Current mobile prefixes with a realistic weight (Viettel and the big three dominate).
MOBILE = (["032", "033", "034", "035", "036", "037", "038", "039", "086", "096", "097", "098"] * 3
          + ["081", "082", "083", "084", "085", "088", "091", "094"] * 2
          + ["070", "076", "077", "078", "079", "089", "090", "093"] * 2
          + ["052", "056", "058", "092", "059", "099", "087", "055"])
OLD = {"0162": "032", "0163": "033", "0164": "034", "0165": "035", "0166": "036", "0167": "037",
       "0168": "038", "0169": "039", "0120": "070", "0121": "079", "0122": "077", "0126": "076",
       "0128": "078", "0123": "083", "0124": "084", "0125": "085", "0127": "081", "0129": "082",
       "0186": "056", "0188": "058", "0199": "059"}
LANDLINE = [("024", 8), ("028", 8), ("0236", 7), ("0225", 7), ("0251", 7), ("0292", 7),
            ("0274", 7), ("0203", 7), ("0263", 7)]

FULL = str.maketrans("0123456789+", "０１２３４５６７８９＋")
ZW = "\u200b"


def mobile():
    p = rng.choice(MOBILE)
    if p == "055":
        return "0559" + "".join(rng.choice("0123456789") for _ in range(6))
    if p == "052":
        p = "052" + rng.choice("238")
        return p + "".join(rng.choice("0123456789") for _ in range(6))
    if p == "089":
        p = "089" + rng.choice("6789")
        return p + "".join(rng.choice("0123456789") for _ in range(6))
    if p == "099":
        p = "099" + rng.choice("0134567")
        return p + "".join(rng.choice("0123456789") for _ in range(6))
    return p + "".join(rng.choice("0123456789") for _ in range(7))


def fmt_mobile(n):
    """(raw as written, expected number). n is a 10-digit 0xxxxxxxxx."""
    s = n[1:]
    style = rng.choice(["plain"] * 8 + ["433", "433dot", "433dash", "334", "22222", "22222dot",
                        "4222", "plus", "plusspace", "84", "0084", "parplus", "fullwidth", "zw",
                        "plus0", "46"])
    if style == "plain":
        raw = n
    elif style == "433":
        raw = f"{n[:4]} {n[4:7]} {n[7:]}"
    elif style == "433dot":
        raw = f"{n[:4]}.{n[4:7]}.{n[7:]}"
    elif style == "433dash":
        raw = f"{n[:4]}-{n[4:7]}-{n[7:]}"
    elif style == "334":
        raw = f"{n[:3]} {n[3:6]} {n[6:]}"
    elif style == "22222":
        raw = " ".join(n[i:i + 2] for i in range(0, 10, 2))
    elif style == "22222dot":
        raw = ".".join(n[i:i + 2] for i in range(0, 10, 2))
    elif style == "4222":
        raw = f"{n[:4]} {n[4:6]} {n[6:8]} {n[8:]}"
    elif style == "46":
        raw = f"{n[:4]} {n[4:]}"
    elif style == "plus":
        raw = "+84" + s
    elif style == "plusspace":
        raw = f"+84 {s[:3]} {s[3:6]} {s[6:]}"
    elif style == "84":
        raw = "84" + s
    elif style == "0084":
        raw = "0084" + s
    elif style == "parplus":
        raw = f"(+84) {s}"
    elif style == "plus0":
        raw = f"+84 {n}"
    elif style == "fullwidth":
        raw = n.translate(FULL)
    else:  # zero-width chars between some digits
        raw = n[:3] + ZW + n[3:6] + ZW + n[6:]
    return raw, n


def phone():
    r = rng.random()
    if r < 0.08:
        old = rng.choice(list(OLD))
        tail = "".join(rng.choice("0123456789") for _ in range(7))
        n11 = old + tail
        raw = rng.choice([n11, f"{n11[:4]} {n11[4:7]} {n11[7:]}", f"{n11[:4]}.{n11[4:7]}.{n11[7:]}"])
        return raw, OLD[old] + tail
    if r < 0.14:
        area, k = rng.choice(LANDLINE)
        sub = rng.choice("2345678") + "".join(rng.choice("0123456789") for _ in range(k - 1))
        n = area + sub
        if k == 8:
            raw = rng.choice([n, f"{area} {sub[:4]} {sub[4:]}", f"({area}) {sub[:4]} {sub[4:]}",
                              f"{area}.{sub[:4]}.{sub[4:]}"])
        else:
            raw = rng.choice([n, f"{area} {sub}", f"({area}) {sub[:3]} {sub[3:]}",
                              f"{area}.{sub[:3]}.{sub[3:]}"])
        return raw, n
    return fmt_mobile(mobile())


POSITIVE = [
    "sdt {P} (zalo)",
    "Sđt: {P}",
    "SĐT {P} nha shop",
    "em tên Lan, sđt {P}, giao giờ hành chính giúp em",
    "Chị ơi ship về 12 Nguyễn Trãi, P. Bến Thành, Q1, HCM. sdt {P}",
    "gửi về: Nguyễn Thị Hoa - {P} - 45 Lê Lợi, TP Huế",
    "{P}",
    "{P} ạ",
    "số em {P} nhé",
    "Zalo {P} chị ib em gửi ảnh",
    "e lấy 2 áo size M, sdt {P}",
    "chốt đơn nha shop, nhận hàng {P}",
    "Anh ơi gọi em số {P} khi tới nha",
    "lh {P} để được tư vấn",
    "Người nhận: Trần Văn Nam\nSĐT: {P}\nĐịa chỉ: 88 Hai Bà Trưng, Hà Nội",
    "shop gọi số này {P} giúp e, số cũ hỏng rồi",
    "Dạ sdt của chị là {P} ạ",
    "mình lấy 1 cái màu đen, giao về {P}",
    "size 38, {P}, 120 Trần Hưng Đạo Q5",
    "Tổng 350.000đ đúng k ạ? sdt em {P}",
    "sdt {P} hoặc {P}",
    "{P} / {P}",
    "em đặt 3 hộp, người nhận chị Mai {P}, ship COD",
    "đt: {P}",
    "ĐT {P} - chị Hằng",
    "Tel: {P}",
    "hotline shop là {P} đúng ko ạ",
    "ok e, số zalo e là {P} nhé",
    "Gửi giúp mình về số 5 ngõ 12 Láng Hạ, Đống Đa, HN. {P}",
    "nhận hàng gọi {P} trước 30p nha",
    "shop ơi em đổi sdt thành {P} nha",
    "sdt cũ của em là {P} ạ",
    "A gửi số máy bàn công ty nhé: {P}",
    "{P} Nguyễn Văn Hùng, 23 Phan Chu Trinh, Đà Nẵng",
    "Họ tên: Phạm Thu Trang\nSdt: {P}",
    "zalo: {P} (chị Thảo)",
    "mua 2 hũ, sđt {P}, ship nhanh giúp em nha",
    "em ở quận 7, sdt {P}, chiều 5h giao được k shop",
    "chị ơi sđt em {P}.",
    "số e: {P}, e cần gấp trước 20/5 ạ",
    "nhắn qua số {P} giúp chị",
    "Em tên Vy, {P}",
    "ship cho chị tới {P}, tầng 3 toà B",
    "Liên hệ: {P} (A. Tuấn)",
    "em gửi lại sdt: {P} nhé, lúc nãy ghi nhầm",
    "có gì gọi {P} ạ",
    "Sdt người nhận {P}. Cảm ơn shop",
    "đặt 1 bộ size L, {P}",
    "cho mình xin giá, sđt {P}",
    "số {P} là số của mẹ em, shop gọi mẹ em nhé",
    "sdt {P} và {P} (chồng em)",
    "chuyển khoản rồi nha shop, sđt em {P}",
    "{P} - 18 Lý Thường Kiệt, Hoàn Kiếm",
    "alo shop, e là khách hôm qua, số {P}",
    "c lấy thêm 1 cái nữa nha, vẫn số {P}",
    "sdt:{P}",
    "SDT{P}",
    "Em là Quân {P} ạ",
    "giao hàng gọi {P} hoặc nhắn zalo",
    "Hàng về chưa shop? Mình số {P}",
    "COD nhé. {P}",
    "{P} chị Ngọc, giao sau 6h tối",
    "mình lấy size 40, số đt {P}",
    "shop ship về Bình Dương đc ko, sdt {P}",
    "a Minh - {P} - 102 Lê Duẩn",
    "Chốt 2 cái. Sdt {P}. Địa chỉ 15/3 Cách Mạng Tháng 8, Q3",
    "số máy em {P} nha",
    "Gọi {P} (giờ hành chính)",
    "lấy 1, sdt {P} nhé ạ",
    "vâng, {P}",
    "ok, sdt em {P}, tối em check",
    "Dạ số {P} ạ. Em cảm ơn",
    "Shop ơi mình muốn mua 2 cái, sđt {P} ạ",
    "zl {P}",
    "Em sdt {P} mã giảm giá dùng được k shop",
    "đơn của em sđt {P} giao chưa ạ",
    "Người nhận Lê Thị Hương {P}",
    "sdt {P}, 2 áo 1 quần, tổng 590k",
    "sđt ck em {P}, anh ấy nhận giúp",
    "Đ/c: 56 Trần Phú, Nha Trang. ĐT: {P}",
]

NEGATIVE = [
    "350.000đ ạ",
    "giá 1.250.000 nha chị",
    "350k ship 30k",
    "1tr2 bộ này shop",
    "em nhận hàng ngày 12/05/2024 rồi ạ",
    "Mã đơn: DH{D10}",
    "mã vận đơn SPXVN{D12}",
    "STK: {D13} Vietcombank - Nguyễn Văn A",
    "stk {D10} MB bank chủ tk Tran Thi B",
    "số tài khoản {D10} techcombank",
    "CCCD 0{D11}",
    "cmnd {D9}",
    "size 38 cân 52kg cao 1m60",
    "cho em xin mẫu 2, size M",
    "Ship về 123/45 Lê Văn Sỹ Q3 nhé",
    "hôm qua 20/10 em đặt rồi mà chưa thấy",
    "giao trước 10h sáng mai giúp em",
    "đơn {D6} của em sao chưa giao",
    "mã giảm giá SALE50 dùng được k",
    "tổng 2 món là 1.180.000",
    "em chuyển khoản 590.000 rồi nha",
    "số lượng 12 cái, mỗi cái 45k",
    "kích thước 120x60x75 cm",
    "áo mã A{D4} còn màu trắng không shop",
    "Order #{D10}",
    "MST 0{D9}",
    "mã số thuế công ty em 0{D9}-001",
    "chuyển vào tk {D10} vcb giúp e",
    "Em ở phòng 1203 toà S2.05 Vinhomes",
    "hẻm 284/19 Lý Thường Kiệt P14 Q10",
    "cân nặng 48,5kg",
    "09/2024 em mua rồi",
    "giờ mở cửa 8:30 - 21:30",
    "mình thanh toán 2.350.000 qua momo nhé",
    "sđt em bị lỗi, lát em gửi lại",
    "0912 xxx 789 là số của em nhưng em không nhớ",
    "gọi cho em số cuối 678 nhé",
    "đợt sale 11.11 có giảm không ạ",
    "giảm 15% cho 2 sản phẩm",
    "mã bưu chính 700000",
    "ngày sinh 15/08/1995",
    "tracking: GHN{D9}",
    "Vận đơn 84{D10}VN",
    "số serial {D12}",
    "mã thẻ cào {D13}",
    "IMEI 35{D13}",
    "phòng 305, tầng 3",
    "em cao 1m58 nặng 50kg mặc size nào",
    "{D3}k 1 cái hả shop",
    "số nhà 17, ngõ 92",
    "chị ơi mẫu này còn không ạ",
    "cảm ơn shop nhiều nha",
    "khi nào có hàng vậy shop",
    "ok em",
    "dạ vâng ạ",
    "giao hàng mất mấy ngày vậy",
    "ship COD được không chị",
    "cho em xem thêm ảnh thật với",
    "mẫu này có màu be không ạ",
    "hàng bị lỗi đường may, em muốn đổi",
    "5{D9}",
    "1{D9}",
    "0{D8}",
    "0{D12}",
    "02{D8}",
    "01{D8}",
    "1.{D3}.{D3}",
    "091234567",
    "09123456789",
    "0612345678",
    "0212345678",
    "0412345678",
    "0801234567",
    "0112345678",
    "0891234567",
    "0501234567",
    "0541234567",
    "0551234567",
    "0711234567",
    "0721234567",
    "0741234567",
    "01301234567",
    "01611234567",
    "0241812345",
    "0241 123 4567",
    "02018123456",
    "029512345678",
    "+1 415 555 0132",
    "+86 138 0013 8000",
    "hotline tổng đài 1900 6035",
    "miễn cước 1800 1091",
    "mã khách hàng KH{D8}",
    "bill {D10} nha shop",
    "hoá đơn số 0{D9}",
    "ma don hang: {D10}",
    "DH-09{D8}",
    "SP09{D8}",
    "09{D8}VN",
    "shopee mã đơn 24051{D9}",
    "email em: nguyenthilan{D4}@gmail.com",
    "0912345678@gmail.com là mail em",
    "link: https://shopee.vn/product/{D9}/{D10}",
    "fb.com/profile.php?id=1000{D11}",
    "tài khoản: {D10} ngân hàng ACB",
    "Số TK: 0{D9} - Vietinbank",
    "vietcombank 0{D12}",
    "TPBank 0{D10}",
    "acb {D8}",
    "stk 0{D9} bidv",
    "chuyển khoản 0{D9} agribank chi nhánh Hà Nội",
    "căn cước 0{D11}",
    "CCCD: 079 0{D2} 0{D2} {D5}",
    "Giá gốc 1.599.000 còn 899.000",
    "freeship đơn trên 299k",
    "áo 189k, quần 259k",
    "giảm còn 1,2tr",
    "ngày 05.09.2024 giao hàng",
    "lúc 09:12 em có nhắn rồi",
    "2024-05-12",
    "em muốn đặt 02 bộ size 09",
    "mã sp 0{D9}",
    "seri 0{D9}",
    "đơn giá 35.000 x 10 = 350.000",
    "tổng cộng 12.450.000 VNĐ",
    "0912345678đ",
    "09123456k",
    "em gửi 2 ảnh, ảnh 1 và ảnh 2",
    "size 36 37 38 39 40 còn đủ không",
    "combo 3 hộp 990k",
    "nặng 2,5 kg",
    "vòng 1: 86, vòng 2: 68, vòng 3: 92",
    "mình ở 35/12/4 đường số 9",
    "Tầng 12A, 72 Lê Thánh Tôn",
    "shop có cửa hàng ở Hà Nội không",
    "giờ em đang bận, tối em gửi địa chỉ",
    "ừ được",
    "sao em chưa nhận được hàng vậy shop",
    "e ck {D3}k rồi nhé",
    "mã voucher 50K0912",
    "chuyển khoản nội dung: DH{D7} {D4}",
    "số lô 2405{D6}",
    "hạn sử dụng 12/2026",
    "pin 5000mAh, ram 8GB",
    "mã bảo hành BH{D10}",
    "1903 {D4} {D4} {D2} techcombank",
    "stk: 19036{D9}",
    "{D3} {D3} {D3}",
    "chuyển tiền vào stk 0{D9} nha shop",
    "đã ck 450k vào tk 0{D9} mbbank",
]


# Hand-labelled messages, written to be hard: (text, [(number, raw), ...]).
HAND = [
    ("Em gửi ạ: Nguyễn Văn An | 0912345678 | 45 Lý Tự Trọng, Q1", [("0912345678", "0912345678")]),
    ("0983 456 789 (Viettel) nhé shop", [("0983456789", "0983 456 789")]),
    ("SĐT nhận hàng: 0904.112.233 ( Anh Tuấn )", [("0904112233", "0904.112.233")]),
    ("sdt:0936123456(zalo)", [("0936123456", "0936123456")]),
    ("Số điện thoại: 0977 221 334\nEmail: thuha.ng@gmail.com", [("0977221334", "0977 221 334")]),
    ("Liên hệ Hotline: 1900 1234 hoặc 0913 888 999", [("0913888999", "0913 888 999")]),
    ("+84.912.456.789", [("0912456789", "+84.912.456.789")]),
    ("(84) 938 123 456", [("0938123456", "(84) 938 123 456")]),
    ("Vòng eo 84 0901234567", [("0901234567", "0901234567")]),
    ("Ngân hàng: MB\nSTK: 0912345679\nChủ TK: NGUYEN VAN A", []),
    ("Chuyển khoản: 0968123123 (MB Bank) nội dung tên + sđt", []),
    ("Tài khoản: 0988777666 (MB), chủ tk Tran Thi B, sđt liên hệ 0988777666", [("0988777666", "0988777666")]),
    ("Em gửi thông tin:\nNguyễn Văn A\n0945 678 123\n12 Lê Lợi, Huế", [("0945678123", "0945 678 123")]),
    ("STK\n0912000111", []),
    ("ngõ 123 0912 345 678", [("0912345678", "0912 345 678")]),
    ("1903 0912 345 678 techcombank", []),
    ("Mã đơn hàng của em là 0912345670", []),
    ("mình order 2 cái, số đt 0966 554 433", [("0966554433", "0966 554 433")]),
    ("sđt là0912345677", [("0912345677", "0912345677")]),
    ("SĐT: 0912.345.678, 0987.654.321", [("0912345678", "0912.345.678"), ("0987654321", "0987.654.321")]),
    ("0912345678;0987654321", [("0912345678", "0912345678"), ("0987654321", "0987654321")]),
    ("sdt 0912345678 (a) - 0987654321 (c)", [("0912345678", "0912345678"), ("0987654321", "0987654321")]),
    ("0912  345  678", [("0912345678", "0912  345  678")]),
    ("2 áo 1 quần 0935 111 222", [("0935111222", "0935 111 222")]),
    ("số 1 0912 345 678", [("0912345678", "0912 345 678")]),
    ("Sdt 0168.8888.999 (số cũ)", [("0388888999", "0168.8888.999")]),
    ("(+84) 168 123 4567", [("0381234567", "(+84) 168 123 4567")]),
    ("sdt: 0️⃣9️⃣8️⃣7️⃣6️⃣5️⃣4️⃣3️⃣2️⃣1️⃣", [("0987654321", "0️⃣9️⃣8️⃣7️⃣6️⃣5️⃣4️⃣3️⃣2️⃣1️⃣")]),
    ("sđt 912 345 678", [("0912345678", "912 345 678")]),
    ("abc0912345678xyz", []),
    ("fb.com/0912345678", []),
    ("https://zalo.me/0912345678", [("0912345678", "0912345678")]),
    ("Giá 1.290.000 - 0903 000 111", [("0903000111", "0903 000 111")]),
    ("tổng đơn 2 sp: 1.180.000đ (đã gồm ship 30.000đ)", []),
    ("mã vận đơn GHTK: S1234567.MB12.A1.0912345", []),
    ("CCCD: 0790 9501 2345", []),
    ("căn cước 001 095 012 345", []),
    ("em sinh ngày 09/12/1998, sđt 0399 123 456", [("0399123456", "0399 123 456")]),
    ("lúc 09:12 ngày 05.09.2024 em đã ck 350.000", []),
    ("số lượng: 0912 cái", []),
    ("đơn 0912345678-2", []),
    ("SĐT: 024.3999.8888 (giờ hành chính)", [("02439998888", "024.3999.8888")]),
    ("Cửa hàng: (028) 3822 1234 - Di động: 0903 123 456", [("02838221234", "(028) 3822 1234"), ("0903123456", "0903 123 456")]),
    ("máy bàn 0236 3821 234", [("02363821234", "0236 3821 234")]),
    ("84912345678", [("0912345678", "84912345678")]),
    ("0084 912 345 678 (bố em ở nước ngoài về)", [("0912345678", "0084 912 345 678")]),
    ("+1 (415) 555-0132 là số bên Mỹ", []),
    ("Order ID 2405121234567", []),
    ("TK: 0912345678", []),
    ("stk: 0071 0003 12345 vcb", []),
    ("STK 190 3366 9999 01 techcom", []),
    ("MST: 0312345678", []),
    ("kích thước 60x90cm, nặng 1.5kg", []),
    ("size 36 - 37 - 38 - 39", []),
    ("em cao 1m62 nặng 53kg", []),
    ("ship 25k, tổng 475k", []),
    ("Mã giảm giá: NOBI0912", []),
    ("giảm 50% còn 199.000", []),
    ("hạn dùng 12/2026, NSX 01/2025", []),
    ("9h sáng mai 10/6 giao nhé", []),
    ("0912 345 67", []),
    ("0912 345 6789", []),
    ("012 345 6789", []),
    ("0212 345 678", []),
    ("phòng 0912, toà A", []),
]


def digits(k):
    return "".join(rng.choice("0123456789") for _ in range(k))


def fill_digits(t):
    out = ""
    i = 0
    while i < len(t):
        if t.startswith("{D", i):
            j = t.index("}", i)
            out += digits(int(t[i + 2:j]))
            i = j + 1
        else:
            out += t[i]
            i += 1
    return out


def main():
    rows = []
    for t in POSITIVE:
        for _ in range(2):
            parts = t.split("{P}")
            text = parts[0]
            phones = []
            for part in parts[1:]:
                raw, num = phone()
                phones.append([num, raw])
                text += raw + part
            rows.append({"text": text, "phones": phones})
    for t in NEGATIVE:
        rows.append({"text": fill_digits(t), "phones": []})
    for text, phones in HAND:
        rows.append({"text": text, "phones": [list(p) for p in phones]})
    rng.shuffle(rows)
    for r in rows:
        print(json.dumps(r, ensure_ascii=False))


main()
