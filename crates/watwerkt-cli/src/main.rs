//! The `watwerkt` command: one binary for importing, inspecting, searching and serving a
//! research-programme catalogue. Exit codes: 0 ok, 1 data errors, 2 usage errors.

mod accounts;
mod backup;
mod commands;
mod database_url;
mod migrate;
mod progress;
mod verify;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Import, search and serve the "Vakkundig aan het werk" project catalogue.
#[derive(Debug, Parser)]
#[command(name = "watwerkt", version, about, long_about = None)]
struct Cli {
    /// Where the store and search index live. Default: the platform's data directory
    /// (on Linux ~/.local/share/watwerkt).
    #[arg(long, global = true, env = "WATWERKT_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,

    /// The store: postgres://USER@HOST:PORT/DATABASE (or postgresql://…) for PostgreSQL,
    /// sqlite:PATH for a SQLite file. Default: SQLite in the data directory. The search index
    /// stays in the data directory either way.
    // Parsed in main, not by clap: clap's error would repeat the value, password and all.
    #[arg(
        long,
        global = true,
        env = "WATWERKT_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    database_url: Option<String>,

    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    json: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Import catalogue pages (text or HTML) or JSON Lines; the format is detected by content.
    /// All files of one call are imported in one transaction: all succeed or nothing is written.
    Import {
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Write the whole store to standard output (or --output).
    Export {
        #[arg(long, value_enum, default_value = "jsonl")]
        format: ExportFormat,
        /// Write to this file (atomically) instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Print the data-quality report: of the given files (nothing is written), or of the last import.
    Check {
        #[arg(value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Counts of projects per theme, status, start year, target group, design and evidence level.
    Stats,
    /// A project's "wat werkt voor wie": target groups, designs, outcome domains, evidence level,
    /// findings and active ingredients, each with the sentence that gave it.
    Labels {
        #[arg(value_name = "PROJECT_NUMBER")]
        number: String,
    },
    /// Search the catalogue.
    Search {
        /// Words (all must match), "exact phrases", -exclusions, OR, and field filters such as
        /// gemeente:Rotterdam, thema:vergunninghouders, status:afgerond, jaar:2017.
        query: String,
        /// Facet filter, e.g. --filter theme=Vergunninghouders --filter target_group=ouderen
        /// (fields: theme, status, municipality, organisation, year, product_kind, target_group,
        /// design, outcome_domain, evidence_level; label ids as in data/vocabulary.json).
        #[arg(long = "filter", value_name = "FIELD=VALUE")]
        filters: Vec<String>,
        /// Do not also search by the target groups and designs the query names in other words.
        #[arg(long)]
        no_concepts: bool,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        #[arg(long, default_value_t = 0)]
        offset: usize,
        #[arg(long, value_enum, default_value = "relevance")]
        sort: SortOrder,
    },
    /// Projects most like a project, with the words that connect them.
    Similar {
        #[arg(value_name = "PROJECT_NUMBER")]
        number: String,
        #[arg(long, default_value_t = 5)]
        limit: usize,
    },
    /// The vraagbaak: projects most like a case description, read from a file or `-` (stdin).
    Vraagbaak {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        #[arg(long, default_value_t = 10)]
        limit: usize,
    },
    /// Suggestions for what is typed in a search box.
    Suggest {
        prefix: String,
        #[arg(long, default_value_t = 8)]
        limit: usize,
    },
    /// Rebuild the search index from the store.
    Reindex,
    /// Delete change log rows older than the retention (default 7 days) that every node heard
    /// from within it has applied; a node silent for longer rebuilds its index when it returns.
    /// Serving nodes also do this hourly.
    PruneLog {
        /// Keep rows (and wait for nodes) this many hours.
        #[arg(long, value_name = "HOURS", default_value_t = watwerkt_catalog::LOG_RETENTION.as_secs() / 3600)]
        retention_hours: u64,
    },
    /// Copy a whole store (projects with their earlier versions, generation, programme,
    /// metadata) into an empty one, e.g. --from sqlite:PATH --to postgres://…
    Migrate {
        #[arg(long, value_name = "URL")]
        from: String,
        #[arg(long, value_name = "URL")]
        to: String,
    },
    /// Compare the store and the search index (every project, its content version and labels,
    /// facet counts) and check the store's integrity; exit 1 with what disagrees.
    Verify,
    /// Write a consistent copy of the store to FILE, while other processes go on writing.
    Backup {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Make a new data directory from a backup (FILE) and build its search index; the data
    /// directory must be empty or absent.
    Restore {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Back-office accounts: add, list, disable, enable, reset.
    User {
        #[command(subcommand)]
        command: accounts::UserCommand,
    },
    /// Bearer tokens for the API's write endpoints: create, revoke.
    Token {
        #[command(subcommand)]
        command: accounts::TokenCommand,
    },
    /// Serve the website and the JSON search API (a new data directory gets the bundled catalogue).
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum SortOrder {
    Relevance,
    Newest,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ExportFormat {
    Jsonl,
    Json,
    Csv,
    /// Semicolon-separated CSV, as spreadsheet programs with a Dutch locale expect.
    CsvSemicolon,
}

/// An error with the exit code it deserves.
pub enum Failure {
    /// Bad input data: exit 1.
    Data(anyhow::Error),
    /// Bad use of the command: exit 2.
    Usage(String),
    /// Anything else (I/O, database): exit 1 as well, but reported as an internal problem.
    Other(anyhow::Error),
}

impl<E: Into<anyhow::Error>> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure::Other(e.into())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("WATWERKT_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();

    let data_dir = match cli
        .data_dir
        .clone()
        .map(Ok)
        .unwrap_or_else(default_data_dir)
    {
        Ok(d) => d,
        Err(e) => return report(Failure::Usage(e)),
    };
    let store = match cli.database_url.as_deref().map(database_url::parse) {
        None => watwerkt_catalog::StoreLocation::DataDir,
        Some(Ok(store)) => store,
        Some(Err(e)) => return report(Failure::Usage(format!("--database-url: {e}"))),
    };
    let ctx = commands::Ctx {
        data_dir,
        store,
        json: cli.json,
    };
    let result = match cli.command {
        Command::Import { paths } => commands::import(&ctx, &paths),
        Command::Export { format, output } => commands::export(&ctx, format, output.as_deref()),
        Command::Check { paths } => commands::check(&ctx, &paths),
        Command::Stats => commands::stats(&ctx),
        Command::Labels { number } => commands::labels(&ctx, &number),
        Command::Search {
            query,
            filters,
            limit,
            offset,
            sort,
            no_concepts,
        } => commands::search(&ctx, &query, &filters, limit, offset, sort, !no_concepts),
        Command::Similar { number, limit } => commands::similar(&ctx, &number, limit),
        Command::Vraagbaak { file, limit } => commands::vraagbaak(&ctx, &file, limit),
        Command::Suggest { prefix, limit } => commands::suggest(&ctx, &prefix, limit),
        Command::Reindex => commands::reindex(&ctx),
        Command::PruneLog { retention_hours } => commands::prune_log(&ctx, retention_hours),
        Command::Migrate { from, to } => migrate::migrate(&ctx, &from, &to),
        Command::Verify => verify::verify(&ctx),
        Command::Backup { file } => backup::backup(&ctx, &file),
        Command::Restore { file } => backup::restore(&ctx, &file),
        Command::User { command } => accounts::user(&ctx, command),
        Command::Token { command } => accounts::token(&ctx, command),
        Command::Serve { addr } => commands::serve(&ctx, addr),
    };
    match result {
        Ok(code) => code,
        Err(f) => report(f),
    }
}

fn report(f: Failure) -> ExitCode {
    match f {
        // The reader went away (`watwerkt export | head`): it has what it wanted.
        Failure::Other(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Failure::Data(e) => {
            eprintln!("error: {e:#}");
            eprintln!("nothing was written");
            ExitCode::from(1)
        }
        Failure::Usage(msg) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
        Failure::Other(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

/// Whether writing stopped because the other end of standard output was closed.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        let kind = if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            Some(io.kind())
        } else if let Some(json) = cause.downcast_ref::<serde_json::Error>() {
            json.io_error_kind()
        } else {
            None
        };
        kind == Some(std::io::ErrorKind::BrokenPipe)
    })
}

fn default_data_dir() -> Result<PathBuf, String> {
    directories::ProjectDirs::from("nl", "watwerkt", "watwerkt")
        .map(|d| d.data_dir().to_path_buf())
        .ok_or_else(|| {
            "no home directory to put the data in; pass --data-dir DIR or set WATWERKT_DATA_DIR"
                .into()
        })
}
