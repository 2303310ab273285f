//! Choosing agents: for one new ticket ([`choose`]) and for a backlog of waiting ones ([`plan`],
//! [`plan_each`], served in [`backlog_order`]).
//!
//! Everything the rules look at arrives as plain facts ([`Candidate`], [`Request`]) and every
//! decision is a deterministic function of them, ties included, so replicas agree and rotation
//! survives restarts (see the `routing` module docs). The [`Strategy`] being applied is defined in
//! `strategy.rs`.

use std::cmp::Reverse;

use chrono::{DateTime, Utc};

use super::strategy::Strategy;
use crate::domain::ids::UserId;
use crate::domain::ticket::Priority;

/// One agent as routing sees them: just the facts the rules look at, loaded
/// by the caller, so the rules can be tested over any team.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Candidate {
    pub id: UserId,
    /// Seat active and marked available (`/available`); computed by the
    /// caller, because seat expiry needs the clock and the domain never reads
    /// it.
    pub active: bool,
    /// Tickets they hold in assigned/in_progress/pending.
    pub load: u32,
    /// Their capacity: they are skipped once `load` reaches it.
    pub max_open: u32,
    /// Lower-cased skill names.
    pub skills: Vec<String>,
    /// When they were last given a ticket by rotation: a per-workspace
    /// sequence number (0 = never). Persisted by the caller, so rotation
    /// survives restarts and is shared by replicas.
    pub last_turn: i64,
}

impl Candidate {
    /// Whether routing may give them any ticket at all: available, seat
    /// active, and below capacity. Skill is checked separately because it
    /// depends on the ticket.
    pub fn is_eligible(&self) -> bool {
        self.active && self.load < self.max_open
    }

    /// Whether they have `skill`. Both sides are lower-cased by the callers,
    /// so this is an exact comparison.
    pub fn has_skill(&self, skill: &str) -> bool {
        self.skills.iter().any(|s| s == skill)
    }
}

/// What is being routed: one ticket under one workspace's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Request<'a> {
    pub strategy: Strategy,
    /// The ticket's skill (lower-cased), if any. An empty or blank skill
    /// counts as none, so a cleared category field doesn't strand tickets.
    pub skill: Option<&'a str>,
    /// Skill routing with no skilled eligible agent falls back to everyone.
    pub skill_fallback: bool,
}

/// Why nobody was chosen. Every case means the ticket waits in the queue
/// until someone claims it or an agent becomes eligible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum NoAgent {
    /// The strategy is manual: routing never picks anyone.
    #[error("routing is manual, so the ticket waits for someone to claim it")]
    Manual,
    /// Every agent is away, has an inactive seat, or is at capacity.
    #[error("no agent is available with room for another ticket")]
    NobodyEligible,
    /// Some agents could take it, but none of them has the ticket's skill
    /// and fallback is off.
    #[error("no available agent with this ticket's skill has room for it")]
    NobodySkilled,
}

/// Round-robin order: longest since their last turn first; ties (e.g. two
/// agents who never had a turn) by smallest id so the outcome is
/// deterministic across replicas.
fn rotation_key(c: &Candidate) -> (i64, UserId) {
    (c.last_turn, c.id)
}

/// The index of the candidate passing `filter` with the smallest `key`.
fn pick<K: Ord>(
    candidates: &[Candidate],
    filter: impl Fn(&Candidate) -> bool,
    key: impl Fn(&Candidate) -> K,
) -> Option<usize> {
    candidates
        .iter()
        .enumerate()
        .filter(|(_, c)| filter(c))
        .min_by_key(|(_, c)| key(c))
        .map(|(i, _)| i)
}

/// [`choose`], but returning the index so [`plan`] can update that
/// candidate in place.
fn choose_index(candidates: &[Candidate], req: &Request) -> Result<usize, NoAgent> {
    let round_robin =
        || pick(candidates, Candidate::is_eligible, rotation_key).ok_or(NoAgent::NobodyEligible);
    match req.strategy {
        Strategy::Manual => Err(NoAgent::Manual),
        Strategy::RoundRobin => round_robin(),
        Strategy::LeastLoaded => pick(candidates, Candidate::is_eligible, |c| {
            (c.load, rotation_key(c))
        })
        .ok_or(NoAgent::NobodyEligible),
        Strategy::Skill => {
            let Some(skill) = req.skill.filter(|s| !s.trim().is_empty()) else {
                return round_robin();
            };
            if let Some(i) = pick(
                candidates,
                |c| c.is_eligible() && c.has_skill(skill),
                rotation_key,
            ) {
                return Ok(i);
            }
            match round_robin() {
                Ok(i) if req.skill_fallback => Ok(i),
                Ok(_) => Err(NoAgent::NobodySkilled),
                // Nobody could take any ticket: say so rather than blame the
                // skill, which isn't what is missing.
                Err(e) => Err(e),
            }
        }
    }
}

/// Picks the agent for one ticket.
///
/// Eligible = active && load < max_open (and, for Skill, having the skill).
/// - RoundRobin: the eligible agent with the smallest `last_turn` (ties:
///   smallest id).
/// - LeastLoaded: smallest load; ties by RoundRobin order.
/// - Skill: among eligible agents with the skill, RoundRobin order; none →
///   if `skill_fallback`, RoundRobin among all eligible, else
///   `Err(NobodySkilled)`. A Skill request without a skill routes like
///   RoundRobin among all eligible.
/// - Manual → `Err(Manual)`.
///
/// When nobody at all is eligible the error is `NobodyEligible` for every
/// automatic strategy, Skill included, because the skill isn't the problem.
///
/// The caller records the pick by giving the agent the next turn number
/// (their new `last_turn`) — for every strategy, so switching strategies
/// keeps the rotation fair.
pub fn choose(candidates: &[Candidate], req: &Request) -> Result<UserId, NoAgent> {
    choose_index(candidates, req).and_then(|i| {
        candidates
            .get(i)
            .map(|c| c.id)
            .ok_or(NoAgent::NobodyEligible)
    })
}

/// Assigns a backlog in order, updating loads and turns as it goes (so the
/// same agent isn't chosen past capacity), for draining waiting tickets when
/// capacity frees up.
///
/// `tickets` are (ticket id, skill) in the order to serve them (urgent
/// first, then oldest — the caller sorts, see [`backlog_order`]);
/// `next_turn` is the next sequence number to hand out. Returns (ticket id,
/// agent) pairs for those that found an agent; the rest keep waiting.
///
/// Turns are handed out only on assignment, so the `i`-th returned pair used
/// turn `next_turn + i`: the caller persists that as the agent's `last_turn`
/// (the agent's last pair wins) and advances its counter by the number of
/// pairs. Under [`Strategy::Manual`] nothing is assigned.
pub fn plan(
    candidates: &[Candidate],
    tickets: &[(i64, Option<String>)],
    strategy: Strategy,
    skill_fallback: bool,
    next_turn: i64,
) -> Vec<(i64, UserId)> {
    let each: Vec<(i64, Option<String>, Strategy)> = tickets
        .iter()
        .map(|(id, skill)| (*id, skill.clone(), strategy))
        .collect();
    plan_each(candidates, &each, skill_fallback, next_turn)
}

/// [`plan`] where each ticket brings its own strategy: a group can override the workspace's,
/// and one backlog spans every group, so loads and turns must carry across strategies.
pub fn plan_each(
    candidates: &[Candidate],
    tickets: &[(i64, Option<String>, Strategy)],
    skill_fallback: bool,
    next_turn: i64,
) -> Vec<(i64, UserId)> {
    let mut team = candidates.to_vec();
    let mut turn = next_turn;
    let mut out = Vec::new();
    for (ticket, skill, strategy) in tickets {
        let req = Request {
            strategy: *strategy,
            skill: skill.as_deref(),
            skill_fallback,
        };
        let Ok(i) = choose_index(&team, &req) else {
            continue;
        };
        if let Some(agent) = team.get_mut(i) {
            agent.load = agent.load.saturating_add(1);
            agent.last_turn = turn;
            turn = turn.saturating_add(1);
            out.push((*ticket, agent.id));
        }
    }
    out
}

/// Serve order for waiting tickets: urgent first, then high, normal, low;
/// then oldest first (by `created_at`), then id, so the order is total and
/// every replica drains the same backlog the same way.
#[allow(
    clippy::ptr_arg,
    reason = "signature shared with the caller; a slice would do but the Vec form is the agreed API"
)]
pub fn backlog_order(tickets: &mut Vec<(i64, Priority, DateTime<Utc>)>) {
    tickets.sort_by_key(|&(id, priority, created_at)| (Reverse(priority), created_at, id));
}
