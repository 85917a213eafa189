"""The listed universe: codes, listing and delisting dates, corporate actions, master attributes.

Special cases sit on fixed codes (and fixed dates), whatever the seed, so that even a tiny market
(`n_codes` as small as 11) shows every case. They are the first codes generated; a market with
fewer codes keeps the first `n_codes` of `SPECIAL_CODES` in this order:

| constant | code | what happens |
|---|---|---|
| `SPLIT_CODE` | 40010 | 1→5 split ex 2021-03-29 (AdjFactor 0.2), 1→2 split ex 2025-03-27 (AdjFactor 0.5) |
| `REVERSE_SPLIT_CODE` | 40020 | 5→1 reverse splits ex 2020-07-29 and ex 2025-07-30 (AdjFactor 5) |
| `IPO_CODE` | 40030 | listed 2021-06-24 |
| `DELIST_CODE` | 40040 | delisted 2022-11-29 (its last row and last master snapshot) |
| `LETTER_CODE` | 130A0 | letter code, listed 2024-02-13 |
| `ILLIQUID_CODE` | 40060 | no trade (all-NULL O,H,L,C,Vo,Va) on about 30 % of its days |
| `LIMIT_CODE` | 40070 | closes at the daily limit every 10 business days, up and down alternately |
| `LATE_IPO_CODE` | 147A0 | letter code, listed 2025-06-25 |
| `LATE_DELIST_CODE` | 40050 | delisted 2025-09-26 |
| `PREFERRED_COMMON_CODE` | 40080 | common stock of an issuer that also lists a preferred share |
| `PREFERRED_CODE` | 40085 | that preferred share: a 4-char query "4008" returns only 40080 |

Other codes are random: mostly listed before 2019 (4 digits + "0"), about 12 % list during
2019-2027 (letter codes from 2024 on), about 10 % delist, about 10 % split once and 2 % reverse-split.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ingest.simulator.calendar import MARKET_RESTRUCTURING

SPLIT_CODE = "40010"
REVERSE_SPLIT_CODE = "40020"
IPO_CODE = "40030"
DELIST_CODE = "40040"
LETTER_CODE = "130A0"
ILLIQUID_CODE = "40060"
LIMIT_CODE = "40070"
LATE_IPO_CODE = "147A0"
LATE_DELIST_CODE = "40050"
PREFERRED_COMMON_CODE = "40080"
PREFERRED_CODE = "40085"

LETTERS = "ACDFGHJKLMNPRSTUWXY"  # B, E, I, O, Q, V, Z are never used in codes


@dataclass(frozen=True)
class SpecialCode:
    """A code with scripted events. Splits are (ex-date, num, den): AdjFactor = num / den."""

    code: str
    role: str
    listed: dt.date | None = None
    delisted: dt.date | None = None
    splits: tuple[tuple[dt.date, int, int], ...] = ()
    no_trade_prob: float = 0.0


SPECIAL_CODES: tuple[SpecialCode, ...] = (
    SpecialCode(SPLIT_CODE, "split", splits=((dt.date(2021, 3, 29), 1, 5), (dt.date(2025, 3, 27), 1, 2))),
    SpecialCode(
        REVERSE_SPLIT_CODE,
        "reverse_split",
        splits=((dt.date(2020, 7, 29), 5, 1), (dt.date(2025, 7, 30), 5, 1)),
    ),
    SpecialCode(IPO_CODE, "ipo", listed=dt.date(2021, 6, 24)),
    SpecialCode(DELIST_CODE, "delist", delisted=dt.date(2022, 11, 29)),
    SpecialCode(LETTER_CODE, "letter_ipo", listed=dt.date(2024, 2, 13)),
    SpecialCode(ILLIQUID_CODE, "illiquid", no_trade_prob=0.30),
    SpecialCode(LIMIT_CODE, "limit"),
    SpecialCode(LATE_IPO_CODE, "late_letter_ipo", listed=dt.date(2025, 6, 25)),
    SpecialCode(LATE_DELIST_CODE, "late_delist", delisted=dt.date(2025, 9, 26)),
    SpecialCode(PREFERRED_COMMON_CODE, "preferred_common"),
    SpecialCode(PREFERRED_CODE, "preferred"),
)

# 33-sector code -> (name, English name, 17-sector code); 17-sector code -> name.
S33 = {
    "0050": ("水産・農林業", "Fisheries", "1"), "1050": ("鉱業", "Mining", "2"),
    "2050": ("建設業", "Construction", "3"), "3050": ("食料品", "Foods", "1"),
    "3100": ("繊維製品", "Textiles", "4"), "3150": ("パルプ・紙", "Paper", "4"),
    "3200": ("化学", "Chemical", "4"), "3250": ("医薬品", "Pharmaceutical", "5"),
    "3300": ("石油・石炭製品", "Petroleum", "2"), "3350": ("ゴム製品", "Rubber", "6"),
    "3400": ("ガラス・土石製品", "Ceramics", "3"), "3450": ("鉄鋼", "Steel", "7"),
    "3500": ("非鉄金属", "Nonferrous Metals", "7"), "3550": ("金属製品", "Metal Products", "3"),
    "3600": ("機械", "Machinery", "8"), "3650": ("電気機器", "Electric", "9"),
    "3700": ("輸送用機器", "Motors", "6"), "3750": ("精密機器", "Precision", "9"),
    "3800": ("その他製品", "Products", "10"), "4050": ("電気・ガス業", "Power & Gas", "11"),
    "5050": ("陸運業", "Railway", "12"), "5100": ("海運業", "Shipping", "12"),
    "5150": ("空運業", "Airways", "12"), "5200": ("倉庫・運輸関連業", "Logistics", "12"),
    "5250": ("情報・通信業", "Systems", "10"), "6050": ("卸売業", "Trading", "13"),
    "6100": ("小売業", "Stores", "14"), "7050": ("銀行業", "Bank", "15"),
    "7100": ("証券、商品先物取引業", "Securities", "16"), "7150": ("保険業", "Insurance", "16"),
    "7200": ("その他金融業", "Finance", "16"), "8050": ("不動産業", "Realty", "17"),
    "9050": ("サービス業", "Services", "10"),
}  # fmt: skip
S17_NAMES = {
    "1": "食品", "2": "エネルギー資源", "3": "建設・資材", "4": "素材・化学", "5": "医薬品",
    "6": "自動車・輸送機", "7": "鉄鋼・非鉄", "8": "機械", "9": "電機・精密",
    "10": "情報通信・サービスその他", "11": "電気・ガス", "12": "運輸・物流", "13": "商社・卸売",
    "14": "小売", "15": "銀行", "16": "金融（除く銀行）", "17": "不動産",
}  # fmt: skip
# Japanese company-name word per 33-sector code.
_SECTOR_WORD = {
    "0050": "水産", "1050": "鉱業", "2050": "建設", "3050": "食品", "3100": "繊維", "3150": "製紙",
    "3200": "化学", "3250": "製薬", "3300": "石油", "3350": "ゴム", "3400": "窯業", "3450": "製鋼",
    "3500": "金属", "3550": "金属工業", "3600": "機械", "3650": "電機", "3700": "自動車",
    "3750": "精密", "3800": "工芸", "4050": "電力", "5050": "鉄道", "5100": "汽船", "5150": "航空",
    "5200": "倉庫", "5250": "システム", "6050": "商事", "6100": "ストア", "7050": "銀行",
    "7100": "証券", "7150": "保険", "7200": "リース", "8050": "不動産", "9050": "サービス",
}  # fmt: skip
_PREFIXES = (
    ("あかね", "Akane"), ("あさぎ", "Asagi"), ("いずみ野", "Izumino"), ("うぐいす", "Uguisu"),
    ("かすみ", "Kasumi"), ("きさらぎ", "Kisaragi"), ("くれは", "Kureha"), ("こはく", "Kohaku"),
    ("さざなみ", "Sazanami"), ("しらかば", "Shirakaba"), ("すずらん", "Suzuran"), ("そよかぜ", "Soyokaze"),
    ("たちばな", "Tachibana"), ("ちとせ", "Chitose"), ("つばさ", "Tsubasa"), ("ときわ", "Tokiwa"),
    ("なぎさ", "Nagisa"), ("にじいろ", "Nijiiro"), ("のぞみ野", "Nozomino"), ("はやて", "Hayate"),
    ("ひばり", "Hibari"), ("ふたば", "Futaba"), ("ほたる", "Hotaru"), ("まほろば", "Mahoroba"),
    ("みなと野", "Minatono"), ("むさし野", "Musashino"), ("もみじ", "Momiji"), ("やまびこ", "Yamabiko"),
    ("ゆうなぎ", "Yunagi"), ("よつば", "Yotsuba"), ("りんどう", "Rindo"), ("わかば", "Wakaba"),
)  # fmt: skip
_MIDDLES = (
    ("", ""), ("中央", "Chuo "), ("第一", "Daiichi "), ("総合", "Sogo "), ("東邦", "Toho "),
    ("西部", "Seibu "), ("北陸", "Hokuriku "), ("南海", "Nankai "), ("新興", "Shinko "),
    ("国際", "Kokusai "), ("共栄", "Kyoei "), ("昭光", "Shoko "), ("大栄", "Daiei "),
)  # fmt: skip

PRE_SECTIONS = ("0101", "0102", "0104", "0106", "0107")
MARKET_NAMES = {
    "0101": "東証一部", "0102": "東証二部", "0104": "マザーズ", "0105": "TOKYO PRO MARKET",
    "0106": "JASDAQ スタンダード", "0107": "JASDAQ グロース", "0109": "その他",
    "0111": "プライム", "0112": "スタンダード", "0113": "グロース",
}  # fmt: skip
MARGIN_NAMES = {"1": "信用", "2": "貸借", "3": "その他"}
SCALE_CATS = ("TOPIX Core30", "TOPIX Large70", "TOPIX Mid400", "TOPIX Small 1", "TOPIX Small 2")


def child_rng(seed: int, name: str) -> np.random.Generator:
    """An independent generator per component, so components never shift each other's draws."""
    return np.random.default_rng([int(seed), zlib.crc32(name.encode())])


@dataclass
class Universe:
    """Every code of the whole span, indexed against the span's business days `days`.

    `first[i]`/`last[i]` are the first/last listed day indexes (inclusive) of code i within the span;
    events are arrays `ev_code, ev_day, ev_num, ev_den` (AdjFactor = num / den on the ex-date row).
    """

    codes: np.ndarray
    first: np.ndarray
    last: np.ndarray
    listed_date: list[dt.date]
    delisted_date: list[dt.date | None]
    roles: dict[str, str]
    attrs: pd.DataFrame
    sections: list[list[tuple[dt.date, str]]]
    no_trade_prob: np.ndarray
    ev_code: np.ndarray
    ev_day: np.ndarray
    ev_num: np.ndarray
    ev_den: np.ndarray
    index: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.index = {c: i for i, c in enumerate(self.codes)}

    def section_on(self, i: int, day: dt.date) -> str:
        """The market code (`Mkt`) of code i on `day`."""
        mkt = self.sections[i][0][1]
        for since, value in self.sections[i]:
            if since <= day:
                mkt = value
        return mkt


def _day_index(days: np.ndarray, day: dt.date) -> int:
    idx = int(np.searchsorted(days, np.datetime64(day, "D")))
    if idx >= len(days) or days[idx] != np.datetime64(day, "D"):
        raise ValueError(f"{day} is not a business day")
    return idx


def _regular_numeric_codes(rng: np.random.Generator, n: int) -> list[str]:
    taken = {int(s.code[:4]) for s in SPECIAL_CODES if s.code[:4].isdigit()}
    pool = np.array([k for k in range(1301, 9998) if k not in taken])
    return [f"{k}0" for k in rng.choice(pool, size=n, replace=False)]


def _letter_code(rng: np.random.Generator, used: set[str]) -> str:
    while True:
        code = f"{rng.integers(130, 600)}{LETTERS[rng.integers(len(LETTERS))]}0"
        if code not in used:
            used.add(code)
            return code


def _pre_span_listing(rng: np.random.Generator) -> dt.date:
    day = dt.date(1949, 5, 16) + dt.timedelta(days=int(rng.integers(0, 25_400)))
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def _random_split(rng: np.random.Generator) -> tuple[int, int]:
    u = rng.random()
    if u < 0.70:
        return 1, 2
    return (1, 5) if u < 0.90 else (1, 10)


@dataclass
class _Draft:
    code: str
    first: int
    last: int
    listed: dt.date
    delisted: dt.date | None
    role: str = "regular"
    splits: list[tuple[int, int, int]] = field(default_factory=list)
    no_trade_prob: float = 0.0


def _special_drafts(rng: np.random.Generator, days: np.ndarray, n: int) -> list[_Draft]:
    drafts = []
    for spec in SPECIAL_CODES[:n]:
        first = _day_index(days, spec.listed) if spec.listed else 0
        last = _day_index(days, spec.delisted) if spec.delisted else len(days) - 1
        listed = spec.listed or _pre_span_listing(rng)
        splits = [(_day_index(days, d), num, den) for d, num, den in spec.splits]
        drafts.append(
            _Draft(spec.code, first, last, listed, spec.delisted, spec.role, splits, spec.no_trade_prob)
        )
    return drafts


def _regular_drafts(rng: np.random.Generator, days: np.ndarray, n: int, used: set[str]) -> list[_Draft]:
    t = len(days)
    letter_from = int(np.searchsorted(days, np.datetime64("2024-01-01")))
    drafts = []
    for code in _regular_numeric_codes(rng, n):
        first, listed = 0, None
        if rng.random() < 0.12:
            first = int(rng.integers(5, t - 20))
            listed = days[first].astype(dt.date)
            if first >= letter_from:
                code = _letter_code(rng, used)
        used.add(code)
        last, delisted = t - 1, None
        if rng.random() < 0.10 and first + 150 < t - 1:
            last = int(rng.integers(first + 120, t - 1))
            delisted = days[last].astype(dt.date)
        draft = _Draft(code, first, last, listed or _pre_span_listing(rng), delisted)
        draft.no_trade_prob = 0.01 if rng.random() < 0.15 else 0.0
        u = rng.random()
        if last - first > 80 and u < 0.12:
            num, den = _random_split(rng) if u < 0.10 else (int(rng.choice([5, 10])), 1)
            draft.splits.append((int(rng.integers(first + 20, last - 20)), num, den))
        drafts.append(draft)
    return drafts


def _company_names(rng: np.random.Generator, s33: list[str], roles: list[str]) -> tuple[list[str], list[str]]:
    names, names_en, seen = [], [], set()
    for sector, role in zip(s33, roles, strict=True):
        while True:
            (pj, pe), (mj, me) = (
                _PREFIXES[rng.integers(len(_PREFIXES))],
                _MIDDLES[rng.integers(len(_MIDDLES))],
            )
            ja = f"{pj}{mj}{_SECTOR_WORD[sector]}"
            if ja not in seen:
                seen.add(ja)
                break
        names.append(ja)
        names_en.append(f"{pe} {me}{S33[sector][1]} Co.,Ltd.".replace("  ", " "))
    return names, names_en


def _sections(rng: np.random.Generator, draft: _Draft, days: np.ndarray) -> list[tuple[dt.date, str]]:
    restructure = MARKET_RESTRUCTURING
    listed = draft.listed
    if listed < restructure:
        if draft.first == 0:  # listed before the span
            pre = str(rng.choice(PRE_SECTIONS, p=[0.55, 0.12, 0.10, 0.20, 0.03]))
        else:
            pre = str(rng.choice(["0104", "0106", "0101"], p=[0.75, 0.15, 0.10]))
        post = {
            "0101": "0111" if rng.random() < 0.82 else "0112",
            "0102": "0112",
            "0104": "0113",
            "0106": "0112",
            "0107": "0113",
        }[pre]
        history = [(listed, pre), (restructure, post)]
    else:
        history = [(listed, str(rng.choice(["0113", "0112", "0111"], p=[0.85, 0.10, 0.05])))]
    if rng.random() < 0.04:
        lo = max(int(np.searchsorted(days, np.datetime64(restructure))), draft.first + 60)
        if lo < draft.last - 20:
            when = days[int(rng.integers(lo, draft.last - 10))].astype(dt.date)
            now = history[-1][1]
            history.append((when, {"0113": "0112", "0112": "0111", "0111": "0112"}[now]))
    return history


def _attributes(
    rng: np.random.Generator, drafts: list[_Draft], days: np.ndarray
) -> tuple[pd.DataFrame, list]:
    n = len(drafts)
    sectors = list(rng.choice(sorted(S33), size=n))
    common = {d.code: i for i, d in enumerate(drafts)}
    for i, d in enumerate(drafts):  # a preferred share inherits its issuer's sector
        if d.role == "preferred" and PREFERRED_COMMON_CODE in common:
            sectors[i] = sectors[common[PREFERRED_COMMON_CODE]]
    names, names_en = _company_names(rng, sectors, [d.role for d in drafts])
    for i, d in enumerate(drafts):
        if d.role == "preferred" and PREFERRED_COMMON_CODE in common:
            j = common[PREFERRED_COMMON_CODE]
            names[i], names_en[i] = f"{names[j]}第1種優先株式", f"{names_en[j]} Class 1 Preferred"
    sections = [_sections(rng, d, days) for d in drafts]
    preferred = [i for i, d in enumerate(drafts) if d.role == "preferred"]
    for i in preferred:  # listed alongside its common stock, never a TOPIX constituent
        if PREFERRED_COMMON_CODE in common:
            sections[i] = list(sections[common[PREFERRED_COMMON_CODE]])
    mrgn = rng.choice(["2", "1", "3"], size=n, p=[0.55, 0.40, 0.05])
    size = rng.lognormal(0.0, 1.3, size=n)
    attrs = pd.DataFrame(
        {
            "CoName": names,
            "CoNameEn": names_en,
            "S17": [S33[s][2] for s in sectors],
            "S17Nm": [S17_NAMES[S33[s][2]] for s in sectors],
            "S33": sectors,
            "S33Nm": [S33[s][0] for s in sectors],
            "Mrgn": mrgn,
            "MrgnNm": [MARGIN_NAMES[m] for m in mrgn],
            "Size": size,
        }
    )
    attrs["TopixCat"] = _topix_categories(size)
    attrs.loc[preferred, "TopixCat"] = "-"
    return attrs, sections


def _topix_categories(size: np.ndarray) -> list[str]:
    """A scale category by size rank (applied only while the code is in 1st section / Prime)."""
    rank = np.argsort(np.argsort(-size)) / max(len(size), 1)
    cuts = np.array([0.015, 0.05, 0.25, 0.55])
    return [SCALE_CATS[int(k)] for k in np.searchsorted(cuts, rank, side="right")]


def build_universe(seed: int, n_codes: int, days: np.ndarray) -> Universe:
    """Generate the universe of `n_codes` codes over the span's business days `days`."""
    if n_codes < 1:
        raise ValueError("n_codes must be at least 1")
    rng = child_rng(seed, "universe")
    drafts = _special_drafts(rng, days, min(n_codes, len(SPECIAL_CODES)))
    used = {d.code for d in drafts} | {s.code for s in SPECIAL_CODES}
    drafts += _regular_drafts(rng, days, n_codes - len(drafts), used)
    drafts.sort(key=lambda d: d.code)
    attrs, sections = _attributes(rng, drafts, days)
    events = [(i, day, num, den) for i, d in enumerate(drafts) for day, num, den in d.splits]
    ev = np.array(events, dtype=np.int64).reshape(-1, 4)
    return Universe(
        codes=np.array([d.code for d in drafts], dtype=object),
        first=np.array([d.first for d in drafts], dtype=np.int64),
        last=np.array([d.last for d in drafts], dtype=np.int64),
        listed_date=[d.listed for d in drafts],
        delisted_date=[d.delisted for d in drafts],
        roles={d.code: d.role for d in drafts},
        attrs=attrs,
        sections=sections,
        no_trade_prob=np.array([d.no_trade_prob for d in drafts]),
        ev_code=ev[:, 0],
        ev_day=ev[:, 1],
        ev_num=ev[:, 2],
        ev_den=ev[:, 3],
    )
