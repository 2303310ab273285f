//! Tests of the routing rules: each strategy's pick, capacity and availability, skills and their
//! fallback, backlog planning, serve order, and properties over random teams and backlogs.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use std::collections::{BTreeSet, HashMap};

use chrono::{TimeZone, Utc};
use proptest::prelude::{any, prop, prop_assert, prop_assert_eq, proptest};
use proptest::strategy::Strategy as _;

use super::*;
use crate::domain::ids::UserId;
use crate::domain::ticket::Priority;

fn agent(id: i64) -> Candidate {
    Candidate {
        id: UserId(id),
        active: true,
        load: 0,
        max_open: 10,
        skills: Vec::new(),
        last_turn: 0,
    }
}

fn with(id: i64, f: impl FnOnce(&mut Candidate)) -> Candidate {
    let mut c = agent(id);
    f(&mut c);
    c
}

fn req(strategy: Strategy) -> Request<'static> {
    Request {
        strategy,
        skill: None,
        skill_fallback: true,
    }
}

fn skill_req(skill: Option<&str>, skill_fallback: bool) -> Request<'_> {
    Request {
        strategy: Strategy::Skill,
        skill,
        skill_fallback,
    }
}

// --- choose ---------------------------------------------------------

#[test]
fn manual_never_picks() {
    let team = [agent(1), agent(2)];
    assert_eq!(choose(&team, &req(Strategy::Manual)), Err(NoAgent::Manual));
    assert_eq!(choose(&[], &req(Strategy::Manual)), Err(NoAgent::Manual));
}

#[test]
fn round_robin_picks_longest_since_last_turn() {
    let team = [
        with(1, |c| c.last_turn = 5),
        with(2, |c| c.last_turn = 3),
        with(3, |c| c.last_turn = 7),
    ];
    assert_eq!(choose(&team, &req(Strategy::RoundRobin)), Ok(UserId(2)));
}

#[test]
fn round_robin_ties_go_to_smallest_id() {
    let team = [agent(9), agent(4), agent(6)];
    assert_eq!(choose(&team, &req(Strategy::RoundRobin)), Ok(UserId(4)));
}

#[test]
fn round_robin_ignores_load() {
    let team = [
        with(1, |c| {
            c.load = 9;
            c.last_turn = 1
        }),
        with(2, |c| c.last_turn = 2),
    ];
    assert_eq!(choose(&team, &req(Strategy::RoundRobin)), Ok(UserId(1)));
}

#[test]
fn least_loaded_picks_smallest_load() {
    let team = [
        with(1, |c| c.load = 3),
        with(2, |c| c.load = 1),
        with(3, |c| c.load = 2),
    ];
    assert_eq!(choose(&team, &req(Strategy::LeastLoaded)), Ok(UserId(2)));
}

#[test]
fn least_loaded_ties_follow_rotation_then_id() {
    let team = [
        with(1, |c| {
            c.load = 1;
            c.last_turn = 8
        }),
        with(2, |c| {
            c.load = 1;
            c.last_turn = 4
        }),
        with(3, |c| c.load = 5),
    ];
    assert_eq!(choose(&team, &req(Strategy::LeastLoaded)), Ok(UserId(2)));

    let team = [with(7, |c| c.load = 2), with(5, |c| c.load = 2)];
    assert_eq!(choose(&team, &req(Strategy::LeastLoaded)), Ok(UserId(5)));
}

#[test]
fn agent_at_capacity_is_skipped() {
    let full = with(1, |c| {
        c.load = 10;
        c.max_open = 10
    });
    let team = [full.clone(), with(2, |c| c.last_turn = 99)];
    for st in [Strategy::RoundRobin, Strategy::LeastLoaded, Strategy::Skill] {
        assert_eq!(choose(&team, &req(st)), Ok(UserId(2)), "{st:?}");
    }
    // Above capacity (e.g. max_open lowered later) is skipped too.
    let over = with(3, |c| {
        c.load = 4;
        c.max_open = 2
    });
    assert_eq!(
        choose(&[full, over], &req(Strategy::RoundRobin)),
        Err(NoAgent::NobodyEligible)
    );
    // max_open 0 means never routed to.
    let zero = with(4, |c| c.max_open = 0);
    assert_eq!(
        choose(&[zero], &req(Strategy::LeastLoaded)),
        Err(NoAgent::NobodyEligible)
    );
}

#[test]
fn inactive_agents_are_skipped() {
    let team = [with(1, |c| c.active = false), with(2, |c| c.last_turn = 50)];
    for st in [Strategy::RoundRobin, Strategy::LeastLoaded, Strategy::Skill] {
        assert_eq!(choose(&team, &req(st)), Ok(UserId(2)), "{st:?}");
    }
    let away = [with(1, |c| c.active = false)];
    assert_eq!(
        choose(&away, &req(Strategy::RoundRobin)),
        Err(NoAgent::NobodyEligible)
    );
    assert_eq!(
        choose(&[], &req(Strategy::LeastLoaded)),
        Err(NoAgent::NobodyEligible)
    );
}

#[test]
fn skill_picks_among_skilled_in_rotation() {
    let team = [
        with(1, |c| c.last_turn = 0),
        with(2, |c| {
            c.skills = vec!["billing".into()];
            c.last_turn = 6
        }),
        with(3, |c| {
            c.skills = vec!["tech".into(), "billing".into()];
            c.last_turn = 4
        }),
    ];
    assert_eq!(
        choose(&team, &skill_req(Some("billing"), true)),
        Ok(UserId(3))
    );
    assert_eq!(
        choose(&team, &skill_req(Some("billing"), false)),
        Ok(UserId(3))
    );
    assert_eq!(
        choose(&team, &skill_req(Some("tech"), false)),
        Ok(UserId(3))
    );
}

#[test]
fn skill_skips_skilled_agents_who_are_away_or_full() {
    let team = [
        with(1, |c| {
            c.skills = vec!["tech".into()];
            c.active = false
        }),
        with(2, |c| {
            c.skills = vec!["tech".into()];
            c.load = 10
        }),
        with(3, |c| c.last_turn = 1),
    ];
    assert_eq!(
        choose(&team, &skill_req(Some("tech"), false)),
        Err(NoAgent::NobodySkilled)
    );
    assert_eq!(choose(&team, &skill_req(Some("tech"), true)), Ok(UserId(3)));
}

#[test]
fn skill_fallback_routes_to_everyone_in_rotation() {
    let team = [
        with(1, |c| c.last_turn = 3),
        with(2, |c| c.last_turn = 2),
        with(3, |c| {
            c.skills = vec!["sales".into()];
            c.last_turn = 1
        }),
    ];
    assert_eq!(
        choose(&team, &skill_req(Some("legal"), true)),
        Ok(UserId(3))
    );
}

#[test]
fn skill_without_fallback_waits() {
    let team = [agent(1), agent(2)];
    assert_eq!(
        choose(&team, &skill_req(Some("legal"), false)),
        Err(NoAgent::NobodySkilled)
    );
}

#[test]
fn skill_with_nobody_eligible_blames_capacity_not_skill() {
    let team = [with(1, |c| c.active = false)];
    for fallback in [true, false] {
        assert_eq!(
            choose(&team, &skill_req(Some("tech"), fallback)),
            Err(NoAgent::NobodyEligible)
        );
    }
}

#[test]
fn skill_request_without_skill_is_round_robin() {
    let team = [
        with(1, |c| {
            c.skills = vec!["tech".into()];
            c.last_turn = 9
        }),
        with(2, |c| c.last_turn = 2),
    ];
    for skill in [None, Some(""), Some("  ")] {
        for fallback in [true, false] {
            assert_eq!(
                choose(&team, &skill_req(skill, fallback)),
                Ok(UserId(2)),
                "{skill:?} {fallback}"
            );
        }
    }
}

#[test]
fn non_skill_strategies_ignore_the_ticket_skill() {
    let team = [agent(1), agent(2)];
    for st in [Strategy::RoundRobin, Strategy::LeastLoaded] {
        let r = Request {
            strategy: st,
            skill: Some("legal"),
            skill_fallback: false,
        };
        assert_eq!(choose(&team, &r), Ok(UserId(1)));
    }
}

#[test]
fn no_agent_messages_read_as_sentences() {
    for e in [
        NoAgent::Manual,
        NoAgent::NobodyEligible,
        NoAgent::NobodySkilled,
    ] {
        let msg = e.to_string();
        assert!(!msg.is_empty() && !msg.ends_with('.'), "{msg}");
    }
}

#[test]
fn round_robin_cycles_through_everyone_before_repeating() {
    let mut team = vec![
        with(30, |c| c.last_turn = 4),
        with(10, |c| c.last_turn = 0),
        with(20, |c| c.last_turn = 0),
        with(40, |c| c.active = false),
        with(50, |c| {
            c.load = 3;
            c.max_open = 3
        }),
    ];
    let mut picks = Vec::new();
    for turn in 5..14 {
        let id = choose(&team, &req(Strategy::RoundRobin)).unwrap();
        picks.push(id.0);
        let c = team.iter_mut().find(|c| c.id == id).unwrap();
        c.last_turn = turn;
    }
    assert_eq!(picks, [10, 20, 30, 10, 20, 30, 10, 20, 30]);
}

// --- plan -----------------------------------------------------------

#[test]
fn plan_spreads_nine_tickets_over_three_equal_agents_in_rotation() {
    let team = [agent(3), agent(1), agent(2)];
    let tickets: Vec<(i64, Option<String>)> = (100..109).map(|t| (t, None)).collect();
    for st in [Strategy::RoundRobin, Strategy::LeastLoaded, Strategy::Skill] {
        let out = plan(&team, &tickets, st, true, 1);
        let agents: Vec<i64> = out.iter().map(|(_, a)| a.0).collect();
        assert_eq!(agents, [1, 2, 3, 1, 2, 3, 1, 2, 3], "{st:?}");
        let ids: Vec<i64> = out.iter().map(|(t, _)| *t).collect();
        assert_eq!(ids, (100..109).collect::<Vec<_>>());
    }
}

#[test]
fn plan_never_exceeds_capacity() {
    let team = [
        with(1, |c| {
            c.load = 1;
            c.max_open = 3
        }),
        with(2, |c| c.max_open = 1),
        with(3, |c| c.active = false),
    ];
    let tickets: Vec<(i64, Option<String>)> = (1..=10).map(|t| (t, None)).collect();
    for st in [Strategy::RoundRobin, Strategy::LeastLoaded, Strategy::Skill] {
        let out = plan(&team, &tickets, st, true, 1);
        assert_eq!(out.len(), 3, "{st:?}");
        let to_1 = out.iter().filter(|(_, a)| *a == UserId(1)).count();
        let to_2 = out.iter().filter(|(_, a)| *a == UserId(2)).count();
        assert_eq!((to_1, to_2), (2, 1), "{st:?}");
        // The first three tickets are served; the rest wait.
        let ids: Vec<i64> = out.iter().map(|(t, _)| *t).collect();
        assert_eq!(ids, [1, 2, 3]);
    }
}

#[test]
fn plan_least_loaded_fills_the_emptiest_first() {
    let team = [with(1, |c| c.load = 2), agent(2)];
    let tickets: Vec<(i64, Option<String>)> = (1..=4).map(|t| (t, None)).collect();
    let agents: Vec<i64> = plan(&team, &tickets, Strategy::LeastLoaded, true, 1)
        .into_iter()
        .map(|(_, a)| a.0)
        .collect();
    assert_eq!(agents, [2, 2, 1, 2]);
}

#[test]
fn plan_skips_unroutable_tickets_and_keeps_serving_later_ones() {
    let team = [
        with(1, |c| c.skills = vec!["tech".into()]),
        with(2, |c| c.skills = vec!["billing".into()]),
    ];
    let tickets = vec![
        (1, Some("legal".to_owned())),
        (2, Some("billing".to_owned())),
        (3, None),
        (4, Some("tech".to_owned())),
    ];
    let out = plan(&team, &tickets, Strategy::Skill, false, 1);
    assert_eq!(out, [(2, UserId(2)), (3, UserId(1)), (4, UserId(1))]);
}

#[test]
fn plan_under_manual_assigns_nothing() {
    let tickets = vec![(1, None), (2, None)];
    assert!(plan(&[agent(1)], &tickets, Strategy::Manual, true, 1).is_empty());
}

#[test]
fn plan_respects_persisted_turns() {
    // Agent 1 had the most recent turn, so the backlog starts with 2.
    let team = [with(1, |c| c.last_turn = 41), with(2, |c| c.last_turn = 40)];
    let tickets = vec![(1, None), (2, None), (3, None)];
    let out = plan(&team, &tickets, Strategy::RoundRobin, true, 42);
    assert_eq!(out, [(1, UserId(2)), (2, UserId(1)), (3, UserId(2))]);
}

#[test]
fn plan_each_carries_loads_and_turns_across_strategies() {
    // Group A routes manually, group B least-loaded, the rest round-robin; one backlog.
    let team = [
        with(1, |c| c.max_open = 1),
        with(2, |c| {
            c.load = 1;
            c.skills = vec!["billing".into()]
        }),
    ];
    let tickets = vec![
        (10, None, Strategy::Manual),
        (11, None, Strategy::LeastLoaded),
        (12, Some("billing".into()), Strategy::Skill),
        (13, None, Strategy::RoundRobin),
    ];
    let out = plan_each(&team, &tickets, false, 7);
    // 10 waits (manual); 11 → 1 (load 0 < 1), which fills 1; 12 → 2 (skilled);
    // 13 → 2, the only one with room left.
    assert_eq!(out, [(11, UserId(1)), (12, UserId(2)), (13, UserId(2))]);
}

// --- backlog_order --------------------------------------------------

#[test]
fn backlog_serves_urgent_first_then_oldest_then_id() {
    let at = |m: u32| Utc.with_ymd_and_hms(2025, 1, 1, 12, m, 0).unwrap();
    let mut tickets = vec![
        (1, Priority::Low, at(0)),
        (2, Priority::Normal, at(5)),
        (3, Priority::Urgent, at(9)),
        (4, Priority::Normal, at(1)),
        (5, Priority::High, at(3)),
        (6, Priority::Urgent, at(2)),
        (8, Priority::Normal, at(1)),
        (7, Priority::Normal, at(1)),
    ];
    backlog_order(&mut tickets);
    let ids: Vec<i64> = tickets.iter().map(|t| t.0).collect();
    assert_eq!(ids, [6, 3, 5, 4, 7, 8, 2, 1]);
}

// --- properties -----------------------------------------------------

const SKILLS: [&str; 3] = ["billing", "tech", "sales"];

fn arb_strategy() -> impl proptest::strategy::Strategy<Value = Strategy> {
    prop::sample::select(Strategy::ALL.to_vec())
}

/// Candidates with unique ids (real teams never list an agent twice).
fn arb_team() -> impl proptest::strategy::Strategy<Value = Vec<Candidate>> {
    prop::collection::vec(
        (
            any::<bool>(),
            0u32..8,
            0u32..6,
            prop::sample::subsequence(SKILLS.to_vec(), 0..=SKILLS.len()),
            0i64..20,
        ),
        0..8,
    )
    .prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(
                |(i, (active, load, max_open, skills, last_turn))| Candidate {
                    id: UserId(i64::try_from(i).unwrap() * 7 % 11 + 1),
                    active,
                    load,
                    max_open,
                    skills: skills.into_iter().map(str::to_owned).collect(),
                    last_turn,
                },
            )
            .collect()
    })
}

fn arb_tickets() -> impl proptest::strategy::Strategy<Value = Vec<(i64, Option<String>)>> {
    prop::collection::vec(
        prop::option::of(prop::sample::select(vec![
            "billing", "tech", "sales", "legal", "",
        ])),
        0..30,
    )
    .prop_map(|skills| {
        skills
            .into_iter()
            .zip(1i64..)
            .map(|(s, id)| (id, s.map(str::to_owned)))
            .collect()
    })
}

proptest! {
    #[test]
    fn plan_stays_within_capacity_and_picks_only_eligible_agents(
        team in arb_team(),
        tickets in arb_tickets(),
        strategy in arb_strategy(),
        fallback in any::<bool>(),
    ) {
        let out = plan(&team, &tickets, strategy, fallback, 20);
        let by_id: HashMap<UserId, &Candidate> = team.iter().map(|c| (c.id, c)).collect();
        let skill_of: HashMap<i64, Option<&str>> =
            tickets.iter().map(|(t, s)| (*t, s.as_deref())).collect();

        if strategy == Strategy::Manual {
            prop_assert!(out.is_empty());
        }
        let mut given: HashMap<UserId, u32> = HashMap::new();
        let mut last_ticket = 0;
        for (ticket, agent) in &out {
            // Served in the given order, each at most once.
            prop_assert!(*ticket > last_ticket);
            last_ticket = *ticket;
            let c = by_id.get(agent).copied();
            prop_assert!(c.is_some(), "unknown agent {agent}");
            let Some(c) = c else { continue };
            prop_assert!(c.is_eligible(), "ineligible {c:?}");
            *given.entry(*agent).or_default() += 1;
            if strategy == Strategy::Skill && !fallback {
                if let Some(Some(skill)) = skill_of.get(ticket) {
                    if !skill.is_empty() {
                        prop_assert!(c.has_skill(skill), "{c:?} lacks {skill}");
                    }
                }
            }
        }
        for (agent, n) in given {
            let c = by_id[&agent];
            prop_assert!(c.load + n <= c.max_open, "{c:?} given {n}");
        }
    }

    #[test]
    fn plan_waits_only_when_capacity_is_used_up_for_plain_strategies(
        team in arb_team(),
        tickets in arb_tickets(),
        strategy in prop::sample::select(vec![
            Strategy::RoundRobin,
            Strategy::LeastLoaded,
        ]),
    ) {
        let out = plan(&team, &tickets, strategy, true, 20);
        let room: u32 = team
            .iter()
            .filter(|c| c.active)
            .map(|c| c.max_open.saturating_sub(c.load))
            .sum();
        let expected = tickets.len().min(usize::try_from(room).unwrap());
        prop_assert_eq!(out.len(), expected);
    }

    #[test]
    fn round_robin_visits_every_eligible_agent_before_repeating(
        team in arb_team(),
        rounds in 1usize..4,
    ) {
        let mut team = team;
        let eligible: BTreeSet<UserId> =
            team.iter().filter(|c| c.is_eligible()).map(|c| c.id).collect();
        let first_turn = team.iter().map(|c| c.last_turn).max().unwrap_or(0) + 1;
        let mut picks = Vec::new();
        let turns = eligible.len() * rounds;
        for turn in (first_turn..).take(turns) {
            let id = choose(&team, &req(Strategy::RoundRobin)).unwrap();
            picks.push(id);
            if let Some(c) = team.iter_mut().find(|c| c.id == id) {
                c.last_turn = turn;
            }
        }
        if eligible.is_empty() {
            prop_assert_eq!(
                choose(&team, &req(Strategy::RoundRobin)),
                Err(NoAgent::NobodyEligible)
            );
        } else {
            let first: Vec<UserId> = picks[..eligible.len()].to_vec();
            let distinct: BTreeSet<UserId> = first.iter().copied().collect();
            prop_assert_eq!(&distinct, &eligible);
            // Every later round repeats the first round's order.
            for round in picks.chunks(eligible.len()) {
                prop_assert_eq!(round, first.as_slice());
            }
        }
    }
}
