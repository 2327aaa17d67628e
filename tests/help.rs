//! Every subcommand documents itself. (Also makes `cargo test` build the `newsdex` binary,
//! which the end-to-end tests in `tests/` run.)

use assert_cmd::Command;

#[test]
fn every_command_has_help() {
    for command in [
        "ingest", "search", "persons", "serve", "show", "clean", "rebuild", "stats", "export",
        "eval", "timeline", "watch",
    ] {
        let output = Command::cargo_bin("newsdex")
            .unwrap()
            .args([command, "--help"])
            .output()
            .unwrap();
        assert!(output.status.success(), "{command} --help");
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(text.contains("Usage: newsdex"), "{command}: {text}");
    }
}
