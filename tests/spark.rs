//! The Spark job (`scale/spark/`) in local mode, end to end: three generated WARC files of
//! news-like pages (syndicated copies, repeated persons, a canonical URL reached from another
//! file, a page with no article, a malformed record) run through the job with two partitions,
//! imported with `newsdex import`, and compared with `newsdex ingest --warc` of the same files.
//!
//! Needs Java 17+ and PySpark in `scale/spark/.venv` (`just spark-setup`; `.ci/run` installs
//! them); without them each test says so and passes without running.

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

/// Generates `files` WARC files of about `pages` pages into `dir`.
fn make_warcs(dir: &Path, files: usize, pages: usize) -> Vec<PathBuf> {
    let output = Command::new("python3")
        .arg(repo_root().join("scale/spark/make_warcs.py"))
        .args(["--out"])
        .arg(dir)
        .args([
            "--files",
            &files.to_string(),
            "--pages",
            &pages.to_string(),
            "--malformed",
        ])
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

/// Runs the Spark job over `warcs` into `out` with two partitions on two local cores.
fn run_job(python: &Path, warcs: &[PathBuf], out: &Path) {
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
}

/// What must be the same in two archives: article count, persons table, and for each query
/// the top ten hits with their near-duplicate copies.
fn fingerprint(archive: &Archive, queries: &[&str]) -> Vec<String> {
    let mut facts = Vec::new();
    let stats = archive.json(&["stats", "--json"]);
    facts.push(format!("articles {}", stats["articles"]));
    let persons = archive.json(&["persons", "--json", "--top", "10000"]);
    facts.push(format!("persons {}", persons["persons"]));
    for query in queries {
        let results = archive.json(&["search", "--json", "-n", "10", query]);
        let mut hits: Vec<(f64, String)> = results["hits"]
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
                        let score = hit["score"].as_f64().unwrap_or(0.0);
                        (score, format!("{} {}", hit["url"], copies.join(",")))
                    })
                    .collect()
            })
            .unwrap_or_default();
        // Hits of exactly equal score come in index order, which a merge of shards cannot
        // share with an ingest: compare each run of ties as a set (by URL).
        let mut start = 0;
        while start < hits.len() {
            let end = start
                + hits[start..]
                    .iter()
                    .take_while(|(score, _)| *score == hits[start].0)
                    .count();
            hits[start..end].sort_by(|a, b| a.1.cmp(&b.1));
            start = end;
        }
        let hits: Vec<String> = hits.into_iter().map(|(_, hit)| hit).collect();
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

#[test]
#[ignore = "known gap (issue 15): at 3,000 pages the counts and persons table agree but 16 of 24 queries rank differently; run with --ignored"]
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
        expected[0] != "articles 0" && expected.iter().skip(2).any(|line| line.contains(',')),
        "the generated archive should have articles and near-duplicate copies: {expected:?}"
    );
    assert_eq!(fingerprint(&imported, QUERIES), expected);

    let run = imported.run(&["rebuild"]);
    assert_eq!(run.code, 0, "rebuild failed: {}", run.stderr);
    assert_eq!(fingerprint(&imported, QUERIES), expected);
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
