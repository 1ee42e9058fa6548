//! Serves the bundled catalogue from a data directory: `cargo run -p watwerkt-web --example serve -- DIR ADDR`.
//! A stand-in for `watwerkt serve` until the CLI calls `watwerkt_web::serve`.

use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = args.next().ok_or("usage: serve DATA_DIR [ADDR]")?;
    let addr = args
        .next()
        .unwrap_or_else(|| "127.0.0.1:8080".into())
        .parse()?;
    let (catalog, _) = watwerkt_catalog::Catalog::open_bundled(std::path::Path::new(&dir))?;
    watwerkt_web::serve(Arc::new(catalog), addr, watwerkt_web::WebConfig::default()).await?;
    Ok(())
}
