//! What the black-box tests of the binary share.

// Each test binary uses its own part of the helpers.
#![allow(dead_code)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Runs a prepared command with `stdin` on its standard input; its whole output.
pub fn run_with_stdin(c: &mut Command, stdin: &str) -> Output {
    let mut child = c
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// Synthetic JSONL, big enough that an import is still running when it is killed or backed up.
pub fn big_jsonl(n: usize) -> String {
    let mut s = String::with_capacity(n * 700);
    for i in 0..n {
        s.push_str(&format!(
            "{{\"project_number\": \"99{i:012}\", \"title\": \"Project {i} over schulden en werk\", \"teaser\": null, \"question\": \"Hoe helpen gemeenten mensen met schulden aan het werk? Vraag {i}.\", \"method\": \"Interviews en een literatuurstudie in {i} gemeenten.\", \"outcome\": \"Een handreiking voor klantmanagers.\", \"products\": [\"Factsheet {i}\"], \"municipalities\": [\"Zwolle\", \"Utrecht\"], \"organisations\": [\"Hogeschool Utrecht\"], \"theme\": \"Re-integratie\", \"status\": \"Lopend\", \"start\": \"2018-0{}\", \"duration_months\": 24}}\n",
            i % 9 + 1
        ));
    }
    s
}
