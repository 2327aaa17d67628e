//! Non-English news end to end (issue 10): articles in Russian, Chinese, Arabic, Hindi,
//! Greek and French are ingested, searched (the right hit, with a highlight on a character
//! boundary), shown, and served (JSON and the page), all without error and with their text
//! intact. Every step is checked for every language and all problems are reported together.

use crate::support::Archive;
use crate::support::encode;
use crate::support::serve::Served;

struct Article {
    lang: &'static str,
    dir: &'static str,
    url: &'static str,
    site: &'static str,
    date: &'static str,
    author: &'static str,
    title: &'static str,
    paragraphs: [&'static str; 4],
    /// Words of the text, as a reader would type them.
    words: &'static [&'static str],
}

const ARTICLES: [Article; 6] = [
    Article {
        lang: "ru",
        dir: "ltr",
        url: "https://www.vesti-sibir.example/culture/library-reopens",
        site: "Вести Сибири",
        date: "2025-03-03T09:00:00+07:00",
        author: "Ольга Петрова",
        title: "В Новосибирске после ремонта открылась областная библиотека",
        paragraphs: [
            "Областная научная библиотека Новосибирска открылась в понедельник после двухлетнего ремонта, сообщила её директор Марина Ковалёва. В первый же день читальные залы посетили более двух тысяч человек.",
            "По словам Ковалёвой, в здании заменили кровлю, отопление и лифты, а фонд редких книг перевезли в новое хранилище с постоянной температурой и влажностью. Губернатор Андрей Травников назвал библиотеку «гордостью всего региона».",
            "Ремонт обошёлся бюджету в 640 миллионов рублей. Читатели, которые вернули книги с опозданием, на этой неделе не будут платить штраф, добавили в библиотеке.",
            "Летом здесь планируют открыть детский зал и лекторий, где учёные Академгородка будут рассказывать школьникам о своей работе.",
        ],
        words: &["хранилище", "библиотека", "Травников"],
    },
    Article {
        lang: "zh",
        dir: "ltr",
        url: "https://www.changjiang-daily.example/2025/07/wuhan-flood",
        site: "长江日报",
        date: "2025-07-08T10:30:00+08:00",
        author: "李明",
        title: "长江武汉段水位持续上涨 防汛进入关键期",
        paragraphs: [
            "受上游连续强降雨影响，长江武汉段水位昨日升至二十七点三米，超过警戒水位近一米。武汉市防汛抗旱指挥部副指挥长王建国表示，全市已有三千余名干部群众上堤巡查。",
            "王建国介绍，汉口、武昌、汉阳三镇沿江的二十处重点险段已全部落实专人值守，抢险物资和机械设备提前布置到位。他提醒市民不要到江滩亲水平台游玩。",
            "气象部门预计，未来三天湖北东部仍有大到暴雨，长江中游干流水位将继续上涨。市民张丽华说，她家住在江边，这几天每天都会关注水位公告。",
            "据了解，此次洪峰预计将于本周末通过武汉，届时部分轮渡航线可能暂停运营，市民出行前请留意交通部门发布的最新通知。",
        ],
        words: &["武昌", "汉口"],
    },
    Article {
        lang: "ar",
        dir: "rtl",
        url: "https://www.alkhaleej-news.example/oman/desalination-plant",
        site: "أخبار الخليج",
        date: "2025-05-18T07:00:00+04:00",
        author: "فاطمة الزهراني",
        title: "افتتاح أكبر محطة لتحلية المياه في سلطنة عمان",
        paragraphs: [
            "افتتح وزير الطاقة والمعادن سالم العوفي يوم الأحد محطة جديدة لتحلية مياه البحر في ولاية بركاء، بطاقة إنتاجية تبلغ ثلاثمئة ألف متر مكعب يوميا.",
            "وقال العوفي إن المحطة ستوفر مياه الشرب لأكثر من مليون نسمة في محافظتي مسقط وجنوب الباطنة، وإنها تعمل جزئيا بالطاقة الشمسية لخفض استهلاك الغاز.",
            "وأوضح المهندس خالد البلوشي، مدير المشروع، أن أعمال البناء استغرقت ثلاث سنوات وشارك فيها أكثر من ألفي عامل، مشيرا إلى أن المحطة تستخدم تقنية التناضح العكسي.",
            "ويتوقع خبراء أن يرتفع الطلب على المياه في السلطنة بنسبة ثلاثين في المئة خلال العقد المقبل بسبب النمو السكاني والتوسع العمراني.",
        ],
        words: &["الشمسية", "المحطة", "العوفي"],
    },
    Article {
        lang: "hi",
        dir: "ltr",
        url: "https://www.mumbai-samachar.example/city/monsoon-rain",
        site: "मुंबई समाचार",
        date: "2025-07-16T18:00:00+05:30",
        author: "राहुल वर्मा",
        title: "मुंबई में भारी बारिश से लोकल ट्रेनें रुकीं",
        paragraphs: [
            "मुंबई में मंगलवार रात से हो रही भारी बारिश के कारण कई इलाकों में पानी भर गया और लोकल ट्रेन सेवाएं घंटों तक बाधित रहीं। नगर निगम आयुक्त सुनीता शर्मा ने लोगों से घरों में रहने की अपील की।",
            "शर्मा ने बताया कि शहर के छह सौ से अधिक पंप लगातार पानी निकाल रहे हैं और निचले इलाकों से करीब दो हजार लोगों को राहत शिविरों में पहुंचाया गया है।",
            "मौसम विभाग के अनुसार अगले दो दिनों तक कोंकण तट पर अत्यधिक वर्षा की चेतावनी जारी है। मछुआरों को समुद्र में न जाने की सलाह दी गई है।",
            "दादर स्टेशन पर फंसे यात्री अमित देसाई ने कहा कि वह चार घंटे से ट्रेन का इंतजार कर रहे हैं, लेकिन कोई जानकारी नहीं मिल रही।",
        ],
        words: &["मछुआरों", "लोगों", "बारिश"],
    },
    Article {
        lang: "el",
        dir: "ltr",
        url: "https://www.athens-news.example/greece/ferry-strike",
        site: "Νέα της Αθήνας",
        date: "2025-02-11T08:15:00+02:00",
        author: "Ελένη Παπαδοπούλου",
        title: "Απεργία στα πλοία: δεμένα τα πλοία στον Πειραιά",
        paragraphs: [
            "Δεμένα στα λιμάνια θα παραμείνουν την Τετάρτη τα πλοία, καθώς η Πανελλήνια Ναυτική Ομοσπονδία κήρυξε εικοσιτετράωρη απεργία για τις συλλογικές συμβάσεις εργασίας.",
            "Ο πρόεδρος της ομοσπονδίας Γιώργος Νικολάου δήλωσε ότι οι ναυτικοί ζητούν αυξήσεις μισθών και καλύτερες συνθήκες ασφαλείας στα πλοία της ακτοπλοΐας.",
            "Το υπουργείο Ναυτιλίας συνέστησε στους ταξιδιώτες να επικοινωνήσουν με τα πρακτορεία τους, ενώ τα εισιτήρια θα ισχύουν για τα δρομολόγια της Πέμπτης.",
            "Στον Πειραιά, η Μαρία Κωνσταντίνου, που θα ταξίδευε στη Νάξο με τα παιδιά της, είπε ότι έμαθε για την απεργία από την τηλεόραση.",
        ],
        words: &["πρακτορεία", "απεργία", "Νικολάου"],
    },
    Article {
        lang: "fr",
        dir: "ltr",
        url: "https://www.sud-ouest-info.example/economie/vendanges-bordeaux",
        site: "Sud-Ouest Info",
        date: "2025-08-25T06:45:00+02:00",
        author: "Élodie Marchand",
        title: "Vendanges précoces dans le Bordelais après un été brûlant",
        paragraphs: [
            "Les vendanges ont commencé avec près de deux semaines d'avance dans plusieurs appellations du Bordelais, a annoncé lundi le président de l'interprofession, Bernard Farges. Les raisins blancs ont été récoltés les premiers.",
            "« La chaleur d'août a accéléré la maturité, mais les baies sont saines », explique Hélène Dubois, vigneronne à Saint-Émilion depuis vingt ans. Elle craint cependant une récolte inférieure de 15 % à celle de l'an dernier.",
            "Les coopératives manquent de saisonniers et ont fait appel à des étudiants de l'université de Bordeaux, payés au SMIC horaire, pour cueillir à la main les parcelles les plus pentues.",
            "Les premiers vins de l'année seront présentés aux négociants au printemps prochain, lors de la semaine des primeurs.",
        ],
        words: &["saisonniers", "récolte", "Farges"],
    },
];

fn html(article: &Article) -> String {
    let body: String = article
        .paragraphs
        .iter()
        .map(|p| format!("<p>{p}</p>\n"))
        .collect();
    format!(
        r#"<!DOCTYPE html>
<html lang="{lang}" dir="{dir}"><head><meta charset="utf-8">
<title>{title} | {site}</title>
<link rel="canonical" href="{url}">
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="{site}">
<meta property="article:published_time" content="{date}">
<meta name="author" content="{author}">
</head><body>
<nav><a href="/">{site}</a></nav>
<article><h1>{title}</h1>
<p class="byline">{author}</p>
{body}</article>
<footer>© {site}</footer>
</body></html>"#,
        lang = article.lang,
        dir = article.dir,
        title = article.title,
        site = article.site,
        url = article.url,
        date = article.date,
        author = article.author,
    )
}

/// The line of stderr that says what went wrong.
fn first_error(stderr: &str) -> &str {
    stderr
        .lines()
        .find(|line| line.contains("panicked") || line.starts_with("error"))
        .unwrap_or(stderr)
}

/// The highlighted slices of a hit's snippet, or a description of what is wrong with them.
fn highlighted(hit: &serde_json::Value) -> Result<Vec<String>, String> {
    let snippet = hit["snippet"].as_str().ok_or("no snippet")?;
    let ranges = hit["highlights"].as_array().ok_or("no highlights")?;
    ranges
        .iter()
        .map(|range| {
            let start = range[0].as_u64().ok_or("bad range")? as usize;
            let end = range[1].as_u64().ok_or("bad range")? as usize;
            snippet.get(start..end).map(str::to_owned).ok_or_else(|| {
                format!("highlight {start}..{end} is not on character boundaries of {snippet:?}")
            })
        })
        .collect()
}

/// What is wrong with a JSON search answer for `article`'s word, if anything.
fn check_results(article: &Article, word: &str, results: &serde_json::Value) -> Result<(), String> {
    let hit = &results["hits"][0];
    if hit["url"] != article.url {
        return Err(format!("the first hit is not {}: {results}", article.url));
    }
    let marks = highlighted(hit)?;
    let folded = word.to_lowercase();
    if !marks.iter().any(|mark| mark.to_lowercase() == folded) {
        return Err(format!("`{word}` is not highlighted: {marks:?} in {hit}"));
    }
    let snippet_html = hit["snippet_html"].as_str().unwrap_or_default();
    if !snippet_html.contains(&format!("<b>{word}</b>")) {
        return Err(format!("snippet_html has no <b>{word}</b>: {snippet_html}"));
    }
    Ok(())
}

#[test]
fn articles_in_six_scripts_are_ingested_searched_highlighted_shown_and_served() {
    let archive = Archive::new();
    let dir = archive.path().join("pages");
    std::fs::create_dir_all(&dir).unwrap();
    for article in &ARTICLES {
        std::fs::write(dir.join(format!("{}.html", article.lang)), html(article)).unwrap();
    }
    let run = archive.run(&["ingest", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("ingested 6"), "{run:?}");

    let mut problems: Vec<String> = Vec::new();
    for article in &ARTICLES {
        let lang = article.lang;
        for word in article.words {
            // search, JSON
            let run = archive.run(&["search", "--json", word]);
            if run.code == 0 {
                match serde_json::from_str::<serde_json::Value>(&run.stdout) {
                    Ok(results) => {
                        if let Err(problem) = check_results(article, word, &results) {
                            problems.push(format!("{lang}: search --json {word}: {problem}"));
                        }
                    }
                    Err(err) => {
                        problems.push(format!("{lang}: search --json {word}: bad JSON: {err}"));
                    }
                }
            } else {
                problems.push(format!(
                    "{lang}: search --json {word} exited {}: {}",
                    run.code,
                    first_error(&run.stderr)
                ));
            }
            // search, text
            let run = archive.run(&["search", word]);
            if run.code != 0 {
                problems.push(format!(
                    "{lang}: search {word} exited {}: {}",
                    run.code,
                    first_error(&run.stderr)
                ));
            } else if !run.stdout.contains(article.url)
                || !run.stdout.contains(&format!("*{word}*"))
            {
                problems.push(format!(
                    "{lang}: search {word}: no marked hit: {}",
                    run.stdout
                ));
            }
        }
        // show, text and JSON
        let run = archive.run(&["show", article.url]);
        if run.code != 0 {
            problems.push(format!("{lang}: show exited {}: {}", run.code, run.stderr));
        } else {
            let missing: Vec<&&str> = article
                .paragraphs
                .iter()
                .chain([&article.title])
                .filter(|text| !run.stdout.contains(**text))
                .collect();
            if !missing.is_empty() {
                problems.push(format!("{lang}: show lacks {missing:?}: {}", run.stdout));
            }
        }
        let run = archive.run(&["show", "--json", article.url]);
        match serde_json::from_str::<serde_json::Value>(&run.stdout) {
            Ok(stored) if run.code == 0 => {
                if stored["article"]["title"] != article.title {
                    problems.push(format!(
                        "{lang}: show --json title: {}",
                        stored["article"]["title"]
                    ));
                }
                if stored["article"]["language"] != lang {
                    problems.push(format!(
                        "{lang}: show --json language: {}",
                        stored["article"]["language"]
                    ));
                }
            }
            _ => problems.push(format!("{lang}: show --json failed: {}", run.stderr)),
        }
    }

    let mut server = Served::start(&archive, &[]);
    for article in &ARTICLES {
        let lang = article.lang;
        for word in article.words {
            let reply = server.get(&format!("/api/search?q={}", encode(word)));
            if reply.status == 200 {
                if let Err(problem) = check_results(article, word, &reply.json()) {
                    problems.push(format!("{lang}: /api/search {word}: {problem}"));
                }
            } else {
                problems.push(format!(
                    "{lang}: /api/search {word} answered {}: {}",
                    reply.status, reply.body
                ));
            }
            let reply = server.get(&format!("/?q={}", encode(word)));
            if reply.status != 200 {
                problems.push(format!(
                    "{lang}: the page for {word} answered {}: {}",
                    reply.status, reply.body
                ));
            } else {
                let page = &reply.body;
                if !page.contains(&format!("<a href=\"{}\">", article.url)) {
                    problems.push(format!(
                        "{lang}: the page for {word} does not link the hit: {page}"
                    ));
                }
                if !page.contains(&format!("<b>{word}</b>")) {
                    problems.push(format!("{lang}: the page does not highlight `{word}`"));
                }
                if !page.contains(&format!("value=\"{word}\"")) {
                    problems.push(format!("{lang}: the page's form lost the query `{word}`"));
                }
            }
        }
        if !server.is_running() {
            problems.push(format!("{lang}: serve died: {}", server.stderr()));
            break;
        }
    }
    let reply = server.get("/api/persons");
    if reply.status != 200 {
        problems.push(format!(
            "/api/persons answered {}: {}",
            reply.status, reply.body
        ));
    }
    drop(server);
    let run = archive.run(&["persons", "--json"]);
    if run.code != 0 {
        problems.push(format!("persons exited {}: {}", run.code, run.stderr));
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Chinese is written without spaces: a word or a name inside a sentence must be found as
/// it is typed, not only when punctuation happens to set it apart.
#[test]
fn chinese_words_inside_a_sentence_are_found() {
    let archive = Archive::new();
    let article = &ARTICLES[1];
    assert_eq!(article.lang, "zh");
    let page = archive.path().join("zh.html");
    std::fs::write(&page, html(article)).unwrap();
    let run = archive.run(&["ingest", page.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{run:?}");
    let mut problems = Vec::new();
    // The river, the city, a district, an official's name, "flood peak".
    for word in ["长江", "武汉", "汉阳", "王建国", "洪峰"] {
        let run = archive.run(&["search", "--json", word]);
        if run.code != 0 {
            problems.push(format!(
                "search {word} exited {}: {}",
                run.code,
                first_error(&run.stderr)
            ));
            continue;
        }
        let results: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        if let Err(problem) = check_results(article, word, &results) {
            problems.push(format!("search {word}: {problem}"));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
