//! Telegram's published send limits, kept per chat. teloxide's `Throttle` holds *every* send of
//! the bot while any one chat is flood-limited (a 429 freezes its whole worker) and retries the
//! 429 itself, out of the outbox's sight. Pacing here instead lets the outbox decide: a message
//! whose chat is at its limit waits (or goes back to the outbox with a due time) without touching
//! any other chat, and a 429 reaches the outbox row that caused it.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const SECOND: Duration = Duration::from_secs(1);
const MINUTE: Duration = Duration::from_secs(60);
/// Chats with no send for this long are forgotten, so the map stays as small as the set of
/// chats active in the last minute.
const FORGET_AFTER: Duration = Duration::from_secs(61);

/// The limits, from `TOPICDESK_TG_GROUP_PER_MINUTE` and `TOPICDESK_TG_GLOBAL_PER_SECOND`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Messages into one group per minute.
    pub group_per_minute: u32,
    /// Messages into one chat per second (Telegram advises one for private chats).
    pub chat_per_second: u32,
    /// Messages per second in all.
    pub global_per_second: u32,
}

impl Limits {
    /// Per-chat seconds get the per-minute limit spread over the minute, at least one.
    pub fn new(group_per_minute: u32, global_per_second: u32) -> Self {
        Self {
            group_per_minute: group_per_minute.max(1),
            chat_per_second: group_per_minute.div_ceil(60).max(1),
            global_per_second: global_per_second.max(1),
        }
    }
}

/// Sliding windows of recent send instants.
#[derive(Debug)]
pub struct Pacer {
    limits: Limits,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    chats: HashMap<i64, VecDeque<Instant>>,
    global: VecDeque<Instant>,
    last_sweep: Option<Instant>,
}

/// When the `limit`-th newest entry within `window` leaves it; `None` if there is room now.
fn room_at(
    sent: &VecDeque<Instant>,
    limit: u32,
    window: Duration,
    now: Instant,
) -> Option<Instant> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let recent = sent
        .iter()
        .rev()
        .take_while(|t| now.duration_since(**t) < window);
    let count = recent.clone().count();
    if count < limit {
        return None;
    }
    // The oldest of the `limit` newest sends has to age out of the window.
    sent.iter()
        .rev()
        .nth(limit.saturating_sub(1))
        .map(|t| *t + window)
}

impl Pacer {
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            state: Mutex::new(State::default()),
        }
    }

    /// Takes a slot for one message into `chat` at `now`, or says when one will be free. Groups
    /// (negative ids) also count against the per-minute group limit.
    pub fn reserve(&self, chat: i64, now: Instant) -> Result<(), Instant> {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if s.last_sweep
            .is_none_or(|t| now.duration_since(t) > FORGET_AFTER)
        {
            s.chats.retain(|_, sent| {
                sent.back()
                    .is_some_and(|t| now.duration_since(*t) < FORGET_AFTER)
            });
            s.last_sweep = Some(now);
        }
        let l = self.limits;
        let global = room_at(&s.global, l.global_per_second, SECOND, now);
        let (second, minute) = match s.chats.get(&chat) {
            Some(sent) => (
                room_at(sent, l.chat_per_second, SECOND, now),
                // Only groups (negative ids) have a per-minute limit.
                (chat < 0)
                    .then(|| room_at(sent, l.group_per_minute, MINUTE, now))
                    .flatten(),
            ),
            None => (None, None),
        };
        if let Some(at) = [global, second, minute].into_iter().flatten().max() {
            return Err(at);
        }
        let sent = s.chats.entry(chat).or_default();
        sent.push_back(now);
        while sent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= MINUTE)
        {
            sent.pop_front();
        }
        s.global.push_back(now);
        while s
            .global
            .front()
            .is_some_and(|t| now.duration_since(*t) >= SECOND)
        {
            s.global.pop_front();
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    #[test]
    fn a_group_gets_its_per_minute_share_then_waits_for_the_oldest_to_age_out() {
        let pacer = Pacer::new(Limits::new(20, 30));
        let start = Instant::now();
        for i in 0..20 {
            assert_eq!(pacer.reserve(-100, start + SECOND * i), Ok(()), "send {i}");
        }
        let refused = pacer.reserve(-100, start + SECOND * 20).unwrap_err();
        assert_eq!(refused, start + MINUTE);
        assert_eq!(pacer.reserve(-100, start + MINUTE), Ok(()));
    }

    #[test]
    fn one_full_chat_does_not_hold_another() {
        let pacer = Pacer::new(Limits::new(20, 30));
        let now = Instant::now();
        assert_eq!(pacer.reserve(-100, now), Ok(()));
        assert!(pacer.reserve(-100, now).is_err(), "one a second per chat");
        assert_eq!(pacer.reserve(-200, now), Ok(()));
        assert_eq!(pacer.reserve(42, now), Ok(()));
    }

    #[test]
    fn private_chats_have_no_minute_limit_but_one_a_second() {
        let pacer = Pacer::new(Limits::new(20, 1000));
        let start = Instant::now();
        for i in 0..40 {
            assert_eq!(pacer.reserve(42, start + SECOND * i), Ok(()), "send {i}");
        }
        assert_eq!(
            pacer.reserve(42, start + SECOND * 39).unwrap_err(),
            start + SECOND * 40
        );
    }

    #[test]
    fn the_global_limit_holds_across_chats() {
        let pacer = Pacer::new(Limits::new(6000, 3));
        let now = Instant::now();
        for chat in 1..=3 {
            assert_eq!(pacer.reserve(chat, now), Ok(()));
        }
        assert_eq!(pacer.reserve(4, now).unwrap_err(), now + SECOND);
        assert_eq!(pacer.reserve(4, now + SECOND), Ok(()));
    }

    #[test]
    fn idle_chats_are_forgotten() {
        let pacer = Pacer::new(Limits::new(20, 1000));
        let start = Instant::now();
        for chat in 0..100 {
            pacer.reserve(-chat - 1, start).unwrap();
        }
        pacer.reserve(7, start + Duration::from_secs(120)).unwrap();
        let s = pacer.state.lock().unwrap();
        assert_eq!(s.chats.len(), 1);
    }
}
