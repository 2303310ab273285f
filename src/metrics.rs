//! Process counters, exported in Prometheus text format at `/metrics`. Plain atomics: the
//! handful of numbers an operator graphs does not justify a metrics framework.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Default)]
pub struct Metrics {
    pub updates_received: AtomicU64,
    pub updates_handled: AtomicU64,
    pub updates_failed: AtomicU64,
    pub tickets_created: AtomicU64,
    pub telegram_sent: AtomicU64,
    pub telegram_retried: AtomicU64,
    pub telegram_failed: AtomicU64,
    pub timers_fired: AtomicU64,
}

impl Metrics {
    pub fn inc(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Renders the counters plus the queue depths the caller read from the database.
    pub fn render(&self, inbox_pending: u64, outbox_pending: u64, timers_pending: u64) -> String {
        let mut out = String::new();
        let counters = [
            (
                "topicdesk_updates_received_total",
                "Telegram updates stored in the inbox",
                &self.updates_received,
            ),
            (
                "topicdesk_updates_handled_total",
                "Updates handled",
                &self.updates_handled,
            ),
            (
                "topicdesk_updates_failed_total",
                "Update handling attempts that failed",
                &self.updates_failed,
            ),
            (
                "topicdesk_tickets_created_total",
                "Tickets created",
                &self.tickets_created,
            ),
            (
                "topicdesk_telegram_sent_total",
                "Outbox effects delivered to Telegram",
                &self.telegram_sent,
            ),
            (
                "topicdesk_telegram_retried_total",
                "Outbox effects rescheduled after 429/5xx/network errors",
                &self.telegram_retried,
            ),
            (
                "topicdesk_telegram_failed_total",
                "Outbox effects given up",
                &self.telegram_failed,
            ),
            (
                "topicdesk_timers_fired_total",
                "Timers fired by the scheduler",
                &self.timers_fired,
            ),
        ];
        for (name, help, value) in counters {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                value.load(Ordering::Relaxed)
            );
        }
        let gauges = [
            (
                "topicdesk_inbox_pending",
                "Updates stored but not yet handled",
                inbox_pending,
            ),
            (
                "topicdesk_outbox_pending",
                "Telegram effects waiting to be sent",
                outbox_pending,
            ),
            (
                "topicdesk_timers_pending",
                "Timers waiting for their due time",
                timers_pending,
            ),
        ];
        for (name, help, value) in gauges {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
            );
        }
        out
    }
}
