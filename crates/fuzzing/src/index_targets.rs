//! The query language: parsed, compiled and run (search, highlight, facets, persons) against
//! a small index of articles in several scripts.

use std::sync::LazyLock;

use newsdex_cleaner::Cleaner;
use newsdex_index::{ArticleIndex, Config, Filters, PersonsRequest, SearchRequest};
use newsdex_persons::Extractor;

struct Fixture {
    // Kept alive for as long as the index is open.
    _dir: tempfile::TempDir,
    index: ArticleIndex,
}

/// Short articles whose words the fuzzer's dictionary-free mutations can still hit, in
/// scripts where a byte is not a character.
const ARTICLES: &[(&str, &str, &str)] = &[
    (
        "https://en.fuzz.example/news/1",
        "Coalition of the willing meets in Paris",
        "Keir Starmer met Volodymyr Zelensky in Paris on Sunday. Mr Starmer said the coalition of the willing would meet again.",
    ),
    (
        "https://ru.fuzz.example/news/2",
        "Переговоры в Стамбуле продолжаются",
        "Владимир Зеленский заявил, что переговоры в Стамбуле продолжатся на следующей неделе. Делегации обсудили обмен пленными.",
    ),
    (
        "https://zh.fuzz.example/news/3",
        "北京举行新闻发布会",
        "外交部发言人在北京举行的新闻发布会上表示，双方将继续就贸易问题进行磋商。",
    ),
    (
        "https://fr.fuzz.example/news/4",
        "Élysée : Emmanuel Macron reçoit à İstanbul",
        "Emmanuel Macron a rencontré ses homologues à İstanbul. « Nous sommes prêts », a-t-il déclaré à la presse étrangère.",
    ),
];

static FIXTURE: LazyLock<Option<Fixture>> = LazyLock::new(|| {
    let dir = tempfile::tempdir().ok()?;
    let index = ArticleIndex::open(dir.path(), &Config::default()).ok()?;
    let cleaner = Cleaner::default();
    let extractor = Extractor::new();
    {
        let mut writer = index.writer().ok()?;
        for (url, title, text) in ARTICLES {
            let html = format!(
                "<html><head><title>{title}</title>\
                 <meta property=\"article:published_time\" content=\"2025-08-17T10:00:00Z\"></head>\
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

/// Any string as a search query and as a persons query: results or a one-line error.
pub fn query(data: &[u8]) {
    let Some(fixture) = FIXTURE.as_ref() else {
        return;
    };
    let text = String::from_utf8_lossy(data);
    let _ = fixture.index.search(&SearchRequest::new(text.as_ref()));
    let _ = fixture.index.persons(&PersonsRequest {
        query: text.into_owned(),
        filters: Filters::default(),
        with: None,
        top: 10,
    });
}
