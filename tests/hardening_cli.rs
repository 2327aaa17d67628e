//! What a careless user or a hostile file system can do to the command line, each pinned by
//! the finding that once broke it (issue 10): outputs over the page store or an input, numeric
//! flags that overflowed, directory walks that looped or hung, lists with bad lines, local
//! files that were too big, compressed or not UTF-8, and read-only commands that created a
//! mistyped data directory. None may panic (exit 101), abort (134), hang or lose data.
#![allow(clippy::print_stderr)] // notices for checks that cannot run on this machine

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::{Archive, Run, sample};

const MIRROR: &str = "mirror-coalition-of-the-willing.html";

/// Runs `newsdex ARGS` and fails the test if it is still running after `seconds`.
fn run_within(archive: &Archive, args: &[&str], seconds: u64) -> Run {
    let mut child = archive
        .command()
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("newsdex starts");
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let output = child.wait_with_output().expect("killed");
            panic!(
                "newsdex {args:?} hung for {seconds}s\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Run::from(child.wait_with_output().expect("output"))
}

fn ingest_mirror(archive: &Archive) -> std::path::PathBuf {
    let file = archive.path().join(MIRROR);
    std::fs::write(&file, sample(MIRROR)).unwrap();
    let run = archive.run(&["ingest", file.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{run:?}");
    file
}

fn articles(archive: &Archive) -> u64 {
    archive.json(&["stats", "--json"])["articles"]
        .as_u64()
        .unwrap()
}

fn no_crash(run: &Run) {
    assert!(
        ![101, 134, -1].contains(&run.code) && !run.stderr.contains("panicked"),
        "crashed: {run:?}"
    );
}

#[test]
fn a_report_over_the_page_store_is_refused_and_the_store_kept() {
    let archive = Archive::new();
    let file = ingest_mirror(&archive);
    let store = archive.path().join("pages.db");
    let before = std::fs::read(&store).unwrap();
    // Once this truncated pages.db before anything ran.
    let run = archive.run(&[
        "ingest",
        file.to_str().unwrap(),
        "--report",
        store.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("the page store"), "{}", run.stderr);
    assert_eq!(run.stderr.trim().lines().count(), 1, "{}", run.stderr);
    assert_eq!(std::fs::read(&store).unwrap(), before);
    assert_eq!(articles(&archive), 1);
}

#[test]
fn a_report_over_an_input_is_refused_and_the_input_kept() {
    let archive = Archive::new();
    let list = archive.path().join("urls.txt");
    std::fs::write(&list, "# my reading list\n").unwrap();
    let run = archive.run(&[
        "ingest",
        "--urls",
        list.to_str().unwrap(),
        "--report",
        list.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("an input"), "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(&list).unwrap(),
        "# my reading list\n"
    );
}

#[test]
fn an_export_over_the_page_store_is_refused_and_the_store_kept() {
    let archive = Archive::new();
    ingest_mirror(&archive);
    let store = archive.path().join("pages.db");
    let before = std::fs::read(&store).unwrap();
    let run = archive.run(&["export", "--warc", store.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("the page store"), "{}", run.stderr);
    assert_eq!(std::fs::read(&store).unwrap(), before);
    // A real export still works; a page read from a local file has no web URL for a WARC
    // record (re-importing one would be refused), so it is left out, and said.
    let warc = archive.path().join("out.warc.gz");
    let run = archive.run(&["export", "--warc", warc.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("exported 0 pages")
            && run
                .stdout
                .contains("left out 1 pages read from local files"),
        "{}",
        run.stdout
    );
    let other = Archive::new();
    let run = other.run(&["ingest", "--warc", warc.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(articles(&other), 0);
}

#[test]
fn numeric_flags_out_of_range_are_errors_that_state_the_range() {
    let archive = Archive::new();
    // `--delay 1e20` and friends once panicked with a Duration overflow.
    for (flag, value, range) in [
        ("--delay", "1e20", "between 0 and 3600"),
        ("--timeout", "1e20", "between 0.1 and 3600"),
        ("--retry-delay", "1e20", "between 0 and 3600"),
        ("--delay", "-1", "between 0 and 3600"),
        ("--timeout", "0", "between 0.1 and 3600"),
        ("--concurrency", "0", "from 1 to 1024"),
        ("--tries", "0", "from 1 to 100"),
        ("--commit-every", "0", "from 1 to 1000000"),
        ("--max-body", "99999999999999G", "from 1k to 1G"),
    ] {
        let run = archive.run(&["ingest", "https://example.com/", &format!("{flag}={value}")]);
        assert_eq!(run.code, 2, "{flag} {value}: {run:?}");
        assert!(run.stderr.contains(range), "{flag} {value}: {}", run.stderr);
    }
    for (args, range) in [
        (vec!["search", "x", "--limit", "0"], "from 1 to 10000"),
        (
            vec!["search", "x", "--offset", "99999999999"],
            "from 0 to 1000000",
        ),
        (vec!["persons", "--top", "0"], "from 1 to 10000"),
    ] {
        let run = archive.run(&args);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(run.stderr.contains(range), "{args:?}: {}", run.stderr);
    }
}

#[test]
fn symlink_loops_are_walked_once_and_end() {
    let archive = Archive::new();
    let dir = archive.path().join("pages");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("sub").join(MIRROR), sample(MIRROR)).unwrap();
    // Two links back to the top (once: endless walk, growing memory) and one sideways link
    // to the same folder (once: the same file ingested dozens of times).
    std::os::unix::fs::symlink(&dir, dir.join("sub/up")).unwrap();
    std::os::unix::fs::symlink(".", dir.join("here")).unwrap();
    std::os::unix::fs::symlink(dir.join("sub"), dir.join("again")).unwrap();
    let run = run_within(&archive, &["ingest", dir.to_str().unwrap()], 60);
    no_crash(&run);
    assert!(
        run.stdout.starts_with("ingested 1, unchanged 0, skipped 0"),
        "{run:?}"
    );
    assert!(run.stderr.contains("loop"), "{}", run.stderr);
    assert_eq!(articles(&archive), 1);
}

#[test]
fn a_fifo_named_html_is_skipped_not_waited_for() {
    let archive = Archive::new();
    let dir = archive.path().join("pages");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(MIRROR), sample(MIRROR)).unwrap();
    let fifo = dir.join("pipe.html");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|status| status.success());
    if !made {
        eprintln!("notice: mkfifo is not available; skipping the FIFO checks");
        return;
    }
    let run = run_within(&archive, &["ingest", dir.to_str().unwrap()], 60);
    no_crash(&run);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.starts_with("ingested 1, unchanged 0, skipped 1"),
        "{run:?}"
    );
    assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);
    // Given by name, to `ingest` and to `clean`.
    let run = run_within(&archive, &["ingest", fifo.to_str().unwrap()], 60);
    no_crash(&run);
    assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);
    let run = run_within(&archive, &["clean", fifo.to_str().unwrap()], 60);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);
}

#[test]
fn an_unreadable_folder_is_reported_by_its_own_name_and_the_rest_ingested() {
    use std::os::unix::fs::PermissionsExt;
    let archive = Archive::new();
    let dir = archive.path().join("pages");
    let locked = dir.join("locked");
    std::fs::create_dir_all(&locked).unwrap();
    std::fs::write(dir.join(MIRROR), sample(MIRROR)).unwrap();
    std::fs::write(locked.join("inside.html"), sample(MIRROR)).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let readable = std::fs::read_dir(&locked).is_ok();
    let run = run_within(&archive, &["ingest", dir.to_str().unwrap()], 60);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    no_crash(&run);
    if readable {
        eprintln!("notice: running as root; the unreadable folder is readable here");
        assert_eq!(run.code, 0, "{run:?}");
        return;
    }
    // Once the whole ingest stopped, naming the parent folder.
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.starts_with("ingested 1,"), "{run:?}");
    assert!(run.stderr.contains("locked"), "{}", run.stderr);
}

#[test]
fn a_bad_line_in_a_url_list_is_reported_and_the_rest_read() {
    let archive = Archive::new();
    let page = archive.path().join(MIRROR);
    std::fs::write(&page, sample(MIRROR)).unwrap();
    let list = archive.path().join("list.txt");
    let mut bytes = b"# list\n\xff\xfe not utf-8\n".to_vec();
    bytes.extend_from_slice(page.to_str().unwrap().as_bytes());
    bytes.push(b'\n');
    std::fs::write(&list, bytes).unwrap();
    let run = archive.run(&["ingest", "--urls", list.to_str().unwrap()]);
    no_crash(&run);
    // Once one such line rejected the whole list.
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout
            .starts_with("ingested 1, unchanged 0, skipped 0, failed 1"),
        "{run:?}"
    );
    assert!(run.stderr.contains("list.txt:2"), "{}", run.stderr);
    assert!(run.stderr.contains("not UTF-8"), "{}", run.stderr);
}

#[test]
fn local_files_obey_max_body_and_gzip_is_read() {
    use std::io::Write;
    let archive = Archive::new();
    let dir = archive.path().join("pages");
    std::fs::create_dir_all(&dir).unwrap();
    let big = dir.join("big.html");
    std::fs::write(&big, sample(MIRROR)).unwrap();
    // Once --max-body applied only to HTTP responses.
    let run = archive.run(&["ingest", big.to_str().unwrap(), "--max-body", "4k"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("limit"), "{}", run.stderr);

    // A saved page kept gzip-compressed was "binary data".
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&sample(MIRROR)).unwrap();
    let gzipped = dir.join("story.html.gz");
    std::fs::write(&gzipped, gz.finish().unwrap()).unwrap();
    std::fs::remove_file(&big).unwrap();
    let run = archive.run(&["ingest", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.starts_with("ingested 1,"), "{run:?}");
    let hits = archive.json(&["search", "Coalition of the Willing", "--json"]);
    assert_eq!(hits["total"], 1, "{hits}");
}

#[test]
fn a_utf16_page_is_ingested_like_clean_reads_it() {
    let archive = Archive::new();
    let html = "<html><head><meta charset=\"utf-16\"><title>Le sommet de Paris</title></head>\
        <body><article><h1>Le sommet de Paris</h1>\
        <p>Les dirigeants européens se sont réunis à Paris pour discuter de la coalition des volontaires et du soutien à l'Ukraine pendant tout l'hiver.</p>\
        <p>Emmanuel Macron a déclaré que les garanties de sécurité devaient être crédibles et que la France était prête à jouer son rôle dans la mission.</p>\
        <p>Les ministres se retrouveront le mois prochain pour préciser le calendrier, les moyens et le commandement de la force envisagée.</p>\
        </article></body></html>";
    let mut bytes = vec![0xFF, 0xFE];
    for unit in html.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    let page = archive.path().join("utf16.html");
    std::fs::write(&page, &bytes).unwrap();
    let clean = archive.run(&["clean", page.to_str().unwrap()]);
    assert_eq!(clean.code, 0, "{clean:?}");
    assert!(clean.stdout.contains("garanties de sécurité"), "{clean:?}");
    // Once `ingest` sniffed the UTF-16 bytes, saw no markup and skipped the page.
    let run = archive.run(&["ingest", page.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.starts_with("ingested 1,"), "{run:?}");
    let hits = archive.json(&["search", "garanties", "--json"]);
    assert_eq!(hits["total"], 1, "{hits}");
}

#[test]
fn read_only_commands_do_not_create_a_mistyped_data_dir() {
    let archive = Archive::new();
    let typo = archive.path().join("dtaa");
    for args in [
        vec!["search", "x"],
        vec!["persons"],
        vec!["show", "https://a.example/"],
        vec!["stats"],
        vec!["rebuild"],
    ] {
        let run = std::process::Command::new(crate::support::newsdex_binary())
            .arg("--data-dir")
            .arg(&typo)
            .args(&args)
            .output()
            .expect("runs");
        let run = Run::from(run);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(
            run.stderr.contains("does not exist"),
            "{args:?}: {}",
            run.stderr
        );
        assert!(!typo.exists(), "{args:?} created the directory");
    }
}

#[test]
fn control_characters_in_file_names_are_shown_not_obeyed() {
    let archive = Archive::new();
    let name = archive.path().join("evil\x1b[2J\x07.html");
    std::fs::write(&name, b"").unwrap();
    let run = archive.run(&["ingest", name.to_str().unwrap(), "--max-body", "1k"]);
    no_crash(&run);
    assert!(!run.stderr.contains('\x1b'), "{:?}", run.stderr);
    assert!(!run.stderr.contains('\x07'), "{:?}", run.stderr);
    assert!(
        run.stderr.contains("evil\\u{1b}[2J\\u{7}.html"),
        "{:?}",
        run.stderr
    );
}

#[test]
fn binary_data_under_an_html_name_is_skipped_as_not_html() {
    let archive = Archive::new();
    let page = archive.path().join("zeros.html");
    std::fs::write(&page, vec![0u8; 4096]).unwrap();
    let run = archive.run(&["ingest", page.to_str().unwrap()]);
    no_crash(&run);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .starts_with("ingested 0, unchanged 0, skipped 1, failed 0"),
        "{run:?}"
    );
    assert!(Path::new(&page).exists());
}

#[test]
fn an_error_says_its_cause_once() {
    let archive = Archive::new();
    let missing = archive.path().join("missing.html");
    let run = archive.run(&["clean", missing.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{run:?}");
    // Once: "cannot read file: No such file ... (os error 2): No such file ... (os error 2)".
    assert_eq!(
        run.stderr.matches("os error 2").count(),
        1,
        "{}",
        run.stderr
    );
}
