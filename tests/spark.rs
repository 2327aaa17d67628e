//! The Spark job (`scale/spark/`) in local mode, end to end: three generated WARC files of
//! news-like pages (syndicated copies, repeated persons, a canonical URL reached from another
//! file, a page with no article, a malformed record) run through the job with two partitions,
//! imported with `newsdex import`, and compared with `newsdex ingest --warc` of the same files;
//! the job's failures and its determinism; and what an import leaves for saved searches.
//!
//! The Spark tests need Java 17+ and PySpark in `scale/spark/.venv` (`just spark-setup`;
//! `.ci/run` installs them); without them each says so and passes without running.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{Archive, repo_root};

/// The job's Python, when Java and PySpark are both there.
fn spark_python() -> Option<PathBuf> {
    let python = repo_root().join("scale/spark/.venv/bin/python");
    let java = Command::new("java").arg("-version").output().ok()?;
    let version = String::from_utf8_lossy(&java.stderr).into_owned();
    let major: u32 = version.split('"').nth(1)?.split('.').next()?.parse().ok()?;
    let pyspark = Command::new(&python)
        .args(["-c", "import pyspark"])
        .output()
        .ok()?;
    (major >= 17 && pyspark.status.success()).then_some(python)
}

fn skip_notice(test: &str) {
    eprintln!(
        "notice: {test} skipped: needs Java 17+ and PySpark in scale/spark/.venv (run `just spark-setup`)"
    );
}

/// Generates `files` WARC files of about `pages` pages into `dir`, one record malformed.
fn make_warcs(dir: &Path, files: usize, pages: usize) -> Vec<PathBuf> {
    make_warcs_with(dir, files, pages, &["--malformed"])
}

/// [`make_warcs`] with the generator's flags given.
fn make_warcs_with(dir: &Path, files: usize, pages: usize, flags: &[&str]) -> Vec<PathBuf> {
    let output = Command::new("python3")
        .arg(repo_root().join("scale/spark/make_warcs.py"))
        .args(["--out"])
        .arg(dir)
        .args(["--files", &files.to_string(), "--pages", &pages.to_string()])
        .args(flags)
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "make_warcs: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(PathBuf::from)
        .collect()
}

/// Runs the Spark job over `warcs` into `out` with two partitions on two local cores; its
/// summary line.
fn run_job(python: &Path, warcs: &[PathBuf], out: &Path) -> String {
    let output = Command::new(python)
        .arg(repo_root().join("scale/spark/newsdex_spark.py"))
        .args(["--master", "local[2]", "--partitions", "2", "--newsdex"])
        .arg(crate::support::newsdex_binary())
        .arg("--out")
        .arg(out)
        .args(warcs)
        .env("PYSPARK_PYTHON", python)
        .output()
        .expect("the Spark job runs");
    assert!(
        output.status.success(),
        "the Spark job failed: {}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The rows the job wrote into each of `outs` (`scale/spark/dump_output.py`), per output:
/// `(table, row)` in archive order.
fn job_rows(python: &Path, outs: &[&Path]) -> Vec<Vec<(String, serde_json::Value)>> {
    let output = Command::new(python)
        .arg(repo_root().join("scale/spark/dump_output.py"))
        .args(outs)
        .env("PYSPARK_PYTHON", python)
        .output()
        .expect("dump_output.py runs");
    assert!(
        output.status.success(),
        "dump_output.py failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut rows = vec![Vec::new(); outs.len()];
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let line: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        let out = line["out"].as_u64().expect("out") as usize;
        let table = line["table"].as_str().expect("table").to_owned();
        rows[out].push((table, line["row"].clone()));
    }
    rows
}

/// The sites `make_warcs.py` writes pages of, and the one its broken records are from.
const SITES: &[&str] = &[
    "harbour-times.example",
    "daily-ledger.example",
    "north-post.example",
    "le-quotidien.example",
    "novosti.example",
    "kathimerini.example",
    "xinwen.example",
    "akhbar.example",
    "samachar.example",
    "wire-service.example",
    "metro-courier.example",
    "evening-star.example",
    "broken.example",
];

/// Every near-duplicate group of more than one article, each as its sorted URLs, sorted: one
/// search for every article of the generated sites, newest first, each hit with its copies.
fn near_duplicate_groups(archive: &Archive, articles: u64) -> Vec<Vec<String>> {
    let every = SITES
        .iter()
        .map(|site| format!("site:{site}"))
        .collect::<Vec<_>>()
        .join(" OR ");
    let results = archive.json(&["search", "--json", "-n", "10000", &every]);
    assert_eq!(
        results["total"].as_u64(),
        Some(articles),
        "every article is on a generated site"
    );
    let mut groups: Vec<Vec<String>> = results["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|hit| {
            let mut urls: Vec<String> = std::iter::once(&hit["url"])
                .chain(
                    hit["copies"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|c| &c["url"]),
                )
                .map(|url| url.as_str().unwrap_or_default().to_owned())
                .collect();
            urls.sort();
            urls
        })
        .filter(|urls| urls.len() > 1)
        .collect();
    groups.sort();
    groups
}

/// What must be the same in two archives: article count, persons table, near-duplicate
/// groups, and for each query the top ten hits in order, each with its near-duplicate copies.
/// (The order is total: equal scores and dates rank by URL, whatever the index's layout.)
fn fingerprint(archive: &Archive, queries: &[&str]) -> Vec<String> {
    let mut facts = Vec::new();
    let stats = archive.json(&["stats", "--json"]);
    facts.push(format!("articles {}", stats["articles"]));
    let persons = archive.json(&["persons", "--json", "--top", "10000"]);
    facts.push(format!("persons {}", persons["persons"]));
    let groups = near_duplicate_groups(archive, stats["articles"].as_u64().unwrap_or(0));
    facts.push(format!(
        "{} near-duplicate groups: {groups:?}",
        groups.len()
    ));
    for query in queries {
        let results = archive.json(&["search", "--json", "-n", "10", query]);
        let hits: Vec<String> = results["hits"]
            .as_array()
            .map(|hits| {
                hits.iter()
                    .map(|hit| {
                        let mut copies: Vec<String> = hit["copies"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .map(|copy| copy["url"].to_string())
                            .collect();
                        copies.sort();
                        format!("{} {}", hit["url"], copies.join(","))
                    })
                    .collect()
            })
            .unwrap_or_default();
        facts.push(format!(
            "{query}: {} {}",
            results["total"],
            hits.join(" | ")
        ));
    }
    facts
}

const QUERIES: &[&str] = &[
    "harbour",
    "budget",
    "climate deal",
    "\"record numbers\"",
    "\"electric trains\"",
    "waiting lists",
    "tariffs",
    "teachers",
    "homes",
    "person:\"Keir Starmer\"",
    "person:Macron",
    "person:\"Ursula von der Leyen\"",
    "person:Zelensky",
    "Lagarde",
    "after:2026-11-10 before:2026-11-12",
    "published:2026-11-20",
    "site:wire-service.example",
    "lang:fr",
    "правительство",
    "港口",
    "κυβέρνηση",
    "الموانئ",
    "officials OR teachers",
    "consultation -budget",
];

/// The parity the issue asks for, at 3,000 pages. Regression (issue 15): the import ranked
/// 16 of these 24 queries differently from the ingest (deleted versions counted in BM25, ties
/// in document order); see `newsdex_index`'s `ranking` module.
#[test]
fn spark_job_and_import_make_the_archive_a_local_ingest_makes() {
    let Some(python) = spark_python() else {
        skip_notice("spark_job_and_import_make_the_archive_a_local_ingest_makes");
        return;
    };
    let work = tempfile::tempdir().expect("temp dir");
    let warcs = make_warcs(&work.path().join("warcs"), 3, 3000);

    let local = Archive::new();
    let mut ingest = vec!["ingest".to_owned()];
    for warc in &warcs {
        ingest.push("--warc".to_owned());
        ingest.push(warc.display().to_string());
    }
    let args: Vec<&str> = ingest.iter().map(String::as_str).collect();
    let run = local.run(&args);
    // The malformed record is reported (exit 1), the rest ingested.
    assert!(run.code <= 1, "ingest failed: {}", run.stderr);

    let out = work.path().join("out");
    run_job(&python, &warcs, &out);
    let imported = Archive::new();
    let run = imported.run(&["import", &out.join("shards").display().to_string()]);
    assert!(run.code <= 1, "import failed: {}{}", run.stdout, run.stderr);

    let expected = fingerprint(&local, QUERIES);
    assert!(
        expected[0] != "articles 0"
            && !expected[2].starts_with("0 ")
            && expected.iter().skip(3).any(|line| line.contains(',')),
        "the generated archive should have articles and near-duplicate copies: {expected:?}"
    );
    let answered = expected
        .iter()
        .skip(3)
        .filter(|line| !line.contains(": 0 "))
        .count();
    assert!(answered >= 20, "{answered} queries found something");
    assert_eq!(fingerprint(&imported, QUERIES), expected);

    let run = imported.run(&["rebuild"]);
    assert_eq!(run.code, 0, "rebuild failed: {}", run.stderr);
    assert_eq!(fingerprint(&imported, QUERIES), expected);
}

/// A malformed WARC record and a page no cleaner can read are failures in the job's
/// `failures/` Parquet, not failed tasks: the job completes with every other article. And the
/// job is a function of its input: run again, it writes the same article rows, and the
/// import of either run is the same archive.
#[test]
fn spark_job_records_failures_completes_and_runs_again_alike() {
    let Some(python) = spark_python() else {
        skip_notice("spark_job_records_failures_completes_and_runs_again_alike");
        return;
    };
    let work = tempfile::tempdir().expect("temp dir");
    let warcs = make_warcs_with(
        &work.path().join("warcs"),
        3,
        150,
        &["--malformed", "--unparsable"],
    );
    let first = work.path().join("first");
    let second = work.path().join("second");
    let summary = run_job(&python, &warcs, &first);
    assert!(summary.contains(" 2 failures"), "{summary}");
    run_job(&python, &warcs, &second);

    let rows = job_rows(&python, &[&first, &second]);
    let failures: Vec<&serde_json::Value> = rows[0]
        .iter()
        .filter(|(table, _)| table == "failures")
        .map(|(_, row)| row)
        .collect();
    assert_eq!(failures.len(), 2, "{failures:?}");
    let malformed = failures
        .iter()
        .find(|row| row["warc"] == 0)
        .expect("the malformed record's failure");
    assert!(
        malformed["source"]
            .as_str()
            .is_some_and(|source| source.contains("news-000.warc.gz record")),
        "{malformed}"
    );
    assert!(
        malformed["error"]
            .as_str()
            .is_some_and(|error| error.contains("Content-Length")),
        "{malformed}"
    );
    let unparsable = failures
        .iter()
        .find(|row| row["warc"] == 2)
        .expect("the unparsable page's failure");
    assert_eq!(unparsable["source"], "https://broken.example/blank");
    assert!(
        unparsable["error"]
            .as_str()
            .is_some_and(|error| error.contains("no article text")),
        "{unparsable}"
    );
    let articles = rows[0]
        .iter()
        .filter(|(table, _)| table == "articles")
        .count();
    assert!(articles > 100, "{articles} article rows");
    assert_eq!(rows[1], rows[0], "a second run writes the same rows");

    let mut archives = Vec::new();
    for out in [&first, &second] {
        let archive = Archive::new();
        let run = archive.run(&["import", &out.join("shards").display().to_string()]);
        assert_eq!(
            run.code, 1,
            "two records failed: {}{}",
            run.stdout, run.stderr
        );
        assert!(run.stdout.contains("failed 2"), "{}", run.stdout);
        archives.push(fingerprint(&archive, QUERIES));
    }
    assert_eq!(archives[1], archives[0]);
}

/// Cleans one WARC file into record lines numbered as the Spark job numbers them.
fn clean_lines(archive: &Archive, number: usize, warc: &Path) -> String {
    let run = archive.run(&["clean", "--jsonl", "--warc", &warc.display().to_string()]);
    assert!(run.code <= 1, "clean --warc failed: {}", run.stderr);
    run.stdout
        .lines()
        .map(|line| format!("{{\"warc\":{number},{}\n", &line[1..]))
        .collect()
}

/// Builds a shard from record lines with `newsdex shard write`.
fn write_shard(archive: &Archive, dir: &Path, lines: &str) {
    use std::io::Write;
    let mut child = archive
        .command()
        .args(["shard", "write"])
        .arg(dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("newsdex runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(lines.as_bytes())
        .expect("lines written");
    let output = child.wait_with_output().expect("shard write ends");
    assert!(
        output.status.success(),
        "shard write failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The import's part of the parity test without Spark: shards built by the same two commands
/// a Spark task runs, the first holding two WARC files and the second one, so that canonical
/// URLs, aliases and near-duplicate groups span shards.
#[test]
fn import_of_shards_makes_the_archive_a_local_ingest_makes() {
    let work = tempfile::tempdir().expect("temp dir");
    let warcs = make_warcs(&work.path().join("warcs"), 3, 300);
    let local = Archive::new();
    let mut args = vec!["ingest".to_owned()];
    for warc in &warcs {
        args.extend(["--warc".to_owned(), warc.display().to_string()]);
    }
    let run = local.run(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(run.code <= 1, "ingest failed: {}", run.stderr);

    let tool = Archive::new();
    let shards = work.path().join("shards");
    let first = clean_lines(&tool, 0, &warcs[0]) + &clean_lines(&tool, 1, &warcs[1]);
    assert!(
        first.contains("\"error\""),
        "the malformed record is a line with its error"
    );
    assert!(
        first.contains("\"body_base64\""),
        "lines carry the raw response"
    );
    write_shard(&tool, &shards.join("shard-00000"), &first);
    write_shard(
        &tool,
        &shards.join("shard-00001"),
        &clean_lines(&tool, 2, &warcs[2]),
    );

    let imported = Archive::new();
    let run = imported.run(&["import", &shards.display().to_string()]);
    assert_eq!(
        run.code, 1,
        "one record failed: {}{}",
        run.stdout, run.stderr
    );
    assert!(run.stdout.contains("URLs replaced"), "{}", run.stdout);
    let expected = fingerprint(&local, QUERIES);
    assert_eq!(fingerprint(&imported, QUERIES), expected);

    // A second import into the same archive is refused: it would not be one archive.
    let again = imported.run(&["import", &shards.display().to_string()]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("already holds"), "{}", again.stderr);
}

/// Regression (issue 15): the import filed its pages without arrivals, so `rebuild` gave every
/// article a new one and each saved search reported the whole imported archive as new. Now
/// the store takes the arrivals the merged index holds.
#[test]
fn rebuild_after_import_leaves_nothing_new_to_saved_searches() {
    let work = tempfile::tempdir().expect("temp dir");
    let warcs = make_warcs(&work.path().join("warcs"), 3, 90);
    let tool = Archive::new();
    let shards = work.path().join("shards");
    let first = clean_lines(&tool, 0, &warcs[0]) + &clean_lines(&tool, 1, &warcs[1]);
    write_shard(&tool, &shards.join("shard-00000"), &first);
    write_shard(
        &tool,
        &shards.join("shard-00001"),
        &clean_lines(&tool, 2, &warcs[2]),
    );
    let archive = Archive::new();
    let run = archive.run(&["import", &shards.display().to_string()]);
    assert_eq!(
        run.code, 1,
        "one record failed: {}{}",
        run.stdout, run.stderr
    );
    let matching = archive.json(&["search", "--json", "officials"]);
    assert!(matching["total"].as_u64().unwrap_or(0) > 10, "{matching}");

    let run = archive.run(&["watch", "add", "officials", "officials"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = archive.run(&["watch", "run"]);
    assert_eq!(
        run.code, 1,
        "nothing arrived since the watch was added: {}",
        run.stdout
    );
    let run = archive.run(&["rebuild"]);
    assert_eq!(run.code, 0, "rebuild failed: {}", run.stderr);
    let run = archive.run(&["watch", "run"]);
    assert_eq!(run.code, 1, "a rebuild brings nothing new: {}", run.stdout);
    assert!(run.stdout.contains("0 new matches"), "{}", run.stdout);

    // What arrives afterwards still is new.
    let page = work.path().join("later.html");
    std::fs::write(
        &page,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Harbour pilots \
         walk out</title></head><body><article><h1>Harbour pilots walk out</h1><p>Officials said \
         the harbour pilots walked out at dawn after talks on pay and rotas broke down late on \
         Sunday, leaving ships waiting at anchor outside the northern channel.</p><p>Union \
         leaders said the strike would last until the port authority returned to the table \
         with a written offer, and officials expected delays for the rest of the week.</p>\
         </article></body></html>",
    )
    .expect("page written");
    let run = archive.run(&["ingest", &page.display().to_string()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = archive.run(&["watch", "run"]);
    assert_eq!(run.code, 0, "the new article is reported: {}", run.stdout);
    assert!(run.stdout.contains("1 new match"), "{}", run.stdout);
    assert!(
        run.stdout.contains("Harbour pilots walk out"),
        "{}",
        run.stdout
    );
}
