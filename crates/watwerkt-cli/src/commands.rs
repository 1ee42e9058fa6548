//! The subcommands: each opens the catalogue, does one job, and prints text or `--json`.
//!
//! One file for the short catalogue commands (about twenty, a screen each) and the text they
//! print; commands with a subject of their own have a module of their own (`accounts`,
//! `migrate`, `verify`, `backup`).

use std::collections::BTreeMap;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use serde::Serialize;
use watwerkt_catalog::{Catalog, CatalogError, ImportOutcome, LabelGaps, StoreLocation};
use watwerkt_domain::{Derived, Dimension, Project, ProjectNumber, Theme};
use watwerkt_import::{QualityReport, Severity};
use watwerkt_labels::Vocabulary;
use watwerkt_search::{FACETS, SearchRequest, Sort};

use crate::progress;
use crate::{ExportFormat, Failure, SortOrder};

pub struct Ctx {
    pub data_dir: PathBuf,
    /// Where the store is (`--database-url`); the index is in `data_dir`.
    pub store: StoreLocation,
    pub json: bool,
}

impl Ctx {
    /// Opens the catalogue, importing the bundled pages into a new data directory first.
    pub fn catalog(&self) -> Result<Catalog, Failure> {
        let pb = progress::bar("indexing", false);
        let catalog = Catalog::open_at(&self.data_dir, &self.store, &progress::reporter(&pb))
            .map_err(catalog_failure)?;
        pb.finish_and_clear();
        if let Some(outcome) = catalog.seed_if_new().map_err(catalog_failure)?
            && !self.json
        {
            let projects: u64 = outcome.files.iter().map(|f| f.projects).sum();
            eprintln!(
                "watwerkt: new data directory {}: loaded the bundled catalogue ({projects} projects, {} data-quality issues; `watwerkt check` lists them)",
                self.data_dir.display(),
                outcome.report.issues.len()
            );
        }
        Ok(catalog)
    }
}

pub fn catalog_failure(e: CatalogError) -> Failure {
    if e.is_data_error() {
        Failure::Data(e.into())
    } else {
        Failure::Other(e.into())
    }
}

pub fn print_json<T: Serialize>(value: &T) -> Result<(), Failure> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

pub fn import(ctx: &Ctx, paths: &[PathBuf]) -> Result<ExitCode, Failure> {
    let catalog = Catalog::open_at(&ctx.data_dir, &ctx.store, &|_| {}).map_err(catalog_failure)?;
    let pb = progress::bar("importing", true);
    let outcome = catalog.import(paths, &progress::reporter(&pb));
    pb.finish_and_clear();
    let outcome = outcome.map_err(catalog_failure)?;
    if ctx.json {
        print_json(&outcome)?;
    } else {
        print!("{}", import_text(&outcome));
    }
    Ok(ExitCode::SUCCESS)
}

/// The human summary of an import: files, counts, the data-quality report.
pub fn import_text(o: &ImportOutcome) -> String {
    let mut s = String::new();
    let projects: u64 = o.files.iter().map(|f| f.projects).sum();
    s.push_str(&format!(
        "imported {} file(s): {projects} project entries ({} new, {} changed, {} unchanged); store generation {}\n",
        o.files.len(),
        o.inserted,
        o.updated,
        o.unchanged,
        o.generation
    ));
    for f in &o.files {
        s.push_str(&format!(
            "  {:<40} {:<16} {:>7} projects\n",
            f.file, f.format, f.projects
        ));
    }
    s.push_str(&report_text(&o.report));
    s.push_str(&gaps_text(&o.label_gaps));
    s
}

fn report_text(r: &QualityReport) -> String {
    let repaired = r
        .issues
        .iter()
        .filter(|i| i.severity == Severity::Repaired)
        .count();
    let suspect = r.issues.len() - repaired;
    let mut s = format!(
        "data-quality report: {} issue(s): {repaired} repaired, {suspect} suspect\n",
        r.issues.len()
    );
    for line in r.to_string().lines() {
        s.push_str("  ");
        s.push_str(line);
        s.push('\n');
    }
    s
}

pub fn export(ctx: &Ctx, format: ExportFormat, output: Option<&Path>) -> Result<ExitCode, Failure> {
    let catalog = ctx.catalog()?;
    match output {
        None => {
            let stdout = std::io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            write_export(&catalog, format, &mut out)?;
            out.flush()?;
        }
        Some(path) => {
            // Written beside the target and renamed, so a failed export never leaves half a file.
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let mut tmp = tempfile::NamedTempFile::new_in(dir)
                .with_context(|| format!("creating a file in {}", dir.display()))?;
            {
                let mut out = BufWriter::new(tmp.as_file_mut());
                write_export(&catalog, format, &mut out)?;
                out.flush()?;
            }
            tmp.persist(path)
                .with_context(|| format!("writing {}", path.display()))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn write_export(
    catalog: &Catalog,
    format: ExportFormat,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    use watwerkt_catalog::export::{self, CsvOptions, ExportError, Selection};
    let format = match format {
        ExportFormat::Jsonl => export::ExportFormat::Jsonl,
        ExportFormat::Json => export::ExportFormat::Json,
        ExportFormat::Csv => export::ExportFormat::Csv,
        ExportFormat::CsvSemicolon => export::ExportFormat::CsvSemicolon,
    };
    // No byte order mark on the command line: output goes to pipes and tools more than to
    // spreadsheets (the website's downloads have one).
    match export::write_export(
        catalog,
        format,
        Selection::All,
        CsvOptions { bom: false },
        out,
    ) {
        Ok(()) => Ok(()),
        Err(ExportError::Write(e)) => Err(e.into()),
        Err(ExportError::Catalog(e)) => Err(catalog_failure(e)),
    }
}

pub fn check(ctx: &Ctx, paths: &[PathBuf]) -> Result<ExitCode, Failure> {
    let (report, label_gaps) = if paths.is_empty() {
        let catalog = ctx.catalog()?;
        let report = catalog
            .last_report()
            .map_err(catalog_failure)?
            .unwrap_or_default();
        let mut gaps = LabelGaps::default();
        catalog.store().for_each_project(&mut |p| {
            gaps.add(&p);
            Ok(())
        })?;
        (report, gaps)
    } else {
        let outcome = Catalog::dry_run(paths).map_err(catalog_failure)?;
        (outcome.report, outcome.label_gaps)
    };
    if ctx.json {
        #[derive(Serialize)]
        struct Checked<'a> {
            #[serde(flatten)]
            report: &'a QualityReport,
            label_gaps: &'a LabelGaps,
        }
        print_json(&Checked {
            report: &report,
            label_gaps: &label_gaps,
        })?;
    } else {
        print!("{}", report_text(&report));
        print!("{}", gaps_text(&label_gaps));
    }
    Ok(ExitCode::SUCCESS)
}

/// The projects whose text gave no target group or no design, for an editor to look at.
pub fn gaps_text(g: &LabelGaps) -> String {
    let mut s = String::new();
    for (what, n, examples) in [
        (
            "target group",
            g.no_target_group,
            &g.no_target_group_examples,
        ),
        ("research design", g.no_design, &g.no_design_examples),
    ] {
        if n == 0 {
            continue;
        }
        let more = n - examples.len() as u64;
        let tail = if more > 0 {
            format!(" … and {more} more")
        } else {
            String::new()
        };
        s.push_str(&format!(
            "labels: {n} project(s) without a {what} in their text: {}{tail}\n",
            examples.join(", ")
        ));
    }
    if !s.is_empty() {
        s.push_str("  (`watwerkt labels NUMBER` shows what was found; data/label-overrides.csv adds a label)\n");
    }
    s
}

/// The catalogue and the project a command names: a malformed number is a usage error, an
/// unknown one a data error.
fn catalog_and_project(ctx: &Ctx, number: &str) -> Result<(Catalog, Project), Failure> {
    let number =
        ProjectNumber::parse(number).map_err(|e| Failure::Usage(format!("{number:?}: {e}")))?;
    let catalog = ctx.catalog()?;
    let Some(project) = catalog.project(&number)? else {
        return Err(Failure::Data(anyhow::anyhow!(
            "no project {} in the store",
            number.as_str()
        )));
    };
    Ok((catalog, project))
}

pub fn labels(ctx: &Ctx, number: &str) -> Result<ExitCode, Failure> {
    let (_catalog, project) = catalog_and_project(ctx, number)?;
    if ctx.json {
        #[derive(Serialize)]
        struct Labelled<'a> {
            project_number: &'a str,
            title: &'a str,
            derived: &'a Derived,
        }
        print_json(&Labelled {
            project_number: project.number.as_str(),
            title: &project.title,
            derived: &project.derived,
        })?;
    } else {
        print!("{}", labels_text(&project));
    }
    Ok(ExitCode::SUCCESS)
}

/// A project's labels as text: each label with its Dutch name, field and sentence.
pub fn labels_text(p: &Project) -> String {
    let v = Vocabulary::get();
    let d = &p.derived;
    let mut s = format!("{}  {}\n", p.number.as_str(), p.title);
    for (dim, heading) in [
        (Dimension::TargetGroup, "Voor wie (target groups)"),
        (Dimension::Design, "Hoe onderzocht (designs)"),
        (
            Dimension::OutcomeDomain,
            "Uitkomstdomeinen (outcome domains)",
        ),
    ] {
        s.push_str(&format!("{heading}:\n"));
        let labels = d.labels(dim);
        if labels.is_empty() {
            s.push_str("  (none found)\n");
        }
        for l in labels {
            let name = v.term(dim, &l.id).map_or(l.id.as_str(), |t| t.nl.as_str());
            s.push_str(&format!(
                "  {:<28} {name}\n      {}: \"{}\"\n",
                l.id,
                l.field.key(),
                l.quote
            ));
        }
    }
    let level = v
        .level(d.evidence_level.level)
        .map_or("", |l| l.nl.as_str());
    s.push_str(&format!(
        "Bewijskracht (evidence level): {} {level}\n  {}\n",
        d.evidence_level.level, d.evidence_level.reason
    ));
    for (heading, passages) in [
        ("Wat kwam eruit (findings)", &d.findings),
        (
            "Werkzame elementen (active ingredients)",
            &d.active_ingredients,
        ),
    ] {
        if passages.is_empty() {
            continue;
        }
        s.push_str(&format!("{heading}:\n"));
        for x in passages {
            s.push_str(&format!("  {}: \"{}\"\n", x.field, x.text));
        }
    }
    s
}

#[derive(Debug, Default, Serialize)]
pub struct Stats {
    pub total: u64,
    pub themes: BTreeMap<String, u64>,
    pub status: BTreeMap<String, u64>,
    pub start_years: BTreeMap<String, u64>,
    /// Projects per label id (every id of the vocabulary, zero included).
    pub target_groups: BTreeMap<String, u64>,
    pub designs: BTreeMap<String, u64>,
    pub evidence_levels: BTreeMap<String, u64>,
}

pub fn stats(ctx: &Ctx) -> Result<ExitCode, Failure> {
    let catalog = ctx.catalog()?;
    let stats = collect_stats(&catalog)?;
    if ctx.json {
        print_json(&stats)?;
    } else {
        print!("{}", stats_text(&stats));
    }
    Ok(ExitCode::SUCCESS)
}

pub fn collect_stats(catalog: &Catalog) -> Result<Stats, Failure> {
    let mut s = Stats::default();
    for t in Theme::ALL {
        s.themes.insert(t.name().to_owned(), 0);
    }
    let v = Vocabulary::get();
    for (map, dim) in [
        (&mut s.target_groups, Dimension::TargetGroup),
        (&mut s.designs, Dimension::Design),
    ] {
        for t in v.terms(dim) {
            map.insert(t.id.clone(), 0);
        }
    }
    for l in &v.evidence_levels.levels {
        s.evidence_levels.insert(l.level.to_string(), 0);
    }
    catalog.store().for_each_project(&mut |p| {
        s.total += 1;
        for l in &p.derived.target_groups {
            *s.target_groups.entry(l.id.clone()).or_default() += 1;
        }
        for l in &p.derived.designs {
            *s.designs.entry(l.id.clone()).or_default() += 1;
        }
        *s.evidence_levels
            .entry(p.derived.evidence_level.level.to_string())
            .or_default() += 1;
        *s.themes.entry(p.theme.name().to_owned()).or_default() += 1;
        let status = p.status.map_or("onbekend", |st| st.name());
        *s.status.entry(status.to_owned()).or_default() += 1;
        let year = p
            .start
            .map_or_else(|| "onbekend".to_owned(), |d| d.get_year().to_string());
        *s.start_years.entry(year).or_default() += 1;
        Ok(())
    })?;
    Ok(s)
}

pub fn stats_text(s: &Stats) -> String {
    let mut out = format!("{} projects\n", s.total);
    for (title, map) in [
        ("theme", &s.themes),
        ("status", &s.status),
        ("start year", &s.start_years),
        ("target group", &s.target_groups),
        ("research design", &s.designs),
        ("evidence level", &s.evidence_levels),
    ] {
        out.push_str(&format!("\nper {title}:\n"));
        for (k, v) in map {
            // A programme line or label nothing in the catalogue has yet is not an error.
            let note = if *v == 0 {
                "  (none in the catalogue yet)"
            } else {
                ""
            };
            out.push_str(&format!("  {v:>7}  {k}{note}\n"));
        }
    }
    out
}

/// Values printed per facet under a search; the rest are counted.
const FACET_VALUES_SHOWN: usize = 6;

pub fn search(
    ctx: &Ctx,
    query: &str,
    filters: &[String],
    limit: usize,
    offset: usize,
    sort: SortOrder,
    concepts: bool,
) -> Result<ExitCode, Failure> {
    let mut parsed = Vec::new();
    for f in filters {
        let (k, v) = f.split_once('=').ok_or_else(|| {
            Failure::Usage(format!(
                "--filter {f:?}: expected FIELD=VALUE, e.g. theme=Vergunninghouders"
            ))
        })?;
        let k = k.trim();
        if !FACETS.contains(&k) {
            return Err(Failure::Usage(format!(
                "--filter {f:?}: unknown field {k:?}; expected one of {}",
                FACETS.join(", ")
            )));
        }
        let v = v.trim();
        if let Some(d) = Dimension::parse(k) {
            let terms = Vocabulary::get().terms(d);
            if !terms.iter().any(|t| t.id == v) {
                let ids: Vec<&str> = terms.iter().map(|t| t.id.as_str()).collect();
                return Err(Failure::Usage(format!(
                    "--filter {f:?}: unknown {k} {v:?}; expected one of {}",
                    ids.join(", ")
                )));
            }
        }
        if k == "evidence_level" && !matches!(v, "0" | "1" | "2" | "3" | "4") {
            return Err(Failure::Usage(format!(
                "--filter {f:?}: expected an evidence level 0 to 4"
            )));
        }
        parsed.push((k.to_owned(), v.to_owned()));
    }
    let catalog = ctx.catalog()?;
    let concepts = if concepts {
        catalog.concepts(query)
    } else {
        Vec::new()
    };
    let req = SearchRequest {
        query: query.to_owned(),
        filters: parsed,
        limit,
        offset,
        sort: match sort {
            SortOrder::Relevance => Sort::Relevance,
            SortOrder::Newest => Sort::Newest,
        },
        passages: None,
        concepts,
    };
    let res = catalog.index().search(&req)?;
    if ctx.json {
        print_json(&res)?;
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(n) = &res.redirect {
        println!("project {n}");
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(n) = &res.notice {
        println!("{}", watwerkt_web::Lang::Nl.notice(n));
    }
    if let Some(q) = &res.did_you_mean {
        println!("Bedoelde u: {q}?");
    }
    for (facet, id) in &res.concepts {
        println!("ook gezocht op {facet}: {id} (--no-concepts: niet)");
    }
    println!("{} result(s)", res.total);
    for h in &res.hits {
        println!("  {:<16} {:>7.2}  {}", h.project_number, h.score, h.title);
    }
    if !res.products.is_empty() {
        println!("products:");
        for p in &res.products {
            println!("  {:<16} {:<12} {}", p.project_number, p.kind, p.title);
        }
    }
    for (name, counts) in &res.facets {
        let mut top: Vec<String> = counts
            .iter()
            .take(FACET_VALUES_SHOWN)
            .map(|c| format!("{} ({})", c.value, c.count))
            .collect();
        if counts.len() > FACET_VALUES_SHOWN {
            top.push(format!("… and {} more", counts.len() - FACET_VALUES_SHOWN));
        }
        if !top.is_empty() {
            println!("{name}: {}", top.join(", "));
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn reindex(ctx: &Ctx) -> Result<ExitCode, Failure> {
    let catalog = Catalog::open_at(&ctx.data_dir, &ctx.store, &|_| {}).map_err(catalog_failure)?;
    let pb = progress::bar("indexing", false);
    let n = catalog
        .reindex(&progress::reporter(&pb))
        .map_err(catalog_failure)?;
    pb.finish_and_clear();
    if ctx.json {
        print_json(&serde_json::json!({ "indexed": n }))?;
    } else {
        println!("indexed {n} projects");
    }
    Ok(ExitCode::SUCCESS)
}

pub fn prune_log(ctx: &Ctx, retention_hours: u64) -> Result<ExitCode, Failure> {
    let catalog = ctx.catalog()?;
    let pruned = catalog
        .prune_log(std::time::Duration::from_secs(retention_hours * 3600))
        .map_err(catalog_failure)?;
    if ctx.json {
        print_json(&serde_json::json!({
            "deleted": pruned.rows,
            "forgotten_nodes": pruned.readers,
            "oldest": pruned.oldest,
        }))?;
    } else {
        println!(
            "deleted {} change log rows; forgot {} silent nodes; the log starts at row {}",
            pruned.rows, pruned.readers, pruned.oldest
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn serve(ctx: &Ctx, addr: std::net::SocketAddr) -> Result<ExitCode, Failure> {
    let catalog = std::sync::Arc::new(ctx.catalog()?);
    // Other processes (other nodes on the same database, an import) write too: follow the log.
    let follower = catalog.clone();
    std::thread::Builder::new()
        .name("change-log".into())
        .spawn(move || watwerkt_catalog::follow(follower))?;
    let accounts = std::sync::Arc::new(watwerkt_accounts::Accounts::open_in(&ctx.data_dir)?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(watwerkt_web::serve(
        catalog,
        accounts,
        addr,
        watwerkt_web::WebConfig::default(),
    ))?;
    Ok(ExitCode::SUCCESS)
}

pub fn similar(ctx: &Ctx, number: &str, limit: usize) -> Result<ExitCode, Failure> {
    let (catalog, project) = catalog_and_project(ctx, number)?;
    print_matches(ctx, &catalog.index().similar(&project, limit)?)
}

pub fn vraagbaak(ctx: &Ctx, file: &Path, limit: usize) -> Result<ExitCode, Failure> {
    let text = if file == Path::new("-") {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| Failure::Data(anyhow::anyhow!("standard input: {e}")))?;
        s
    } else {
        std::fs::read_to_string(file)
            .map_err(|e| Failure::Data(anyhow::anyhow!("{}: {e}", file.display())))?
    };
    let catalog = ctx.catalog()?;
    let groups: Vec<String> = catalog
        .concepts(&text)
        .into_iter()
        .filter(|(facet, _)| facet == "target_group")
        .map(|(_, id)| id)
        .collect();
    let groups: Vec<&str> = groups.iter().map(String::as_str).collect();
    print_matches(ctx, &catalog.index().vraagbaak_for(&text, limit, &groups)?)
}

fn print_matches(ctx: &Ctx, matches: &[watwerkt_search::Match]) -> Result<ExitCode, Failure> {
    if ctx.json {
        print_json(&matches)?;
        return Ok(ExitCode::SUCCESS);
    }
    for m in matches {
        println!(
            "  {:<16} {:>7.2}  {}",
            m.hit.project_number, m.hit.score, m.hit.title
        );
        println!("  {:<16} {:>7}  via: {}", "", "", m.terms.join(", "));
    }
    Ok(ExitCode::SUCCESS)
}

pub fn suggest(ctx: &Ctx, prefix: &str, limit: usize) -> Result<ExitCode, Failure> {
    let catalog = ctx.catalog()?;
    let suggestions = catalog.index().suggest(prefix, limit)?;
    if ctx.json {
        print_json(&suggestions)?;
        return Ok(ExitCode::SUCCESS);
    }
    for s in &suggestions {
        let kind = serde_json::to_value(s.kind)?;
        let kind = kind.as_str().unwrap_or_default();
        match &s.project_number {
            Some(n) => println!("  {kind:<13} {}  ({n})", s.text),
            None => println!("  {kind:<13} {}  ({})", s.text, s.count),
        }
    }
    Ok(ExitCode::SUCCESS)
}
