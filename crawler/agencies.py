"""News agencies Akhbar recognises in credits, by stable id.

Data only: the extraction layer matches ``names`` in datelines, bylines and closing credit lines; the
exporter uses ``name``/``name_en``/``url`` to name the agency in feeds. Ids are lowercase ASCII and are the
values stored in the archive's ``agencies`` column and used in ``agencies/<id>/`` feed paths.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Agency:
    """One news agency."""

    id: str
    """Stable lowercase id (``anadolu``, ``afp``…)."""
    name: str
    """Arabic name as Arabic media print it."""
    name_en: str
    """English name."""
    url: str
    """Homepage of the agency."""
    country: str | None = None
    """ISO 3166 alpha-2 code of the agency's home country (None for international)."""
    names: tuple[str, ...] = ()
    """Other spellings and abbreviations found in credits (Arabic and Latin), matched as whole words."""


AGENCIES: dict[str, Agency] = {
    a.id: a
    for a in (
        Agency(
            "anadolu",
            "الأناضول",
            "Anadolu Agency",
            "https://www.aa.com.tr/ar",
            "TR",
            ("وكالة الأناضول", "الاناضول", "الأناضول للأنباء", "Anadolu", "Anadolu Ajansı", "Anadolu Agency", "AA"),
        ),
        Agency(
            "afp",
            "فرانس برس",
            "Agence France-Presse",
            "https://www.afp.com/ar",
            "FR",
            ("فرانس بريس", "فرانس برس", "أ ف ب", "ا ف ب", "أ.ف.ب", "أف ب", "وكالة الصحافة الفرنسية", "AFP"),
        ),
        Agency("reuters", "رويترز", "Reuters", "https://www.reuters.com", "GB", ("رويترز", "وكالة رويترز", "Reuters")),
        Agency(
            "ap",
            "أسوشيتد برس",
            "Associated Press",
            "https://apnews.com",
            "US",
            ("أسوشيتد برس", "أسوشييتد برس", "اسوشيتد برس", "أسوشيتدبرس", "أ ب", "ا ب", "AP", "Associated Press"),
        ),
        Agency(
            "dpa",
            "الوكالة الألمانية",
            "Deutsche Presse-Agentur",
            "https://www.dpa.com",
            "DE",
            ("د ب أ", "د.ب.أ", "الوكالة الألمانية للأنباء", "dpa"),
        ),
        Agency("efe", "إفي", "EFE", "https://efe.com", "ES", ("إفي", "افي", "وكالة إفي", "EFE")),
        Agency(
            "xinhua", "شينخوا", "Xinhua", "https://arabic.news.cn", "CN", ("شينخوا", "شينخوا", "وكالة شينخوا", "Xinhua")
        ),
        Agency(
            "apa",
            "وكالة الأنباء النمساوية",
            "Austria Presse Agentur",
            "https://www.apa.at",
            "AT",
            ("APA", "Austria Presse Agentur"),
        ),
        Agency(
            "sana",
            "سانا",
            "Syrian Arab News Agency",
            "https://sana.sy",
            "SY",
            ("سانا", "وكالة سانا", "الوكالة العربية السورية للأنباء", "SANA"),
        ),
        Agency(
            "wam", "وام", "Emirates News Agency", "https://www.wam.ae/ar", "AE", ("وام", "وكالة أنباء الإمارات", "WAM")
        ),
        Agency(
            "spa", "واس", "Saudi Press Agency", "https://www.spa.gov.sa", "SA", ("واس", "وكالة الأنباء السعودية", "SPA")
        ),
        Agency(
            "qna", "قنا", "Qatar News Agency", "https://www.qna.org.qa", "QA", ("قنا", "وكالة الأنباء القطرية", "QNA")
        ),
        Agency(
            "kuna",
            "كونا",
            "Kuwait News Agency",
            "https://www.kuna.net.kw",
            "KW",
            ("كونا", "وكالة الأنباء الكويتية", "KUNA"),
        ),
        Agency(
            "mena",
            "أ ش أ",
            "Middle East News Agency",
            "https://www.mena.org.eg",
            "EG",
            ("أ ش أ", "أ.ش.أ", "ا ش ا", "وكالة أنباء الشرق الأوسط", "MENA"),
        ),
        Agency(
            "petra",
            "بترا",
            "Jordan News Agency",
            "https://petra.gov.jo",
            "JO",
            ("بترا", "وكالة الأنباء الأردنية", "Petra"),
        ),
        Agency("bna", "بنا", "Bahrain News Agency", "https://www.bna.bh", "BH", ("بنا", "وكالة أنباء البحرين", "BNA")),
        Agency(
            "ona",
            "العمانية",
            "Oman News Agency",
            "https://omannews.gov.om",
            "OM",
            ("العمانية", "وكالة الأنباء العمانية", "ONA"),
        ),
        Agency(
            "aps",
            "وأج",
            "Algérie Presse Service",
            "https://www.aps.dz/ar",
            "DZ",
            ("وأج", "واج", "وكالة الأنباء الجزائرية", "APS"),
        ),
        Agency(
            "map",
            "لاماب",
            "Maghreb Arabe Presse",
            "https://www.mapnews.ma/ar",
            "MA",
            ("لاماب", "و م ع", "وكالة المغرب العربي للأنباء", "MAP"),
        ),
        Agency(
            "tap",
            "وات",
            "Tunis Afrique Presse",
            "https://www.tap.info.tn/ar",
            "TN",
            ("وات", "وكالة تونس إفريقيا للأنباء", "TAP"),
        ),
        Agency("ina", "واع", "Iraqi News Agency", "https://www.ina.iq", "IQ", ("واع", "وكالة الأنباء العراقية", "INA")),
        Agency(
            "nna",
            "الوكالة الوطنية للإعلام",
            "National News Agency",
            "https://www.nna-leb.gov.lb",
            "LB",
            ("الوكالة الوطنية للإعلام", "الوكالة الوطنية", "NNA"),
        ),
        Agency(
            "wafa", "وفا", "WAFA", "https://www.wafa.ps", "PS", ("وفا", "وكالة الأنباء والمعلومات الفلسطينية", "WAFA")
        ),
        Agency(
            "irna",
            "إرنا",
            "Islamic Republic News Agency",
            "https://ar.irna.ir",
            "IR",
            ("إرنا", "ارنا", "وكالة إرنا", "IRNA"),
        ),
        Agency("tass", "تاس", "TASS", "https://tass.com", "RU", ("تاس", "وكالة تاس", "TASS")),
        Agency("sputnik", "سبوتنيك", "Sputnik", "https://sarabic.ae", "RU", ("سبوتنيك", "وكالة سبوتنيك", "Sputnik")),
        Agency(
            "suna", "سونا", "Sudan News Agency", "https://suna-sd.net", "SD", ("سونا", "وكالة السودان للأنباء", "SUNA")
        ),
        Agency("saba", "سبأ", "Saba News Agency", "https://www.saba.ye", "YE", ("سبأ", "SABA")),
        Agency(
            "lana", "وال", "Libyan News Agency", "https://lana.gov.ly", "LY", ("وال", "وكالة الأنباء الليبية", "LANA")
        ),
        Agency("cnn", "CNN", "CNN", "https://arabic.cnn.com", "US", ("CNN",)),
        Agency("mna", "مهر", "Mehr News Agency", "https://ar.mehrnews.com", "IR", ("وكالة مهر", "مهر للأنباء", "MNA")),
        Agency("isna", "إسنا", "Iranian Students' News Agency", "https://www.isna.ir", "IR", ("إسنا", "ISNA")),
        Agency("ria", "ريا نوفوستي", "RIA Novosti", "https://ria.ru", "RU", ("ريا نوفوستي", "RIA Novosti")),
        Agency("ansa", "أنسا", "ANSA", "https://www.ansa.it", "IT", ("أنسا", "ANSA")),
        Agency("kyodo", "كيودو", "Kyodo News", "https://english.kyodonews.net", "JP", ("كيودو", "Kyodo")),
        Agency("yonhap", "يونهاب", "Yonhap", "https://en.yna.co.kr", "KR", ("يونهاب", "Yonhap")),
        Agency(
            "upi",
            "يونايتد برس",
            "United Press International",
            "https://www.upi.com",
            "US",
            ("يونايتد برس", "يو بي آي", "UPI"),
        ),
        Agency(
            "bloomberg",
            "بلومبرغ",
            "Bloomberg",
            "https://www.bloomberg.com",
            "US",
            ("بلومبرغ", "بلومبيرغ", "وكالة بلومبرغ", "Bloomberg"),
        ),
        Agency(
            "ami",
            "الوكالة الموريتانية للأنباء",
            "Agence Mauritanienne d'Information",
            "https://www.ami.mr",
            "MR",
            ("الوكالة الموريتانية للأنباء", "AMI"),
        ),
    )
}


def agency_name(agency_id: str) -> str:
    """The Arabic display name of an agency id, or the id itself when unknown."""
    agency = AGENCIES.get(agency_id)
    return agency.name if agency else agency_id
