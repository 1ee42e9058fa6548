//! What every request under `/api/v1` passes first: CORS (any origin may call the API: reads are
//! public, and writes take a bearer token, never an ambient cookie) and a per-client rate limit.
//!
//! The limit is a token bucket per client IP address: it holds as many requests as the limit
//! per minute and refills at that rate, so a client may burst up to a minute's worth and then
//! goes at the steady rate. Past it the answer is 429 with `Retry-After`, before any work is
//! done. The client is the connection's peer: a `X-Forwarded-For` header is anyone's to write,
//! so behind a proxy all clients share the proxy's bucket (set the limit there instead). 304s
//! count too, since the edge sits outside the conditional-GET layer.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::Shared;
use crate::error::AppError;

/// Past this many clients in the table, buckets that have filled up again are dropped (a full
/// bucket is what a new client gets anyway).
const MAX_CLIENTS: usize = 10_000;

pub struct RateLimiter {
    per_minute: u32,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

impl RateLimiter {
    pub fn new(per_minute: u32) -> RateLimiter {
        RateLimiter {
            per_minute,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request from `client`'s bucket, or says in how many seconds there is one.
    fn take(&self, client: IpAddr, now: Instant) -> Result<(), u64> {
        let capacity = f64::from(self.per_minute);
        let rate = capacity / 60.0;
        let refill = |b: &mut Bucket| {
            let elapsed = now.saturating_duration_since(b.at).as_secs_f64();
            b.tokens = (b.tokens + elapsed * rate).min(capacity);
            b.at = now;
        };
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= MAX_CLIENTS {
            buckets.retain(|_, b| {
                refill(b);
                b.tokens < capacity
            });
        }
        let b = buckets.entry(client).or_insert(Bucket {
            tokens: capacity,
            at: now,
        });
        refill(b);
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(())
        } else {
            Err((((1.0 - b.tokens) / rate).ceil() as u64).max(1))
        }
    }
}

fn allow_any_origin(headers: &mut HeaderMap) {
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("ETag, Retry-After"),
    );
}

/// The middleware: preflights answered here, the rate limit, and CORS headers on every answer.
pub async fn edge(State(app): State<Shared>, req: Request, next: Next) -> Response {
    if !req.uri().path().starts_with("/api/v1/") {
        return next.run(req).await;
    }
    if req.method() == Method::OPTIONS {
        let mut res = StatusCode::NO_CONTENT.into_response();
        let h = res.headers_mut();
        allow_any_origin(h);
        h.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, HEAD, PATCH, OPTIONS"),
        );
        h.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static(
                "Accept, If-None-Match, If-Modified-Since, Authorization, Content-Type, If-Match",
            ),
        );
        h.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("86400"),
        );
        return res;
    }
    let mut res = match &app.api.limiter {
        Some(limiter) => {
            // Without the connection's address (a router served without connect info, as in
            // some tests) every client shares one bucket.
            let client = req
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
            match limiter.take(client, Instant::now()) {
                Ok(()) => next.run(req).await,
                Err(seconds) => AppError::RateLimited(seconds).into_response(),
            }
        }
        None => next.run(req).await,
    };
    allow_any_origin(res.headers_mut());
    res
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn buckets_burst_then_refill_per_client() {
        let limiter = RateLimiter::new(60);
        let t0 = Instant::now();
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        for _ in 0..60 {
            assert!(limiter.take(a, t0).is_ok());
        }
        assert_eq!(limiter.take(a, t0), Err(1));
        assert!(
            limiter.take(b, t0).is_ok(),
            "another client has its own bucket"
        );
        assert!(limiter.take(a, t0 + Duration::from_millis(1000)).is_ok());
        assert_eq!(limiter.take(a, t0 + Duration::from_millis(1000)), Err(1));
        let slow = RateLimiter::new(2);
        assert!(slow.take(a, t0).is_ok());
        assert!(slow.take(a, t0).is_ok());
        assert_eq!(slow.take(a, t0), Err(30), "one request per 30 s");
    }
}
