//! The change log on PostgreSQL (see `watwerkt_store::changes`): the row each commit appends
//! with its `NOTIFY`, reading after a position, readers' positions, pruning, and the `LISTEN`
//! connection a following node sleeps on.

use std::sync::Mutex;
use std::time::Duration;

use postgres::fallible_iterator::FallibleIterator;
use watwerkt_store::StoreError;
use watwerkt_store::changes::{self, Change, Changes, Pruned};

use crate::PgStore;
use crate::connection::{self, Conn, Lease};

/// The channel every commit notifies with its sequence number.
const CHANNEL: &str = "watwerkt_changes";

/// Appends the row of a commit that writes `generation`, inside its transaction; the `NOTIFY`
/// is delivered when (and only if) the transaction commits.
pub(crate) fn append(
    tx: &mut Lease<'_>,
    generation: u64,
    projects: Option<String>,
) -> Result<(), StoreError> {
    const OP: &str = "appending to the change log";
    // Numbered under the write lock (the generation row), so without gaps and in commit order.
    let row = tx.query_opt(
        "INSERT INTO change_log (seq, generation, projects, at)
         VALUES ((SELECT COALESCE(MAX(seq), 0) + 1 FROM change_log), $1, $2, $3)
         RETURNING seq",
        OP,
        &[&(generation as i64), &projects, &(changes::now() as i64)],
    )?;
    let seq: i64 = row.map_or(0, |r| r.get(0));
    tx.execute(
        "SELECT pg_notify($1, $2)",
        OP,
        &[&CHANNEL, &seq.to_string()],
    )?;
    Ok(())
}

#[tracing::instrument(skip(store))]
pub(crate) fn since(store: &PgStore, after: u64, limit: usize) -> Result<Changes, StoreError> {
    const OP: &str = "reading the change log";
    let mut conn = store.reader()?;
    let ends = conn.query_opt(
        "SELECT COALESCE(MAX(seq), 0), COALESCE(MIN(seq), 0) FROM change_log",
        OP,
        &[],
    )?;
    let (head, oldest): (i64, i64) = ends.map_or((0, 0), |r| (r.get(0), r.get(1)));
    let rows = conn.query(
        "SELECT seq, generation, projects, at FROM change_log
         WHERE seq > $1 ORDER BY seq LIMIT $2",
        OP,
        &[&(after as i64), &(limit as i64)],
    )?;
    let changes = rows
        .iter()
        .map(|r| {
            let seq = r.get::<_, i64>(0) as u64;
            Ok(Change {
                seq,
                generation: r.get::<_, i64>(1) as u64,
                changed: changes::decode(seq, r.get::<_, Option<&str>>(2))?,
                at: r.get::<_, i64>(3) as u64,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    Ok(Changes::new(after, head as u64, oldest as u64, changes))
}

pub(crate) fn record_position(
    store: &PgStore,
    node: &str,
    seq: u64,
    now: u64,
) -> Result<(), StoreError> {
    store.reader()?.execute(
        "INSERT INTO change_log_readers (node, seq, seen_at) VALUES ($1, $2, $3)
         ON CONFLICT (node) DO UPDATE SET seq = excluded.seq, seen_at = excluded.seen_at",
        "recording a change log reader",
        &[&node, &(seq as i64), &(now as i64)],
    )?;
    Ok(())
}

#[tracing::instrument(skip(store))]
pub(crate) fn prune(store: &PgStore, now: u64, retention: u64) -> Result<Pruned, StoreError> {
    const OP: &str = "pruning the change log";
    let cutoff = now.saturating_sub(retention) as i64;
    let mut conn = store.reader()?;
    conn.batch("BEGIN", OP)?;
    let result = (|| {
        let readers = conn.execute(
            "DELETE FROM change_log_readers WHERE seen_at < $1",
            OP,
            &[&cutoff],
        )?;
        // Up to the slowest reader still heard from, and never the newest row.
        let rows = conn.execute(
            "DELETE FROM change_log WHERE at < $1
               AND seq < (SELECT MAX(seq) FROM change_log)
               AND seq <= COALESCE((SELECT MIN(seq) FROM change_log_readers), seq)",
            OP,
            &[&cutoff],
        )?;
        let oldest: i64 = conn
            .query_opt("SELECT COALESCE(MIN(seq), 0) FROM change_log", OP, &[])?
            .map_or(0, |r| r.get(0));
        Ok(Pruned {
            rows,
            readers,
            oldest: oldest as u64,
        })
    })();
    match result {
        Ok(p) => conn.batch("COMMIT", OP).map(|()| p),
        Err(e) => {
            let _ = conn.batch("ROLLBACK", OP);
            Err(e)
        }
    }
}

/// Waits on the listening connection (opened and `LISTEN`ing when first needed, and again after
/// the server closed it) for a notification or `timeout`. Notifications that arrived meanwhile
/// are drained: one wake-up reads the whole log anyway.
pub(crate) fn wait(
    store: &PgStore,
    listener: &Mutex<Option<Conn>>,
    timeout: Duration,
) -> Result<(), StoreError> {
    const OP: &str = "waiting for changes";
    let mut slot = listener.lock().unwrap_or_else(|e| e.into_inner());
    if slot.as_mut().is_none_or(|c| c.client().is_closed()) {
        let mut conn = Conn::connect(&store.config, &store.url)?;
        conn.client()
            .batch_execute(&format!("LISTEN {CHANNEL}"))
            .map_err(connection::backend(OP, &store.url))?;
        *slot = Some(conn);
    }
    let woke = {
        let client = slot.as_mut().expect("connected above").client();
        let mut notifications = client.notifications();
        let woke = notifications.timeout_iter(timeout).next();
        if woke.is_ok() {
            let mut pending = notifications.iter();
            while let Ok(Some(_)) = pending.next() {}
        }
        woke.map(|_| ())
    };
    if let Err(e) = woke {
        *slot = None;
        return Err(connection::backend(OP, &store.url)(e));
    }
    Ok(())
}
