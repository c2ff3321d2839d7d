"""One language per page: find the product's sentences that are in the other language.

``foreign_sentences(html, language)`` returns the visible texts of a page (or of a plain text) that read as the
other interface language: English on an Indonesian page ("id"), Indonesian on an English page ("en").

Two tests, so that there are few false alarms and still few misses:

1. The catalogue. A visible text that is exactly an English msgid of the Indonesian catalogue (with a different
   translation) on an Indonesian page was not translated; a text that is exactly an Indonesian msgstr on an
   English page is Indonesian. Messages with placeholders match with any value in the placeholder. A text that
   is both a msgid and another entry's msgstr (or whose msgid and msgstr are the same, such as "Status", "QRIS")
   proves nothing and is ignored. Python's ``True``/``False`` (and a lone ``None``) shown as text are flagged everywhere.
2. Function words, for sentences that are in no catalogue (a computed error, a stored note, a demo banner): a
   sentence of at least three words with at least two function words of the other language and more of them
   than of the page's language. Names hardly ever contain two function words.

What is data rather than product text is skipped by the second test: table cells (``td``), the values of a
detail page (``dd``), the options of a select, form values, anything inside an element marked
``translate="no"`` or with a ``lang`` of its own (e.g. the language switcher), scripts, styles and code. Data is
still checked against the catalogue, because a boolean or a choice label rendered untranslated is product text.
One exception: the yes/no icons of Django's admin carry alt="True"/"False" in every language (Django's code, which
the product cannot translate); they are not read.
"""

import re
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

LANGUAGES = ("id", "en")

# Elements whose content is not visible text, or is code or the user's own typing.
SKIP = {"script", "style", "code", "pre", "textarea", "template", "noscript"}
# Elements whose content is data (records' values): checked against the catalogue only.
DATA = {"td", "dd", "option", "select", "kbd", "samp", "var"}
# Elements that end a block of text (a sentence does not run across them).
BLOCK = {
    "address", "article", "aside", "blockquote", "body", "br", "button", "caption", "dd", "details", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "html", "label", "legend", "li", "main", "nav", "ol", "optgroup", "option", "p", "section", "select",
    "summary", "table", "tbody", "td", "text", "tfoot", "th", "thead", "tr", "ul", "svg", "g", "title", "input",
    "img", "head",
}  # fmt: skip
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
DJANGO_ADMIN_ICON = "/admin/img/icon-"

# Function words that name a language without naming a thing. Words shared by both languages or used as loan
# words in Indonesian (data, per, status, total, online) are left out.
STOP_WORDS = {
    "en": {
        "the", "and", "of", "to", "is", "are", "was", "were", "for", "with", "from", "this", "that", "these",
        "those", "not", "be", "been", "by", "on", "in", "has", "have", "had", "there", "which", "an", "it", "its",
        "or", "must", "can", "cannot", "will", "yet", "only", "than", "no", "any", "every", "each", "all",
        "when", "where", "who", "what", "here", "after", "before", "should", "would", "does", "do", "at", "into",
        "their", "they", "you", "your", "our", "we", "without", "until", "since", "between", "other", "more",
    },
    "id": {
        "yang", "dan", "di", "ke", "dari", "untuk", "dengan", "tidak", "belum", "sudah", "ini", "itu", "atau",
        "pada", "oleh", "adalah", "akan", "bisa", "dapat", "harus", "tanpa", "sebagai", "dalam", "karena",
        "masih", "telah", "setiap", "bukan", "ada", "juga", "semua", "tahun", "lebih", "sebelum", "sesudah",
        "setelah", "hanya", "agar", "jika", "bila", "antara", "sampai", "hingga", "tersebut", "para", "kami",
        "anda", "tiap", "seluruh", "baru", "lain", "sendiri",
    },
}  # fmt: skip
# Python's booleans shown as text ("Aktif True"); "None" only alone, since English has the word, and "True"/"False"
# not where they begin a phrase of English words ("False or invalid documents", a reason for a rejection).
PYTHON_LITERAL = re.compile(r"^None$|(?<![\w-])(?:True|False)(?![\w-])(?!\s+[a-z])")
MIN_WORDS = 3
MIN_FOREIGN_WORDS = 2

WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[#0+\- ]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|\{[^{}]*\}")
SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+|\s+[–—·|]\s+|\n")
SPACE = re.compile(r"\s+")
EDGE_PUNCTUATION = " \t\n:.…*•·,;()[]«»\"'“”‘’"


def _normal(text):
    return SPACE.sub(" ", text).strip(EDGE_PUNCTUATION).casefold()


def _letters(text):
    return sum(1 for char in text if char.isalpha())


def _pattern(message):
    """(compiled regex over ``_normal`` text, its literal parts) for a message with placeholders: the literal
    parts as they are, a placeholder as any text. None when too little of it is literal ("%(name)s (%(code)s)"
    would match anything)."""
    parts = PLACEHOLDER.split(_normal(message))
    literal = " ".join(parts)
    if _letters(literal) < 12 or len(WORD.findall(literal)) < 2:
        return None
    regex = ".+?".join(r"\s*".join(re.escape(word) for word in part.split(" ")) for part in parts)
    return re.compile(regex, re.DOTALL), [part.strip() for part in parts if part.strip()]


class Catalogue:
    """The texts that betray each language: English msgids for an Indonesian page, Indonesian msgstrs for an
    English page (only where the two differ and the text is not also the other language's)."""

    def __init__(self, pairs):
        pairs = [(msgid, msgstr) for msgid, msgstr in pairs if msgid and msgstr]
        english = {_normal(msgid) for msgid, _msgstr in pairs}
        indonesian = {_normal(msgstr) for _msgid, msgstr in pairs}
        self.exact = {"id": set(), "en": set()}
        # Messages with placeholders, indexed by a word of their longest literal part: a text is matched only
        # against the messages that share a word with it (a single alternation of them all backtracks badly).
        self.patterns = {"id": {}, "en": {}}
        for msgid, msgstr in pairs:
            if _normal(msgid) == _normal(msgstr):
                continue
            for page_language, foreign in (("id", msgid), ("en", msgstr)):
                own = indonesian if page_language == "id" else english
                if PLACEHOLDER.search(foreign):
                    if (found := _pattern(foreign)) is not None:
                        longest = max(found[1], key=len)
                        key = max(WORD.findall(longest) or [longest], key=len)
                        self.patterns[page_language].setdefault(key, []).append(found)
                elif _letters(foreign) >= 2 and _normal(foreign) not in own:
                    self.exact[page_language].add(_normal(foreign))

    def is_foreign(self, text, page_language):
        normal = _normal(text)
        if normal in self.exact[page_language]:
            return True
        if _letters(normal) < 12:
            return False
        patterns = self.patterns[page_language]
        for word in set(WORD.findall(normal)):
            for regex, literals in patterns.get(word, ()):
                if all(literal in normal for literal in literals) and regex.fullmatch(normal):
                    return True
        return False


@lru_cache(maxsize=1)
def catalogue():
    """The active Indonesian catalogue (the project's and every installed app's, Django's own included), and the
    plural msgids of the project's catalogue, which a compiled catalogue does not keep (polib: a test tool)."""
    import polib
    from django.conf import settings
    from django.utils.translation import trans_real

    pairs = []
    for key, value in trans_real.translation("id")._catalog.items():
        msgid = key[0] if isinstance(key, tuple) else key
        msgid = msgid.split("\x04", 1)[-1]  # drop a message context
        pairs.append((msgid, value))
    for path in settings.LOCALE_PATHS:
        po = Path(path) / "id" / "LC_MESSAGES" / "django.po"
        if po.exists():
            pairs += [(e.msgid_plural, e.msgstr_plural.get(0, "")) for e in polib.pofile(str(po)) if e.msgid_plural]
    return Catalogue(pairs)


def function_words(sentence, language):
    return [word for word in WORD.findall(sentence.casefold()) if word in STOP_WORDS[language]]


def reads_as(sentence, foreign, own):
    """The sentence reads as ``foreign`` rather than ``own``: enough of its function words, and more of them."""
    words = WORD.findall(sentence)
    if len(words) < MIN_WORDS:
        return False
    theirs = len(function_words(sentence, foreign))
    ours = len(function_words(sentence, own))
    return theirs >= MIN_FOREIGN_WORDS and theirs > ours


class _Texts(HTMLParser):
    """Visible texts as (text, is_data, is_fragment): text nodes and attributes (fragments), and blocks of text
    joined across inline elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # (tag, skip, data)
        self.texts = []
        self.block = []
        self.block_data = False

    @property
    def skipping(self):
        return bool(self.stack) and self.stack[-1][1]

    @property
    def in_data(self):
        return bool(self.stack) and self.stack[-1][2]

    def _flush(self):
        text = SPACE.sub(" ", "".join(self.block)).strip()
        if text:
            self.texts.append((text, self.block_data, False))
        self.block = []
        self.block_data = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        skip = self.skipping or tag in SKIP or attrs.get("translate") == "no" or "lang" in attrs and tag != "html"
        data = self.in_data or tag in DATA
        if tag in BLOCK:
            self._flush()
        if not skip:
            for name in ATTRIBUTES:
                if name == "alt" and DJANGO_ADMIN_ICON in (attrs.get("src") or ""):
                    continue  # Django's admin writes alt="True"/"False" on its yes/no icons, in every language
                if attrs.get(name):
                    self.texts.append((attrs[name], data, True))
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.texts.append((attrs["value"], False, True))
        if tag not in VOID:
            self.stack.append((tag, skip, data))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if tag in BLOCK:
            self._flush()
        # Pop to the matching open tag; a stray end tag (broken HTML) is ignored.
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if self.skipping or not data.strip():
            return
        self.texts.append((SPACE.sub(" ", data).strip(), self.in_data, True))
        self.block.append(data)
        self.block_data = self.block_data or self.in_data

    def close(self):
        super().close()
        self._flush()


def visible_texts(html):
    """(text, is_data, is_fragment) of an HTML page or fragment; plain text is one block of product text."""
    parser = _Texts()
    parser.feed(html)
    parser.close()
    return parser.texts


def foreign_sentences(html_or_text, language):
    """The visible texts of the page that are in the other interface language, in page order, without repeats."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")
    other = "en" if language == "id" else "id"
    known = catalogue()
    found = []
    for text, is_data, is_fragment in visible_texts(html_or_text):
        if PYTHON_LITERAL.search(text.strip(EDGE_PUNCTUATION)) or known.is_foreign(text, language):
            hits = [text]
        elif is_data or is_fragment:
            hits = []
        else:
            sentences = (s for s in SENTENCE_END.split(text) if not known.is_foreign(s, other))
            hits = [s.strip() for s in sentences if reads_as(s, other, language)]
        found.extend(hit for hit in hits if hit not in found)
    return found
