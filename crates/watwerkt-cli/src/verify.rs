//! `watwerkt verify`: the store and the search index compared, and the store's own integrity
//! check (see `watwerkt_catalog::verify`). Exit 0 when everything agrees, 1 with the list of what
//! does not.

use std::process::ExitCode;

use watwerkt_catalog::Catalog;
use watwerkt_catalog::verify::VerifyReport;

use crate::Failure;
use crate::commands::{Ctx, catalog_failure, print_json};

pub fn verify(ctx: &Ctx) -> Result<ExitCode, Failure> {
    // As it is on disk: the repairs every other command makes on opening would hide what is
    // being looked for.
    let catalog = Catalog::open_as_is(&ctx.data_dir, &ctx.store).map_err(catalog_failure)?;
    let report = watwerkt_catalog::verify::verify(&catalog).map_err(catalog_failure)?;
    if ctx.json {
        print_json(&report)?;
    } else {
        print!("{}", text(&report));
    }
    Ok(if report.consistent {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn text(r: &VerifyReport) -> String {
    let index_generation = r
        .index_generation
        .map_or_else(|| "none".to_owned(), |g| g.to_string());
    let mut s = format!(
        "store: {} projects, generation {}; index: {} projects, generation {index_generation} ({:.2} s)\n",
        r.store_projects, r.store_generation, r.index_projects, r.seconds
    );
    if r.consistent {
        s.push_str("consistent: every project in both with the same content and labels, facet counts equal, store integrity ok\n");
        return s;
    }
    let n = r.disagreements.len() as u64 + r.not_listed;
    s.push_str(&format!("NOT consistent: {n} disagreement(s)\n"));
    for d in &r.disagreements {
        s.push_str(&format!("  {d}\n"));
    }
    if r.not_listed > 0 {
        s.push_str(&format!("  … and {} more\n", r.not_listed));
    }
    s.push_str("(`watwerkt reindex` rebuilds the index from the store; a damaged store is restored from a backup with `watwerkt restore`)\n");
    s
}
