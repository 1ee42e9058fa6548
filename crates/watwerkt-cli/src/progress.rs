//! Progress bars on a terminal, silence in pipes: indicatif draws to stderr only when it is a TTY.

use indicatif::{ProgressBar, ProgressStyle};
use watwerkt_catalog::Progress;

/// A bar for `total` units (bytes or projects); hidden automatically when stderr is not a terminal.
pub fn bar(message: &'static str, bytes: bool) -> ProgressBar {
    let pb = ProgressBar::new(0);
    let template = if bytes {
        "{msg:>10} [{bar:40}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})"
    } else {
        "{msg:>10} [{bar:40}] {pos}/{len} ({per_sec}, {eta})"
    };
    pb.set_style(
        ProgressStyle::with_template(template)
            .expect("valid template")
            .progress_chars("=> "),
    );
    pb.set_message(message);
    pb
}

/// A callback the catalogue can report to.
pub fn reporter(pb: &ProgressBar) -> impl Fn(Progress) + '_ {
    move |p: Progress| {
        pb.set_length(p.total);
        pb.set_position(p.done);
    }
}
