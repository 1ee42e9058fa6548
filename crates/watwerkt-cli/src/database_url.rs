//! The value of `--database-url` (`WATWERKT_DATABASE_URL`): which store the catalogue uses.
//! `postgres://…` or `postgresql://…` is a PostgreSQL database, `sqlite:PATH` a SQLite file;
//! without it the store is SQLite in the data directory.

use watwerkt_catalog::StoreLocation;

/// The accepted forms, for messages.
const FORMS: &str = "postgres://USER@HOST:PORT/DATABASE, postgresql://…, or sqlite:PATH";

/// Parses a database URL; errors name the accepted forms (and never repeat a password).
pub fn parse(url: &str) -> Result<StoreLocation, String> {
    let url = url.trim();
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(StoreLocation::Postgres(url.to_owned()));
    }
    if let Some(path) = url.strip_prefix("sqlite:") {
        let path = path.strip_prefix("//").unwrap_or(path);
        if path.is_empty() {
            return Err(format!("sqlite: names no file; expected {FORMS}"));
        }
        return Ok(StoreLocation::Sqlite(path.into()));
    }
    // Only the scheme is repeated: the rest may hold a password.
    let shown = match url.split_once(':') {
        Some((scheme, _)) => format!("a {scheme}: URL"),
        None => "not a URL".to_owned(),
    };
    Err(format!(
        "unknown kind of database ({shown}); expected {FORMS}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_urls_select_postgres() {
        for url in [
            "postgres://ww@127.0.0.1:5432/watwerkt",
            "postgresql://ww:pw@db/watwerkt?sslmode=disable",
        ] {
            assert_eq!(parse(url), Ok(StoreLocation::Postgres(url.to_owned())));
        }
    }

    #[test]
    fn sqlite_urls_select_a_file() {
        assert_eq!(
            parse("sqlite:/var/lib/watwerkt/w.sqlite"),
            Ok(StoreLocation::Sqlite("/var/lib/watwerkt/w.sqlite".into()))
        );
        assert_eq!(
            parse("sqlite://data/w.sqlite"),
            Ok(StoreLocation::Sqlite("data/w.sqlite".into()))
        );
        assert_eq!(
            parse("sqlite:w.sqlite"),
            Ok(StoreLocation::Sqlite("w.sqlite".into()))
        );
    }

    #[test]
    fn other_values_are_refused_naming_the_accepted_forms() {
        for bad in ["mysql://root:s3cret@db/w", "w.sqlite", "sqlite:", ""] {
            let e = parse(bad).unwrap_err();
            assert!(
                e.contains("postgres://") && e.contains("sqlite:PATH"),
                "{e}"
            );
            assert!(!e.contains("s3cret"), "{e}");
        }
    }
}
