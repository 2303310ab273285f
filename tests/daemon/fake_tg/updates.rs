//! The update queue and `getUpdates`: update ids, offsets that acknowledge, long polls that wake
//! on new updates, a newer poll superseding an older one (409), polls the client abandoned,
//! and redelivery of an acknowledged update.

use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

use super::http::ApiErr;
use super::log::RequestOutcome;
use super::params::p_i64;
use super::state::World;
use super::FakeTelegram;

/// Long polls are never held longer than this, whatever `timeout` the client asks for, so
/// that a test never waits on a poll that the client has long given up on.
const MAX_LONG_POLL: Duration = Duration::from_secs(9);
/// The most updates one `getUpdates` hands out.
const MAX_BATCH: usize = 100;

#[derive(Clone, Debug)]
pub(super) struct QueueEntry {
    pub(super) id: i64,
    /// Put back by `redeliver`: survives offset acknowledgement until handed out once.
    pub(super) redelivered: bool,
    pub(super) handed_out: bool,
}

impl FakeTelegram {
    /// The id the next injected update gets. Telegram picks update ids at random again after a
    /// week without updates, so they may restart lower than the ones a bot has seen.
    pub fn set_next_update_id(&self, id: i64) {
        self.mutate(|w| w.next_update = id);
    }

    /// Queues an arbitrary update (an `update_id` is added; a non-object is wrapped as
    /// `{"update_id": …, "garbage": value}`). A `callback_query`/`pre_checkout_query` in it is
    /// registered so the bot can answer it. Returns the update id.
    pub fn inject_raw(&self, update_without_id: Value) -> i64 {
        self.mutate(|w| {
            let id = w.next_update;
            w.next_update += 1;
            let update = match update_without_id {
                Value::Object(mut o) => {
                    o.insert("update_id".to_owned(), json!(id));
                    Value::Object(o)
                }
                other => json!({ "update_id": id, "garbage": other }),
            };
            // Queries injected raw can be answered like the ones from the typed helpers.
            let query_id = |kind: &str| {
                update
                    .get(kind)
                    .and_then(|q| q.get("id"))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            };
            if let Some(q) = query_id("callback_query") {
                w.callbacks.entry(q).or_insert(None);
            }
            if let Some(q) = query_id("pre_checkout_query") {
                w.pre_checkouts.entry(q).or_insert(None);
            }
            w.updates.insert(id, update);
            w.enqueue(id, false);
            id
        })
    }

    /// Puts an already delivered update (same id, same payload) back into the queue. The next
    /// `getUpdates` hands it out even though its id is below the acknowledged offset (that is
    /// what a redelivery looks like to a bot); a later `getUpdates` with a higher offset then
    /// acknowledges it again.
    pub fn redeliver(&self, update_id: i64) {
        self.mutate(|w| {
            assert!(
                w.updates.contains_key(&update_id),
                "fake_tg: unknown update {update_id}"
            );
            w.queue.retain(|e| e.id != update_id);
            w.enqueue(update_id, true);
        });
    }

    // ----- update queries ----------------------------------------------------------------------

    /// Id of the most recently injected update.
    pub fn last_update_id(&self) -> Option<i64> {
        self.world().updates.keys().next_back().copied()
    }

    /// The full JSON of an update ever injected.
    pub fn update(&self, update_id: i64) -> Option<Value> {
        self.world().updates.get(&update_id).cloned()
    }

    /// Ids still waiting to be acknowledged, in delivery order.
    pub fn pending_update_ids(&self) -> Vec<i64> {
        let w = self.world();
        let mut ids: Vec<i64> = w.queue.iter().map(|e| e.id).collect();
        ids.sort_unstable();
        ids
    }

    /// `true` once the bot acknowledged the update (it is no longer queued).
    pub fn is_acked(&self, update_id: i64) -> bool {
        let w = self.world();
        w.updates.contains_key(&update_id) && !w.queue.iter().any(|e| e.id == update_id)
    }

    /// How many times `getUpdates` handed this update out.
    pub fn times_delivered(&self, update_id: i64) -> usize {
        self.world().delivered.get(&update_id).copied().unwrap_or(0)
    }

    /// The `offset` of the last `getUpdates` call that had one.
    pub fn last_offset(&self) -> Option<i64> {
        self.world().last_offset
    }

    // ----- getUpdates --------------------------------------------------------------------------

    pub(super) async fn get_updates(&self, params: Value) -> Result<Value, ApiErr> {
        let timeout = Duration::from_secs(p_i64(&params, "timeout").unwrap_or(0).max(0) as u64)
            .min(MAX_LONG_POLL);
        let deadline = Instant::now() + timeout;
        let start = self.mutate(|w| {
            if let Some(fault) = w.take_fault("getupdates") {
                let err = fault.to_err();
                let seq = w.log_request("getupdates", params.clone(), true);
                w.finish(seq, &Err(err.clone()));
                return Err(err);
            }
            let seq = w.log_request("getupdates", params.clone(), false);
            if let Some(offset) = p_i64(&params, "offset") {
                if offset > w.next_update {
                    // An offset past every update id given out (ids restarted lower after a
                    // quiet week): like the real Bot API, confirm nothing and answer from the
                    // oldest update still queued.
                    w.last_offset = Some(offset);
                } else {
                    w.acknowledge(offset);
                }
            }
            w.poll_gen += 1;
            Ok((seq, w.poll_gen))
        });
        let (seq, generation) = start?;
        // If the client goes away, hyper drops this future; the guard records that.
        let _guard = AbandonGuard { fake: self, seq };
        // Wake older long polls so they notice they were superseded.
        self.inner.notify.notify_waiters();
        loop {
            let notified = self.inner.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let done = self.mutate(|w| {
                if w.poll_gen != generation {
                    let err = ApiErr {
                        code: 409,
                        description: "Conflict: terminated by other getUpdates request; make \
                                      sure that only one bot instance is running"
                            .to_owned(),
                        retry_after: None,
                    };
                    w.finish(seq, &Err(err.clone()));
                    return Some(Err(err));
                }
                let batch = w.take_batch();
                if !batch.is_empty() || Instant::now() >= deadline {
                    let res = Ok(Value::Array(batch));
                    w.finish(seq, &res);
                    return Some(res);
                }
                None
            });
            if let Some(res) = done {
                return res;
            }
            tokio::select! {
                _ = &mut notified => {}
                _ = tokio::time::sleep_until(deadline.into()) => {}
            }
        }
    }
}

/// Marks a long poll as abandoned when its future is dropped before it answered.
struct AbandonGuard<'a> {
    fake: &'a FakeTelegram,
    seq: u64,
}

impl Drop for AbandonGuard<'_> {
    fn drop(&mut self) {
        // Never panic in drop: a poisoned lock just leaves the entry as it is.
        if let Ok(mut w) = self.fake.inner.world.lock() {
            if let Some(e) = w.log_entry(self.seq) {
                if e.outcome == RequestOutcome::InFlight {
                    e.outcome = RequestOutcome::Abandoned;
                }
            }
        }
    }
}

impl World {
    pub(super) fn push_update(&mut self, kind: &str, payload: Value) -> i64 {
        let id = self.next_update;
        self.next_update += 1;
        let mut o = Map::new();
        o.insert("update_id".to_owned(), json!(id));
        o.insert(kind.to_owned(), payload);
        self.updates.insert(id, Value::Object(o));
        self.enqueue(id, false);
        id
    }

    fn enqueue(&mut self, id: i64, redelivered: bool) {
        self.queue.push(QueueEntry {
            id,
            redelivered,
            handed_out: false,
        });
        self.wake = true;
    }

    /// `offset` semantics of getUpdates: the offset confirms every update below it (redelivered
    /// ones only after they were handed out again). The daemon's offsets are always positive.
    fn acknowledge(&mut self, offset: i64) {
        self.last_offset = Some(offset);
        self.queue
            .retain(|e| !(e.id < offset && (!e.redelivered || e.handed_out)));
    }

    /// Up to 100 updates, oldest first: Telegram's default `limit`, which the daemon keeps.
    fn take_batch(&mut self) -> Vec<Value> {
        self.queue.sort_by_key(|e| e.id);
        let mut out = Vec::new();
        for e in self.queue.iter_mut().take(MAX_BATCH) {
            e.handed_out = true;
            *self.delivered.entry(e.id).or_insert(0) += 1;
            if let Some(u) = self.updates.get(&e.id) {
                out.push(u.clone());
            }
        }
        out
    }
}
