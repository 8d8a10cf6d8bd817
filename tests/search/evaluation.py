"""Search quality on real Arabic text: does a typed word find the articles that hold it inflected, and only those?

The documents are the Arabic pages of the shared corpus (title and body as their JSON gives them) and the demo
sites' articles (``crawler/demo/sites/*/articles.toml``), stored into a fresh archive the way a crawl stores them.

Pairs of (typed query, article holding the word inflected) are generated from the articles' own words: a word
of an article that is another word of the corpus plus a proclitic (و ف ب ك ل, ال and their combinations) and/or
an ending (plural, dual, feminine, pronoun), the article not holding that bare word itself. The generator knows
nothing of the analysis under test; it over-generates (وزارة = و + زار + ة), so every generated pair was read
and is either kept, listed in ``GENERATED_TRAPS`` (another word: the article must not be found through it) or in
``RELATED`` (a derivation or an ambiguous reading, scored neither way). Hand-written pairs and traps
(``HAND_PAIRS``, ``HAND_TRAPS``) come on top, where the corpus holds the word.

A pair is found when ``akhbar search`` returns the article; a trap is fallen into when the query's analysis
matches the trap word. The same pairs are scored with the rules of Lucene's Arabic analyzer (what Elasticsearch
and OpenSearch ship), written out below: ``ArabicNormalizer`` then ``ArabicStemmer``.
"""

from __future__ import annotations

import json
import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from crawler.items import Article
from crawler.registry import Site
from crawler.storage.archive import Archive
from crawler.storage.db import open_db
from crawler.storage.search import plan_query, search
from crawler.text.arabic import content_hash, normalize_for_search
from crawler.text.stems import is_arabic, words

REPO = Path(__file__).resolve().parents[2]
_SHARED_CORPUS = REPO.parent / "shared" / "corpus" / "pages"
# The repository keeps copies of the corpus pages (tests/fixtures/pages, numbered like the corpus, beside
# pages written for regression tests): a checkout without ../shared evaluates on the same texts.
CORPUS = _SHARED_CORPUS if _SHARED_CORPUS.is_dir() else REPO / "tests" / "fixtures" / "pages"
DEMO_SITES = REPO / "crawler" / "demo" / "sites"


@dataclass(frozen=True)
class Document:
    id: str
    site: str
    title: str
    body: str


def load_documents() -> list[Document]:
    """The Arabic pages of the shared corpus and the demo sites' articles, each text once (two corpus pages are
    one snippet in two encodings)."""
    docs: list[Document] = []
    for path in sorted(p for p in CORPUS.glob("*.json") if p.stem.isdigit()):  # corpus pages only
        page = json.loads(path.read_text(encoding="utf-8"))
        title, body = page.get("title") or "", page.get("body_text") or ""
        if is_arabic(title + body):
            docs.append(Document(f"corpus/{path.stem}", "corpus", title, body))
    for source in sorted(DEMO_SITES.glob("*/articles.toml")):
        site = source.parent.name
        for article in tomllib.loads(source.read_text(encoding="utf-8"))["articles"]:
            docs.append(Document(f"{site}/{article['id']}", site, article["title"], "\n".join(article["paragraphs"])))
    unique = {content_hash(d.title, d.body): d for d in reversed(docs)}
    return [d for d in docs if unique[content_hash(d.title, d.body)] is d]


def build_archive(path: Path, docs: list[Document]) -> Archive:
    """A fresh archive holding ``docs``, stored as the crawl stores articles (article ``i`` has id ``i + 1``)."""
    archive = Archive(open_db(path))
    archive.sync_sites(Site(s, s, s, f"https://{s}.example/", "SY") for s in sorted({d.site for d in docs}))
    items = []
    for i, doc in enumerate(docs):
        url = f"https://{doc.site}.example/{i}"
        item = Article(url=url, canonical_url=url, site=doc.site, title=doc.title, body=doc.body)
        item.content_hash = content_hash(item.title, item.body)
        items.append(item)
    outcomes = archive.store(items)
    assert [o.article_id for o in outcomes] == list(range(1, len(docs) + 1)), "every document is its own row"
    return archive


# -- the generator ---------------------------------------------------------------------------------------

_PREFIXES = ("", "و", "ف", "ب", "ك", "ل", "ال", "وال", "فال", "بال", "كال", "لل", "ولل", "وب", "ول", "وك", "فب", "فل")
_PRONOUNS = ("ه", "ها", "هم", "هن", "هما", "كم", "كما", "نا", "ي")
_ENDINGS = ("", *_PRONOUNS, "ون", "ين", "ان", "ات", "يه", "يين", "يون", "يات")
# Words too common to be a query, the generator's own list.
_STOPWORDS = frozenset(
    normalize_for_search(w)
    for w in (
        "في من إلى على عن مع بين بعد قبل حتى منذ عند لدى أن إن أو ما لا لم لن ليس هل قد كان كانت هذا هذه ذلك تلك "
        "هو هي هم هن نحن الذي التي الذين كل بعض غير ثم إذا أي أيضا كما حيث لكن بل أما إلا حول خلال عبر دون نحو ضد مثل"
    ).split()
)


@dataclass(frozen=True)
class Pair:
    query: str
    """The bare word, normalized."""
    word: str
    """The article's inflected word, normalized."""
    docs: frozenset[int] = field(default_factory=frozenset, compare=False)
    """Indexes of the documents that hold ``word`` and not ``query``."""

    @property
    def key(self) -> str:
        return f"{self.query}/{self.word}"


def generate_pairs(docs: list[Document]) -> list[Pair]:
    """Every (bare word, inflected word) the corpus offers: the inflected word is a proclitic and/or an ending
    around the bare word (after ة, the ending may follow ت: عاصمتها), the bare word is a word of the corpus
    (not a function word, three letters or more), and the documents counted do not hold it."""
    doc_words = [set(words(normalize_for_search(f"{d.title}\n{d.body}"))) for d in docs]
    vocabulary = set().union(*doc_words)
    found: dict[tuple[str, str], set[int]] = {}
    endings = (*_ENDINGS, *("ت" + p for p in _PRONOUNS))
    for index, present in enumerate(doc_words):
        for word in present:
            if not is_arabic(word):
                continue
            for prefix in _PREFIXES:
                for ending in endings:
                    if not (prefix or ending) or not word.startswith(prefix) or not word.endswith(ending):
                        continue
                    core = word[len(prefix) : len(word) - len(ending)]
                    bare = core + "ه" if ending.startswith("ت") else core
                    if len(core) < 3 or bare == word or bare in _STOPWORDS:
                        continue
                    if bare in vocabulary and bare not in present:
                        found.setdefault((bare, word), set()).add(index)
    return [Pair(q, w, frozenset(ix)) for (q, w), ix in sorted(found.items())]


def _keys(text: str) -> frozenset[str]:
    return frozenset(text.split())


GENERATED_TRAPS = _keys(
    # A proclitic or an ending that is part of another word.
    "احد/واحد البحر/البحرين ميات/كميات انه/وانهي "
    # The tens are not the units with a plural ending.
    "الثلاث/والثلاثين ثلاث/ثلاثين ثلاث/والثلاثين اربع/اربعين "
    # A nisba or another derivation that is a word of its own.
    "المدن/المدني المدن/المدنيين ترك/التركي ترك/التركيه بدا/البدايه بدا/بدايه ترد/التردي دور/الدوري "
    "امس/امسيات امس/وامسيات اثر/الاثري اجتماع/اجتماعيه اجتماع/الاجتماعي اجتماع/الاجتماعيه "
    "الاجتماع/الاجتماعي الاجتماع/الاجتماعيه البلد/البلديات البلد/البلديه الخارج/الخارجيه بقي/بقيه "
    "محل/المحليه محل/محليه الدول/الدولي دول/الدولي رييس/الرييسيه رييس/رييسيه"
)
"""Generated pairs whose word is another word than the query: traps."""

RELATED = _keys(
    # A nisba of the query, or its plural: related in meaning, another word (Israel, Israeli).
    "اسراييل/الاسراييلي اسراييل/الاسراييليين لبنان/اللبنانيه لندن/اللندني عرب/العربي عرب/العربيه "
    "عرب/والعربيه العرب/والعربيه عرب/عربيه عرب/وعربيه العرب/العربي العرب/العربيه الادب/والادبي الاعلام/الاعلامي "
    "الانسان/الانسانيه الاول/الاوليه الاولي/الاوليه الدفاع/الدفاعي الشعب/الشعبيه النظام/النظاميه "
    "نظام/النظاميه اليوم/اليوميه يوم/اليوميه عدد/العددي حدود/الحدودي جنوب/جنوبي غرب/غربي ريف/ريفي "
    "وطن/الوطني وطن/وطنيه داخل/الداخليه انتقال/انتقاليه شخص/بشخصيه شعر/شعريه تقني/وتقنيات حال/الحالي "
    "حال/الحاليه الثلاث/والثلاثيه ثلاث/والثلاثيه مدير/المديريه مدير/مديريه اهم/اهميه اهم/باهميه "
    "الحر/الحريات الحر/بالحريه "
    # A noun and its feminine in ة, another word the analysis conflates with it as light stemmers do.
    "قدر/القدره حكم/بالحكمه دور/الدوره العمل/العمله التجار/التجاره تجار/التجاره البلد/والبلدات "
    "الحرك/الحركه مساعد/المساعدات مساعد/مساعدات مساعد/مساعده بيان/بيانات وجه/الوجهات "
    "المعارض/المعارضه المعارض/والمعارضه والمعارض/والمعارضه سخر/السخريه سخر/والسخريه "
    # Two readings of the same letters (حاله: his state or a case; سورية: Syria or Syrian).
    "حال/حاله سوريه/السوريه السوري/السوريه اعاد/اعاده الواقع/الواقعه الف/الفي احد/الاحد مصادر/مصادره ضعف/ضعفي "
    "وعلي/وعليهما ميل/كميل امس/لامس"
)
"""Generated pairs scored neither way."""

HAND_PAIRS = (("معتقل", "المعتقلين"), ("عراق", "العراق"), ("عاصمة", "العاصمة"), ("قمة", "القمة"),
              ("اجتماع", "الاجتماعات"), ("بيان", "البيان"), ("مساعدات", "المساعدات"))  # fmt: skip
"""The issue's kind of pairs, where the corpus holds them (its مجوهرات, وفيات and بالعاصمة it does not)."""
HAND_TRAPS = (("زار", "وزارة"), ("بحر", "البحرين"), ("لبن", "لبنان"), ("سود", "السودان"), ("طول", "بطولة"),
              ("ريق", "فريق"), ("بئر", "كبير"), ("أمل", "كامل"), ("الرقة", "ورقة"), ("زير", "وزير"))  # fmt: skip
"""Over-stemming traps: the query must not find the article through the word."""


# -- Lucene's Arabic analyzer, written out ------------------------------------------------------------------

_LUCENE_DIACRITICS = re.compile("[\u064b-\u0652\u0640]")  # tanwin, harakat, shadda, sukun; tatweel
_LUCENE_FOLD = str.maketrans({"آ": "ا", "أ": "ا", "إ": "ا", "ى": "ي", "ة": "ه"})
LUCENE_PREFIXES = ("ال", "وال", "بال", "كال", "فال", "لل", "و")
LUCENE_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ية", "ه", "ة", "ي")


def lucene_normalize(word: str) -> str:
    """``ArabicNormalizer``: alef forms to ا, ى to ي, ة to ه, harakat and tatweel removed."""
    return _LUCENE_DIACRITICS.sub("", word).translate(_LUCENE_FOLD)


def lucene_stem(word: str) -> str:
    """``ArabicStemmer``: the first prefix that leaves two letters (و: three) is taken off, then each suffix in
    turn that leaves two letters."""
    for prefix in LUCENE_PREFIXES:
        if word.startswith(prefix) and len(word) >= (4 if len(prefix) == 1 else len(prefix) + 2):
            word = word[len(prefix) :]
            break
    for suffix in LUCENE_SUFFIXES:
        if word.endswith(suffix) and len(word) >= len(suffix) + 2:
            word = word[: -len(suffix)]
    return word


def lucene_terms(text: str) -> set[str]:
    """What the Lucene analyzer indexes of a text (letters and digits between separators, lower-cased)."""
    tokens = re.findall(r"[^\W_]+", unicodedata.normalize("NFC", text).lower())
    return {lucene_stem(lucene_normalize(t)) for t in tokens}


# -- scoring -------------------------------------------------------------------------------------------------


@dataclass
class Scores:
    """How one analyzer did on the pairs and traps."""

    name: str
    found: int = 0
    pairs: int = 0
    fallen: int = 0
    traps: int = 0
    missed: list[str] = field(default_factory=list)
    fallen_into: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.pairs if self.pairs else 1.0

    def line(self) -> str:
        return (f"{self.name}: found {self.found}/{self.pairs} pairs ({self.recall:.1%}),"
                f" fell into {self.fallen}/{self.traps} traps")  # fmt: skip


@dataclass
class Evaluation:
    pairs: list[Pair]
    """Query and inflected word, with the documents holding the word (and not the query)."""
    traps: list[Pair]
    akhbar: Scores
    lucene: Scores
    documents: int


def evaluation_pairs(docs: list[Document]) -> tuple[list[Pair], list[Pair]]:
    """The positive pairs and the traps of these documents (hand-written ones where the documents hold the word)."""
    generated = generate_pairs(docs)
    pairs = [p for p in generated if p.key not in GENERATED_TRAPS and p.key not in RELATED]
    traps = [p for p in generated if p.key in GENERATED_TRAPS]
    doc_words = [set(words(normalize_for_search(f"{d.title}\n{d.body}"))) for d in docs]
    known = {p.key for p in pairs}
    for hand, into in ((HAND_PAIRS, pairs), (HAND_TRAPS, traps)):
        for query, word in hand:
            q, w = normalize_for_search(query), normalize_for_search(word)
            holding = frozenset(i for i, present in enumerate(doc_words) if w in present and q not in present)
            if holding and f"{q}/{w}" not in known:
                into.append(Pair(q, w, holding))
                known.add(f"{q}/{w}")
    return pairs, traps


def evaluate(archive: Archive, docs: list[Document]) -> Evaluation:
    """Score ``akhbar search`` (on ``archive``, holding ``docs`` in order) and the Lucene rules on the same pairs."""
    pairs, traps = evaluation_pairs(docs)
    akhbar, lucene = Scores("akhbar", pairs=len(pairs), traps=len(traps)), Scores("Lucene Arabic rules")
    lucene.pairs, lucene.traps = len(pairs), len(traps)
    lucene_docs = [lucene_terms(f"{d.title}\n{d.body}") for d in docs]
    found_by_query: dict[str, set[int]] = {}
    for pair in pairs:
        if pair.query not in found_by_query:
            hits = search(archive.conn, pair.query, limit=len(docs))
            found_by_query[pair.query] = {h.id - 1 for h in hits}
        _score(akhbar, pair, pair.docs <= found_by_query[pair.query])
        stem = lucene_stem(lucene_normalize(pair.query))
        _score(lucene, pair, all(stem in lucene_docs[i] for i in pair.docs))
    for trap in traps:
        plan = plan_query(trap.query, archive.conn)
        _fall(akhbar, trap, plan.marks(trap.word))
        _fall(lucene, trap, lucene_stem(lucene_normalize(trap.query)) == lucene_stem(lucene_normalize(trap.word)))
    return Evaluation(pairs, traps, akhbar, lucene, len(docs))


def _score(scores: Scores, pair: Pair, found: bool) -> None:
    if found:
        scores.found += 1
    else:
        scores.missed.append(pair.key)


def _fall(scores: Scores, trap: Pair, fallen: bool) -> None:
    if fallen:
        scores.fallen += 1
        scores.fallen_into.append(trap.key)


def summary(result: Evaluation) -> Iterable[str]:
    yield f"{result.documents} documents, {len(result.pairs)} pairs, {len(result.traps)} traps"
    for scores in (result.akhbar, result.lucene):
        yield scores.line()
        if scores.missed:
            yield "  missed: " + " ".join(scores.missed)
        if scores.fallen_into:
            yield "  traps: " + " ".join(scores.fallen_into)


if __name__ == "__main__":
    import tempfile

    documents = load_documents()
    with tempfile.TemporaryDirectory() as tmp:
        print("\n".join(summary(evaluate(build_archive(Path(tmp) / "eval.db", documents), documents))))
