//! The query language: parsed, compiled and run (search with facets and highlights, persons,
//! reading hits back) against a small index of articles in several scripts, with dates at the
//! edges of what the index holds.

use std::sync::LazyLock;

use newsdex_cleaner::Cleaner;
use newsdex_index::{ArticleIndex, Config, Filters, PersonsRequest, SearchRequest, Sort};
use newsdex_persons::Extractor;

struct Fixture {
    // Kept alive for as long as the index is open.
    _dir: tempfile::TempDir,
    index: ArticleIndex,
}

/// Short articles whose words the fuzzer's mutations can still hit, in scripts where a byte
/// is not a character (and where case and accents fold in odd ways), with dates inside,
/// outside and at the edges of the range the index keeps.
const ARTICLES: &[(&str, &str, &str, &str)] = &[
    (
        "https://en.fuzz.example/news/1",
        "2025-08-17T10:00:00Z",
        "Coalition of the willing meets in Paris",
        "Keir Starmer met Volodymyr Zelensky in Paris on Sunday. Mr Starmer said the coalition of the willing would meet again; the ceasefire held.",
    ),
    (
        "https://ru.fuzz.example/news/2",
        "2025-08-14T08:00:00+03:00",
        "Переговоры в Стамбуле продолжаются",
        "Владимир Зеленский заявил, что переговоры в Стамбуле продолжатся на следующей неделе. Делегации обсудили обмен пленными.",
    ),
    (
        "https://zh.fuzz.example/news/3",
        "2025-07-01T00:00:00Z",
        "北京举行新闻发布会",
        "外交部发言人在北京举行的新闻发布会上表示，双方将继续就贸易问题进行磋商。",
    ),
    (
        "https://fr.fuzz.example/news/4",
        "2025-09-01T12:00:00Z",
        "Élysée : Emmanuel Macron reçoit à İstanbul",
        "Emmanuel Macron a rencontré ses homologues à İstanbul. « Nous sommes prêts », a-t-il déclaré ; l'œuvre de paix continue.",
    ),
    (
        "https://ar.fuzz.example/news/5",
        "2025-08-02T09:00:00Z",
        "مُحادثات في القاهرة",
        "قال وزير الخارجية إن المحادثات في القاهرة ستستمر الأسبوع المقبل، وناقشت الوفود تبادل الأسرى.",
    ),
    (
        "https://hi.fuzz.example/news/6",
        "2025-08-01T06:30:00+05:30",
        "दिल्ली में बातचीत जारी",
        "प्रधानमंत्री नरेंद्र मोदी ने कहा कि दिल्ली में बातचीत अगले सप्ताह जारी रहेगी। प्रतिनिधिमंडलों ने कैदियों की अदला-बदली पर चर्चा की।",
    ),
    (
        "https://el.fuzz.example/news/7",
        "1999-12-31T23:59:59Z",
        "ΣΥΝΟΜΙΛΙΕΣ ΣΤΗΝ ΑΘΗΝΑ ΓΙΑ ΤΗΝ ΟΔΟΣ",
        "Ο πρωθυπουργός Κυριάκος Μητσοτάκης δήλωσε ότι οι διαπραγματεύσεις στην Αθήνα θα συνεχιστούν στην οδός Σταδίου.",
    ),
    (
        "https://de.fuzz.example/news/8",
        "2999-01-01T00:00:00Z",
        "STRASSENBAU: Die Straße wird ﬁnanziert",
        "Der Bürgermeister İbrahim Kalın sprach von einer ﬁnanziellen Belastung; die Straße vor dem Rathaus wird erneuert.",
    ),
    (
        "https://tr.fuzz.example/news/9",
        "1500-06-01T00:00:00Z",
        "İSTANBUL'DA GÖRÜŞMELER SÜRÜYOR",
        "İstanbul'da yapılan görüşmelerde taraflar esir takası konusunda uzlaştı.",
    ),
];

static FIXTURE: LazyLock<Option<Fixture>> = LazyLock::new(|| {
    let dir = tempfile::tempdir().ok()?;
    let index = ArticleIndex::open(dir.path(), &Config::default()).ok()?;
    let cleaner = Cleaner::default();
    let extractor = Extractor::new();
    {
        let mut writer = index.writer().ok()?;
        for (url, date, title, text) in ARTICLES {
            let html = format!(
                "<html><head><title>{title}</title>\
                 <meta property=\"article:published_time\" content=\"{date}\"></head>\
                 <body><article><h1>{title}</h1><p>{text}</p><p>{text}</p></article></body></html>"
            );
            let article = cleaner.clean(html.as_bytes(), url, None).ok()?;
            let persons = extractor.extract(&format!("{}\n\n{}", article.title, article.text));
            writer.upsert(&article, &persons).ok()?;
        }
        writer.commit().ok()?;
    }
    index.reload().ok()?;
    Some(Fixture { _dir: dir, index })
});

/// A search and a persons count from any bytes: the first byte picks the sort, the typo
/// fallback, the page and the page size; the rest, split at `\x1f`, is the query and then the
/// since, until, person, site and language filters and a `with` person. Results or a
/// one-line error; highlights must slice the texts they are ranges of.
pub fn query(data: &[u8]) {
    let Some(fixture) = FIXTURE.as_ref() else {
        return;
    };
    let (flags, rest) = data.split_first().unwrap_or((&0, &[]));
    let text = String::from_utf8_lossy(rest);
    let mut parts = text.split('\x1f');
    let query = parts.next().unwrap_or_default().to_owned();
    let mut next = || {
        parts
            .next()
            .filter(|part| !part.is_empty())
            .map(str::to_owned)
    };
    let filters = Filters {
        since: next(),
        until: next(),
        persons: next().into_iter().collect(),
        sites: next().into_iter().collect(),
        langs: next().into_iter().collect(),
    };
    let with = next();
    let request = SearchRequest {
        query: query.clone(),
        filters: filters.clone(),
        sort: if flags & 1 == 0 {
            Sort::Relevance
        } else {
            Sort::Date
        },
        fuzzy: flags & 2 != 0,
        offset: usize::from((flags >> 2) & 3),
        limit: usize::from(flags >> 4),
        facets: 5,
    };
    if let Ok(results) = fixture.index.search(&request) {
        assert!(results.hits.len() <= request.limit);
        for hit in &results.hits {
            for &(start, end) in &hit.highlights {
                assert!(hit.snippet.get(start..end).is_some(), "{hit:?}");
            }
            for &(start, end) in &hit.title_highlights {
                assert!(hit.title.get(start..end).is_some(), "{hit:?}");
            }
            let html = newsdex_index::highlighted_html(&hit.snippet, &hit.highlights);
            assert_eq!(html.matches("<b>").count(), hit.highlights.len(), "{html}");
            assert!(fixture.index.get(&hit.url).is_ok_and(|a| a.is_some()));
        }
    }
    let _ = fixture.index.persons(&PersonsRequest {
        query,
        filters,
        with,
        top: 10,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fixture that failed to build would make the target return at once for every input.
    #[test]
    fn the_fixture_holds_every_article_and_answers() {
        let fixture = FIXTURE.as_ref().expect("the fuzz fixture builds");
        assert_eq!(
            fixture.index.stats().unwrap().articles,
            ARTICLES.len() as u64
        );
        for query in [
            "переговоры",
            "istanbul",
            "北京",
            "दिल्ली",
            "οδος",
            "strasse",
            "cease*",
        ] {
            let results = fixture.index.search(&SearchRequest::new(query)).unwrap();
            assert!(results.total > 0, "{query}");
        }
        query(b"\x21NOT x\x1f2025\x1f2024\x1fStarmer\x1f\x1fen\x1fMacron");
    }
}
