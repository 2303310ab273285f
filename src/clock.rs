//! Time is injected: every use case asks the [`Clock`] for "now" and the scheduler sleeps through
//! it, so tests can move time forward instead of sleeping for hours.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use tokio::sync::watch;

/// A source of the current time that can also sleep until an instant of its own time line.
pub trait Clock: Send + Sync + 'static {
    /// The time of the helpdesk: tickets, timers, SLA, seats. Tests move it.
    fn now(&self) -> DateTime<Utc>;
    /// The time of the world outside: Telegram's `retry_after`, backoffs, leases, signed
    /// timestamps from other systems. It passes in real seconds whatever `now` says, so a test
    /// that jumps a day ahead still waits out a real 429.
    fn wall(&self) -> DateTime<Utc> {
        Utc::now()
    }
    /// Resolves once `now() >= at`. Callers race it against their own wake-up signals.
    fn sleep_until(&self, at: DateTime<Utc>) -> BoxFuture<'static, ()>;
}

/// The wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn sleep_until(&self, at: DateTime<Utc>) -> BoxFuture<'static, ()> {
        let wait = (at - Utc::now()).to_std().unwrap_or_default();
        Box::pin(tokio::time::sleep(wait))
    }
}

/// A clock that only moves when told to. Used by tests (and usable by benchmarks) to fire
/// timers deterministically.
#[derive(Clone)]
pub struct ManualClock {
    now: Arc<Mutex<DateTime<Utc>>>,
    changed: watch::Sender<DateTime<Utc>>,
}

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        let (changed, _) = watch::channel(start);
        Self {
            now: Arc::new(Mutex::new(start)),
            changed,
        }
    }

    /// Moves time forward and wakes every sleeper whose instant has come.
    pub fn advance(&self, by: chrono::Duration) {
        let next = {
            let mut now = self.now.lock().unwrap_or_else(|p| p.into_inner());
            *now += by;
            *now
        };
        self.changed.send_replace(next);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn sleep_until(&self, at: DateTime<Utc>) -> BoxFuture<'static, ()> {
        let mut rx = self.changed.subscribe();
        Box::pin(async move {
            loop {
                if *rx.borrow_and_update() >= at {
                    return;
                }
                if rx.changed().await.is_err() {
                    // The clock is gone: nobody will ever move time again.
                    std::future::pending::<()>().await;
                }
            }
        })
    }
}
