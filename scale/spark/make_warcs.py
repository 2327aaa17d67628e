"""Generate WARC files of news-like pages for the Spark parity test and `just bench-spark`.

Deterministic for a given seed. The pages are what a news crawl holds: stories from a dozen
sites in several languages, persons named again and again across stories, wire stories
carried by several sites (near-duplicates), the same story reached through a tracking URL
that declares its canonical URL (in another file: an upsert across shards), a page with no
article text, with --malformed a record whose length is wrong (in the first file), and with
--unparsable a page with neither title nor text, which no cleaner can make an article of (in
the last file).

    python3 make_warcs.py --out DIR --files 3 --pages 3000 [--seed 7] [--malformed] [--unparsable]
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import zlib

SITES = [
    ("harbour-times.example", "en"),
    ("daily-ledger.example", "en"),
    ("north-post.example", "en"),
    ("le-quotidien.example", "fr"),
    ("novosti.example", "ru"),
    ("kathimerini.example", "el"),
    ("xinwen.example", "zh"),
    ("akhbar.example", "ar"),
    ("samachar.example", "hi"),
    ("wire-service.example", "en"),
    ("metro-courier.example", "en"),
    ("evening-star.example", "en"),
]

PERSONS = [
    "Keir Starmer", "Emmanuel Macron", "Olaf Scholz", "Giorgia Meloni", "Volodymyr Zelensky",
    "Ursula von der Leyen", "Kamala Harris", "Jane Okafor", "Pedro Sánchez", "Mark Rutte",
    "Anna Lindqvist", "Rishi Sunak", "Marine Le Pen", "Jacinda Ardern", "Narendra Modi",
    "Luiz Inácio Lula da Silva", "Donald Tusk", "Kyriakos Mitsotakis", "António Guterres",
    "Christine Lagarde",
]

TOPICS = [
    ("harbour", "The harbour authority approved a plan to deepen the northern channel"),
    ("budget", "Finance ministers agreed on a budget framework after a long night of talks"),
    ("climate", "Negotiators at the climate summit reached a draft deal on adaptation finance"),
    ("election", "Polling stations opened early as voters turned out in record numbers"),
    ("rail", "The rail operator announced new timetables and a fleet of electric trains"),
    ("health", "Hospitals reported shorter waiting lists after the winter programme ended"),
    ("energy", "Grid operators warned of tight supplies as demand rose during the cold snap"),
    ("trade", "Exporters welcomed the agreement, which lowers tariffs on farm goods"),
    ("schools", "Teachers unions and the ministry agreed on a new pay scale for next year"),
    ("housing", "The city council voted to build four thousand homes on former rail land"),
]

WORDS = (
    "officials said the decision followed months of consultation with residents businesses "
    "and unions while critics argued that the timetable was too short and the costs were "
    "unclear analysts expect the measure to affect prices next quarter and several regional "
    "leaders asked for more detail before the vote committee members will meet again on "
    "Thursday to review the figures which were published in a report on Monday morning"
).split()

FOREIGN = {
    "fr": "Le gouvernement a présenté un nouveau projet de loi sur le financement des ports, "
    "et les élus régionaux ont demandé davantage de précisions avant le vote.",
    "ru": "Правительство представило новый законопроект о финансировании портов, и "
    "региональные депутаты попросили больше подробностей перед голосованием.",
    "el": "Η κυβέρνηση παρουσίασε νέο νομοσχέδιο για τη χρηματοδότηση των λιμανιών, και οι "
    "περιφερειακοί βουλευτές ζήτησαν περισσότερες λεπτομέρειες πριν από την ψηφοφορία.",
    "zh": "政府提出了一项关于港口融资的新法案，地方议员在投票前要求提供更多细节。",
    "ar": "قدمت الحكومة مشروع قانون جديدا بشأن تمويل الموانئ، وطالب النواب الإقليميون بمزيد من "
    "التفاصيل قبل التصويت.",
    "hi": "सरकार ने बंदरगाहों के वित्तपोषण पर एक नया विधेयक पेश किया, और क्षेत्रीय सांसदों ने "
    "मतदान से पहले अधिक जानकारी मांगी।",
}


def story(rng: random.Random, number: int):
    topic, lead = rng.choice(TOPICS)
    people = rng.sample(PERSONS, 2)
    day = 1 + number % 28
    paragraphs = [f"{lead}, {people[0]} said on Tuesday."]
    for _ in range(5):
        words = [rng.choice(WORDS) for _ in range(rng.randint(35, 60))]
        if rng.random() < 0.5:
            words.insert(rng.randint(0, len(words)), f"{people[1]} said")
        paragraphs.append(" ".join(words).capitalize() + ".")
    paragraphs.append(f"{people[1]} is expected to respond to {people[0]} later this week.")
    title = f"{lead.split(' ')[1].capitalize()} {topic} report {number}: {people[0]} speaks"
    return {
        "title": title,
        "topic": topic,
        "paragraphs": paragraphs,
        "published": f"2026-11-{day:02d}T{8 + number % 12:02d}:{number % 60:02d}:00Z",
        "author": rng.choice(["Jane Reporter", "Tom Writer", "Amira Haddad", "Li Wei"]),
    }


def page(site: str, lang: str, path: str, item, canonical: str | None = None, extra: str = ""):
    body = "".join(f"<p>{p}</p>" for p in item["paragraphs"])
    if lang != "en":
        body = f"<p>{FOREIGN[lang]}</p>" + body + f"<p>{FOREIGN[lang]}</p>"
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{item['title']} | {site}</title>"
        f'<meta property="og:title" content="{item["title"]}">'
        f'<meta property="article:published_time" content="{item["published"]}">'
        f'<meta name="author" content="{item["author"]}">{link}</head><body>'
        f'<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>'
        f"<article><h1>{item['title']}</h1><p class=\"byline\">By {item['author']}</p>"
        f"{body}{extra}</article><aside><h3>Most read</h3><ul><li><a href=\"/x\">Other story</a></li>"
        f"</ul></aside><footer>Copyright {site}</footer></body></html>"
    ).encode("utf-8")


def record(uri: str, date: str, body: bytes, content_type: str = "text/html; charset=utf-8",
           lie_about_length: bool = False) -> bytes:
    http = (
        f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    length = len(http) + (5000 if lie_about_length else 0)
    head = (
        f"WARC/1.1\r\nWARC-Type: response\r\nWARC-Date: {date}\r\n"
        f"WARC-Record-ID: <urn:uuid:{zlib.crc32((uri + date).encode()):012d}-0000-4000-8000-000000000000>\r\n"
        f"WARC-Target-URI: {uri}\r\nContent-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode()
    return gzip.compress(head + http + b"\r\n\r\n", mtime=0)


def generate(out: str, files: int, pages: int, seed: int, malformed: bool,
             unparsable: bool = False) -> list[str]:
    rng = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    records: list[list[bytes]] = [[] for _ in range(files)]
    made = 0
    number = 0
    while made < pages:
        number += 1
        item = story(rng, number)
        site, lang = SITES[number % len(SITES)]
        url = f"https://{site}/{item['topic']}/{number}"
        date = f"2026-11-{1 + number % 28:02d}T12:{number % 60:02d}:{number % 59:02d}Z"
        file = number % files
        records[file].append(record(url, date, page(site, lang, f"/{number}", item)))
        made += 1
        roll = rng.random()
        if roll < 0.15:
            # A wire story carried by other sites, each with its own furniture: near-duplicates.
            for copy in range(rng.randint(1, 3)):
                other, other_lang = SITES[(number + 3 + copy * 4) % len(SITES)]
                carried = dict(item, title=item["title"] + f" ({other.split('.')[0]})")
                extra = f"<p>This story was first published by {site}.</p>"
                records[(file + 1 + copy) % files].append(
                    record(f"https://{other}/wire/{number}", date,
                           page(other, "en", "", carried, extra=extra))
                )
                made += 1
        elif roll < 0.25:
            # The same story through a tracking URL, in another file, naming its canonical URL.
            records[(file + 1) % files].append(
                record(f"{url}?utm_source=feed&utm_medium=rss", date,
                       page(site, lang, "", item, canonical=url))
            )
            made += 1
        elif roll < 0.27:
            # A page with no article text at all.
            records[file].append(record(f"https://{site}/empty/{number}", date,
                                        b"<html><head><title>x</title></head><body></body></html>"))
            made += 1
    if malformed and files:
        records[0].insert(len(records[0]) // 2,
                          record("https://broken.example/cut", "2026-11-02T00:00:00Z",
                                 b"<html>cut</html>", lie_about_length=True))
    if unparsable and files:
        records[-1].insert(len(records[-1]) // 3,
                           record("https://broken.example/blank", "2026-11-03T00:00:00Z",
                                  b"<!doctype html><html><head></head><body><div></div></body></html>"))
    paths = []
    for number, file_records in enumerate(records):
        path = os.path.join(out, f"news-{number:03d}.warc.gz")
        with open(path, "wb") as handle:
            for data in file_records:
                handle.write(data)
        paths.append(path)
    return paths


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--files", type=int, default=3)
    parser.add_argument("--pages", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--malformed", action="store_true")
    parser.add_argument("--unparsable", action="store_true")
    args = parser.parse_args()
    for path in generate(args.out, args.files, args.pages, args.seed, args.malformed,
                         args.unparsable):
        print(path)


if __name__ == "__main__":
    main()
