//! Hostile, empty, huge and non-English input to `shard write` (JSON lines on stdin) and
//! `import` (a shards directory): each is one `error:` line naming what is wrong, exit code
//! 2, never a panic, and a failed import leaves no archive behind.

use std::io::Write;
use std::process::Stdio;

use crate::support::{Archive, Run, newsdex_binary};

/// `newsdex shard write OUT` with `input` on stdin.
fn shard_write(out: &std::path::Path, input: &[u8]) -> Run {
    let mut child = std::process::Command::new(newsdex_binary())
        .args(["shard", "write"])
        .arg(out)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("newsdex runs");
    // The command may stop reading at the first bad line: a closed pipe is not a failure here.
    let _ = child.stdin.take().expect("stdin").write_all(input);
    Run::from(child.wait_with_output().expect("newsdex ends"))
}

fn assert_one_line_error(run: &Run, naming: &str) {
    assert_eq!(run.code, 2, "{run:?}");
    assert!(!run.stderr.contains("panicked"), "{run:?}");
    let first = run.stderr.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("error: ") && first.contains(naming),
        "{run:?}"
    );
    assert!(
        first.len() < 300,
        "the error must not echo the input: {first}"
    );
}

#[test]
fn shard_write_refuses_lines_that_are_not_records() {
    let dir = tempfile::tempdir().unwrap();
    let huge: Vec<u8> = std::iter::repeat_n(b'x', 4 << 20).collect();
    let inputs: [&[u8]; 5] = [
        b"garbage\n",
        b"\xff\xfe\x00\n",
        b"{\"source\": 1}\n",
        "{\"source\":\"архив.warc\",\"error\":\"Запись повреждена 损坏\"}\n".as_bytes(),
        &huge,
    ];
    for (number, input) in inputs.iter().enumerate() {
        let run = shard_write(&dir.path().join(format!("shard-{number}")), input);
        assert_one_line_error(&run, "stdin");
    }
    // A line that is not UTF-8 is named by its number.
    let run = shard_write(&dir.path().join("shard-utf8"), b"\n\xc3\x28 broken\n");
    assert_one_line_error(&run, "line 2 of stdin is not UTF-8");
}

#[test]
fn import_names_a_missing_empty_or_wrong_shards_directory() {
    let work = tempfile::tempdir().unwrap();
    let archive = Archive::new();
    let data_dir = archive.path().join("archive");
    let empty = work.path().join("пусто");
    std::fs::create_dir(&empty).unwrap();
    let file = work.path().join("a-file");
    std::fs::write(&file, "not a directory").unwrap();
    let no_shards = work.path().join("no-shards/shard-00000/index");
    std::fs::create_dir_all(&no_shards).unwrap();
    let bad_description = work.path().join("bad/shard-00000");
    std::fs::create_dir_all(&bad_description).unwrap();
    std::fs::write(bad_description.join("shard.json"), "{\"nonsense\": true}").unwrap();
    for (shards, naming) in [
        (work.path().join("missing"), "missing".to_owned()),
        (empty, "пусто".to_owned()),
        (file, "a-file".to_owned()),
        (work.path().join("no-shards"), "no-shards".to_owned()),
        (work.path().join("bad"), "shard-00000".to_owned()),
    ] {
        let output = std::process::Command::new(newsdex_binary())
            .arg("--data-dir")
            .arg(&data_dir)
            .arg("import")
            .arg(&shards)
            .output()
            .expect("newsdex runs");
        let run = Run::from(output);
        assert_one_line_error(&run, &naming);
        assert!(
            !data_dir.exists(),
            "a failed import created {}",
            data_dir.display()
        );
    }
}
