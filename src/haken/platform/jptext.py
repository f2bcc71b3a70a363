"""Japanese text for search and addresses: one normalisation, the 47 prefectures.

Users type company and building names in any width and script: ｶﾌﾞｼｷｶﾞｲｼｬ, カブシキガイシャ,
かぶしきがいしゃ, ＡＢＣ or abc must all find the same row. :func:`search_key` folds a name
into one form that is stored next to it and compared by prefix (``LIKE 'key%'``), so a
search is an index range scan instead of a scan of every row. Legal-form words
(株式会社, (株) …) are dropped from the key: people search "トヨタ", not "株式会社トヨタ".
"""

from __future__ import annotations

import re
import unicodedata

import jaconv

# Legal-form designators, written as they are after NFKC (㈱ becomes (株)).
_LEGAL_FORMS = (
    "株式会社",
    "有限会社",
    "合同会社",
    "合資会社",
    "合名会社",
    "一般社団法人",
    "一般財団法人",
    "公益社団法人",
    "公益財団法人",
    "社会福祉法人",
    "医療法人",
    "(株)",
    "(有)",
    "(同)",
    "かぶしきがいしゃ",
    "ゆうげんがいしゃ",
    "ごうどうがいしゃ",
)
_SPACES = re.compile(r"[\s\u3000・･\-‐−.,、。]+")

SEARCH_KEY_MAX = 400
"""Column width of every stored search key."""


def search_key(text: str) -> str:
    """The folded form of ``text`` for prefix search and sorting.

    NFKC (full-width ASCII → half-width, half-width kana → full-width), lower case,
    katakana → hiragana, legal forms, spaces and punctuation removed.

    >>> search_key("株式会社 ﾄﾖﾀ　ＡＢＣ")
    'とよたabc'
    """
    folded = unicodedata.normalize("NFKC", text).lower()
    folded = jaconv.kata2hira(folded)
    for form in _LEGAL_FORMS:
        folded = folded.replace(form, "")
    return _SPACES.sub("", folded)[:SEARCH_KEY_MAX]


def prefix_pattern(key: str) -> str:
    """A ``LIKE`` pattern matching keys that start with ``key`` (wildcards escaped with ``\\``)."""
    escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


PREFECTURES: dict[str, str] = {
    "01": "北海道",
    "02": "青森県",
    "03": "岩手県",
    "04": "宮城県",
    "05": "秋田県",
    "06": "山形県",
    "07": "福島県",
    "08": "茨城県",
    "09": "栃木県",
    "10": "群馬県",
    "11": "埼玉県",
    "12": "千葉県",
    "13": "東京都",
    "14": "神奈川県",
    "15": "新潟県",
    "16": "富山県",
    "17": "石川県",
    "18": "福井県",
    "19": "山梨県",
    "20": "長野県",
    "21": "岐阜県",
    "22": "静岡県",
    "23": "愛知県",
    "24": "三重県",
    "25": "滋賀県",
    "26": "京都府",
    "27": "大阪府",
    "28": "兵庫県",
    "29": "奈良県",
    "30": "和歌山県",
    "31": "鳥取県",
    "32": "島根県",
    "33": "岡山県",
    "34": "広島県",
    "35": "山口県",
    "36": "徳島県",
    "37": "香川県",
    "38": "愛媛県",
    "39": "高知県",
    "40": "福岡県",
    "41": "佐賀県",
    "42": "長崎県",
    "43": "熊本県",
    "44": "大分県",
    "45": "宮崎県",
    "46": "鹿児島県",
    "47": "沖縄県",
}
"""JIS X 0401 prefecture codes → names; addresses store the code."""

PREFECTURE_PATTERN = r"^(0[1-9]|[1-3][0-9]|4[0-7])$"
POSTAL_CODE_PATTERN = r"^\d{3}-?\d{4}$"
PHONE_PATTERN = r"^[0-9+()\- ]{6,20}$"


def normalize_postal_code(value: str) -> str:
    """``1000001`` or ``100-0001`` → ``100-0001`` (after NFKC, so full-width digits work)."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", value))
    return f"{digits[:3]}-{digits[3:]}" if len(digits) == 7 else value
