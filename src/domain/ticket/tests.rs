//! Tests of the ticket lifecycle: every status × assignee × command cell of the transition table,
//! worked examples, what refusals carry, and random command histories that must only ever
//! visit legal states.

use proptest::prelude::*;
use serde::Deserialize;

use super::*;
use crate::domain::ids::UserId;

const A: UserId = UserId(1);
const B: UserId = UserId(2);

fn state(status: Status, assignee: Option<UserId>) -> TicketState {
    TicketState {
        status,
        assignee,
        priority: Priority::Normal,
    }
}

fn handover() -> Option<String> {
    Some("handover".to_owned())
}

/// The columns of the exhaustive table below. `A` is the current holder
/// (when there is one), `B` another agent.
fn columns() -> Vec<Command> {
    vec![
        Command::Claim { by: A },
        Command::Claim { by: B },
        Command::Assign {
            to: A,
            by: B,
            note: None,
        },
        Command::Assign {
            to: B,
            by: A,
            note: handover(),
        },
        Command::Unassign { by: A },
        Command::AgentReplied { by: B },
        Command::CustomerReplied,
        Command::MarkPending { by: A },
        Command::Resolve { by: B },
        Command::Close { by: Actor::User(B) },
        Command::Close { by: Actor::System },
        Command::Reopen { by: B },
        Command::SetPriority {
            to: Priority::High,
            by: A,
        },
        Command::SetPriority {
            to: Priority::Normal,
            by: A,
        },
    ]
}

/// Turns a table cell into the expected result.
///
/// - `no`: `NotAllowed` (with `allowed` = `allowed_actions`)
/// - `dup`: `AlreadyAssigned(A)`
/// - `ok`: `Ok(vec![])`
/// - otherwise space-separated events: `@A`/`@B`/`@-` assignee change
///   (note taken from the command), `>status` status change, `!high`
///   priority change from normal.
fn expected(cell: &str, from: TicketState, cmd: &Command) -> Result<Vec<Event>, String> {
    match cell {
        "no" => {
            let action = cmd.action().ok_or("messages are never refused")?;
            return Err(format!("no:{}", action.as_str()));
        }
        "dup" => return Err("dup".into()),
        "ok" => return Ok(vec![]),
        _ => {}
    }
    let note = match cmd {
        Command::Assign { note, .. } => note.clone(),
        _ => None,
    };
    cell.split(' ')
        .map(|tok| {
            if let Some(who) = tok.strip_prefix('@') {
                let to = match who {
                    "A" => Some(A),
                    "B" => Some(B),
                    "-" => None,
                    other => return Err(format!("bad assignee {other}")),
                };
                Ok(Event::AssigneeChanged {
                    from: from.assignee,
                    to,
                    note: note.clone(),
                })
            } else if let Some(st) = tok.strip_prefix('>') {
                Ok(Event::StatusChanged {
                    from: from.status,
                    to: st.parse().map_err(|e| format!("{e}"))?,
                })
            } else if let Some(p) = tok.strip_prefix('!') {
                Ok(Event::PriorityChanged {
                    from: from.priority,
                    to: p.parse().map_err(|e| format!("{e}"))?,
                })
            } else {
                Err(format!("bad token {tok}"))
            }
        })
        .collect()
}

/// Normalizes an actual result into the same shape as [`expected`].
fn actual(from: TicketState, cmd: &Command) -> Result<Vec<Event>, String> {
    match from.apply(cmd) {
        Ok(events) => Ok(events),
        Err(TransitionError::NotAllowed {
            from: f,
            action,
            allowed,
        }) => {
            assert_eq!(f, from.status);
            assert_eq!(Some(action), cmd.action());
            assert_eq!(allowed, from.allowed_actions());
            Err(format!("no:{}", action.as_str()))
        }
        Err(TransitionError::AlreadyAssigned(who)) => {
            assert_eq!(Some(who), from.assignee);
            Err("dup".into())
        }
    }
}

#[test]
fn every_status_assignee_command_combination() {
    use Status::*;
    // Columns: claim A | claim B | assign A | assign B (note) | unassign |
    // agent B replied | customer replied | pending | resolve by B |
    // close (user) | close (system) | reopen | priority high | priority normal
    #[rustfmt::skip]
    let table: &[(Status, Option<UserId>, [&str; 14])] = &[
        (Open, None, ["@A >assigned", "@B >assigned", "@A >assigned", "@B >assigned", "no",
            "@B >in_progress", "ok", "no", "@B >resolved", "no", "no", "no", "!high", "ok"]),
        // Not reachable from a new ticket; rules still apply literally.
        (Open, Some(A), ["dup", "@B >assigned", "dup", "@B >assigned", "no",
            ">in_progress", "ok", "no", ">resolved", "no", "no", "no", "!high", "ok"]),
        // Not reachable; a reassignment/unassign brings it back in line.
        (Assigned, None, ["@A", "@B", "@A", "@B", ">open",
            "@B >in_progress", "ok", "no", "@B >resolved", "no", "no", "no", "!high", "ok"]),
        (Assigned, Some(A), ["dup", "@B", "dup", "@B", "@- >open",
            ">in_progress", "ok", "no", ">resolved", "no", "no", "no", "!high", "ok"]),
        // Not reachable.
        (InProgress, None, ["@A", "@B", "@A", "@B", "no",
            "ok", "ok", ">pending", "@B >resolved", "no", "no", "no", "!high", "ok"]),
        (InProgress, Some(A), ["dup", "@B", "dup", "@B", "no",
            "ok", "ok", ">pending", ">resolved", "no", "no", "no", "!high", "ok"]),
        // Not reachable.
        (Pending, None, ["@A", "@B", "@A", "@B", "no",
            "ok", ">in_progress", "no", "@B >resolved", "no", "no", "no", "!high", "ok"]),
        (Pending, Some(A), ["dup", "@B", "dup", "@B", "no",
            "ok", ">in_progress", "no", ">resolved", "no", "no", "no", "!high", "ok"]),
        (Resolved, None, ["no", "no", "no", "no", "no",
            "ok", ">open", "no", "no", ">closed", ">closed", ">open", "!high", "ok"]),
        (Resolved, Some(A), ["no", "no", "no", "no", "no",
            "ok", ">in_progress", "no", "no", ">closed", ">closed", ">in_progress", "!high", "ok"]),
        (Closed, None, ["no", "no", "no", "no", "no",
            "ok", "ok", "no", "no", "no", "no", ">open", "no", "no"]),
        (Closed, Some(A), ["no", "no", "no", "no", "no",
            "ok", "ok", "no", "no", "no", "no", ">assigned", "no", "no"]),
    ];

    let cols = columns();
    let mut covered = 0;
    for status in Status::ALL {
        for assignee in [None, Some(A)] {
            let row = table
                .iter()
                .find(|(s, a, _)| *s == status && *a == assignee)
                .map(|(_, _, cells)| cells);
            let Some(cells) = row else {
                panic!("table lacks a row for {status:?} / {assignee:?}");
            };
            let from = state(status, assignee);
            for (cell, cmd) in cells.iter().zip(&cols) {
                assert_eq!(
                    actual(from, cmd),
                    expected(cell, from, cmd),
                    "{status:?} / assignee {assignee:?} / {cmd:?}"
                );
                covered += 1;
            }
        }
    }
    assert_eq!(covered, Status::ALL.len() * 2 * cols.len());
}

#[test]
fn reassign_keeps_status_and_carries_note() {
    for status in [Status::Assigned, Status::InProgress, Status::Pending] {
        let from = state(status, Some(A));
        let cmd = Command::Assign {
            to: B,
            by: A,
            note: handover(),
        };
        let events = from.apply(&cmd);
        assert_eq!(
            events,
            Ok(vec![Event::AssigneeChanged {
                from: Some(A),
                to: Some(B),
                note: handover(),
            }])
        );
        let next = from.evolve(&events.unwrap_or_default());
        assert_eq!(next.status, status);
        assert_eq!(next.assignee, Some(B));
    }
}

#[test]
fn claim_on_open_assigns_claimer_assignee_event_first() {
    let events = TicketState::new().apply(&Command::Claim { by: B });
    assert_eq!(
        events,
        Ok(vec![
            Event::AssigneeChanged {
                from: None,
                to: Some(B),
                note: None
            },
            Event::StatusChanged {
                from: Status::Open,
                to: Status::Assigned
            },
        ])
    );
}

#[test]
fn resolve_of_unassigned_ticket_assigns_the_resolver() {
    let from = TicketState::new();
    let events = from.apply(&Command::Resolve { by: B }).unwrap_or_default();
    let next = from.evolve(&events);
    assert_eq!(next.status, Status::Resolved);
    assert_eq!(next.assignee, Some(B));

    // With an assignee, the resolver doesn't take it over.
    let from = state(Status::InProgress, Some(A));
    let events = from.apply(&Command::Resolve { by: B }).unwrap_or_default();
    assert_eq!(from.evolve(&events).assignee, Some(A));
}

#[test]
fn reopen_branches() {
    let cases = [
        (Status::Resolved, Some(A), Status::InProgress),
        (Status::Resolved, None, Status::Open),
        (Status::Closed, Some(A), Status::Assigned),
        (Status::Closed, None, Status::Open),
    ];
    for (status, assignee, to) in cases {
        let from = state(status, assignee);
        let events = from.apply(&Command::Reopen { by: B });
        assert_eq!(
            events,
            Ok(vec![Event::StatusChanged { from: status, to }]),
            "{status:?} {assignee:?}"
        );
        // Reopening never changes who owns the ticket.
        assert_eq!(from.evolve(&events.unwrap_or_default()).assignee, assignee);
    }
}

#[test]
fn agent_reply_keeps_existing_assignee() {
    let from = state(Status::Assigned, Some(A));
    let events = from.apply(&Command::AgentReplied { by: B });
    assert_eq!(
        events,
        Ok(vec![Event::StatusChanged {
            from: Status::Assigned,
            to: Status::InProgress
        }])
    );
}

/// A refusal carries what its answer needs: the status met and the actions allowed instead
/// (the words are the adapters'). Its `Display` is only a terse line for logs.
#[test]
fn refusals_carry_what_is_allowed_instead() {
    let closed = state(Status::Closed, Some(A));
    let err = closed.apply(&Command::Resolve { by: A }).err();
    assert_eq!(
        err,
        Some(TransitionError::NotAllowed {
            from: Status::Closed,
            action: Action::Resolve,
            allowed: vec![Action::Reopen],
        })
    );
    assert_eq!(
        err.map(|e| e.to_string()).as_deref(),
        Some("resolve not allowed from status closed")
    );

    let open = TicketState::new();
    let err = open.apply(&Command::MarkPending { by: A }).err();
    assert_eq!(
        err,
        Some(TransitionError::NotAllowed {
            from: Status::Open,
            action: Action::MarkPending,
            allowed: vec![
                Action::Claim,
                Action::Assign,
                Action::Resolve,
                Action::SetPriority
            ],
        })
    );

    let err = state(Status::Assigned, Some(A))
        .apply(&Command::Claim { by: A })
        .err();
    assert_eq!(err, Some(TransitionError::AlreadyAssigned(A)));
    assert_eq!(
        err.map(|e| e.to_string()).as_deref(),
        Some("already assigned to user 1")
    );
}

#[test]
fn status_and_priority_strings() {
    for s in Status::ALL {
        assert_eq!(s.as_str().parse(), Ok(s));
        assert_eq!(s.to_string().parse(), Ok(s));
        assert_eq!(s.as_str().to_uppercase().parse(), Ok(s));
    }
    assert_eq!(Status::InProgress.to_string(), "in progress");
    assert_eq!(Status::InProgress.as_str(), "in_progress");
    assert!("done".parse::<Status>().is_err());
    assert!("".parse::<Status>().is_err());

    for p in Priority::ALL {
        assert_eq!(p.as_str().parse(), Ok(p));
        assert_eq!(p.to_string().to_uppercase().parse(), Ok(p));
    }
    assert_eq!("HiGh".parse(), Ok(Priority::High));
    assert!("critical".parse::<Priority>().is_err());
    assert_eq!(Priority::default(), Priority::Normal);
    assert!(Priority::Low < Priority::Urgent);

    let names: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
    assert_eq!(
        names,
        ["claim", "assign", "unassign", "pending", "resolve", "close", "reopen", "priority"]
    );
}

#[test]
fn serde_forms_match_as_str() -> Result<(), serde::de::value::Error> {
    use serde::de::IntoDeserializer;
    for s in Status::ALL {
        let back = Status::deserialize(s.as_str().into_deserializer())?;
        assert_eq!(back, s);
    }
    for p in Priority::ALL {
        let back = Priority::deserialize(p.as_str().into_deserializer())?;
        assert_eq!(back, p);
    }
    Ok(())
}

/// Every command an agent could issue from `from` for `action`, with
/// actors chosen so at least one is not the current holder.
fn commands_for(action: Action) -> Vec<Command> {
    let people = [A, B, UserId(3)];
    match action {
        Action::Claim => people.iter().map(|&by| Command::Claim { by }).collect(),
        Action::Assign => people
            .iter()
            .map(|&to| Command::Assign {
                to,
                by: A,
                note: None,
            })
            .collect(),
        Action::Unassign => vec![Command::Unassign { by: A }],
        Action::MarkPending => vec![Command::MarkPending { by: A }],
        Action::Resolve => vec![Command::Resolve { by: A }],
        Action::Close => vec![
            Command::Close { by: Actor::User(A) },
            Command::Close { by: Actor::System },
        ],
        Action::Reopen => vec![Command::Reopen { by: A }],
        Action::SetPriority => Priority::ALL
            .into_iter()
            .map(|to| Command::SetPriority { to, by: A })
            .collect(),
    }
}

#[test]
fn allowed_actions_is_consistent_with_apply() {
    for status in Status::ALL {
        for assignee in [None, Some(A), Some(B)] {
            for priority in Priority::ALL {
                let from = TicketState {
                    status,
                    assignee,
                    priority,
                };
                let allowed = from.allowed_actions();
                assert_eq!(allowed, allowed_actions(&from));
                assert!(!allowed.is_empty(), "{from:?} is a dead end");
                for action in Action::ALL {
                    let cmds = commands_for(action);
                    for cmd in &cmds {
                        assert_eq!(cmd.action(), Some(action));
                        let refused =
                            matches!(from.apply(cmd), Err(TransitionError::NotAllowed { .. }));
                        assert_eq!(refused, !allowed.contains(&action), "{from:?} {cmd:?}");
                    }
                    if allowed.contains(&action) {
                        // "Allowed" means it really can succeed for someone.
                        assert!(
                            cmds.iter().any(|c| from.apply(c).is_ok()),
                            "{from:?}: {action:?} listed but never succeeds"
                        );
                    }
                }
                for cmd in [Command::AgentReplied { by: B }, Command::CustomerReplied] {
                    assert!(from.apply(&cmd).is_ok(), "messages are never refused");
                }
            }
        }
    }
}

/// The status edges of the transition table in the module docs.
fn legal_edge(from: Status, to: Status) -> bool {
    use Status::*;
    matches!(
        (from, to),
        (Open, Assigned)
            | (Assigned, Open)
            | (Open | Assigned, InProgress)
            | (InProgress, Pending)
            | (Pending, InProgress)
            | (Open | Assigned | InProgress | Pending, Resolved)
            | (Resolved, InProgress | Open | Closed)
            | (Closed, Assigned | Open)
            // Release: the assignee left the workspace.
            | (InProgress | Pending, Open)
    )
}

fn actor() -> impl Strategy<Value = UserId> {
    (1_i64..=3).prop_map(UserId)
}

fn priority() -> impl Strategy<Value = Priority> {
    prop::sample::select(Priority::ALL.to_vec())
}

fn command() -> impl Strategy<Value = Command> {
    prop_oneof![
        actor().prop_map(|by| Command::Claim { by }),
        (actor(), actor(), prop::option::of("[a-z]{0,8}"))
            .prop_map(|(to, by, note)| Command::Assign { to, by, note }),
        actor().prop_map(|by| Command::Unassign { by }),
        actor().prop_map(|by| Command::AgentReplied { by }),
        Just(Command::CustomerReplied),
        actor().prop_map(|by| Command::MarkPending { by }),
        actor().prop_map(|by| Command::Resolve { by }),
        prop_oneof![actor().prop_map(Actor::User), Just(Actor::System)]
            .prop_map(|by| Command::Close { by }),
        actor().prop_map(|by| Command::Reopen { by }),
        (priority(), actor()).prop_map(|(to, by)| Command::SetPriority { to, by }),
        Just(Command::Release { by: Actor::System }),
    ]
}

fn check_invariants(s: &TicketState) -> Result<(), TestCaseError> {
    match s.status {
        Status::Open => prop_assert!(s.assignee.is_none(), "open with assignee: {s:?}"),
        Status::Assigned | Status::InProgress | Status::Pending => {
            prop_assert!(s.assignee.is_some(), "{s:?} without assignee")
        }
        Status::Resolved | Status::Closed => {}
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_histories_only_visit_legal_states(cmds in prop::collection::vec(command(), 0..60)) {
        let mut s = TicketState::new();
        check_invariants(&s)?;
        for cmd in &cmds {
            match s.apply(cmd) {
                Ok(events) => {
                    // Events describe real changes, from the current
                    // values, assignee before status, at most one each.
                    let mut cursor = s;
                    let mut seen_status = false;
                    let mut seen_assignee = false;
                    for event in &events {
                        match event {
                            Event::StatusChanged { from, to } => {
                                prop_assert!(!seen_status);
                                seen_status = true;
                                prop_assert_eq!(*from, cursor.status);
                                prop_assert!(legal_edge(*from, *to), "illegal edge {:?} -> {:?} via {:?}", from, to, cmd);
                            }
                            Event::AssigneeChanged { from, to, .. } => {
                                prop_assert!(!seen_assignee && !seen_status, "assignee event out of order");
                                seen_assignee = true;
                                prop_assert_eq!(*from, cursor.assignee);
                                prop_assert_ne!(from, to);
                            }
                            Event::PriorityChanged { from, to } => {
                                prop_assert_eq!(*from, cursor.priority);
                                prop_assert_ne!(from, to);
                                prop_assert!(matches!(cmd, Command::SetPriority { .. }), "priority changed by {:?}", cmd);
                            }
                        }
                        cursor = cursor.evolve(std::slice::from_ref(event));
                    }
                    let next = s.evolve(&events);
                    // Folding all at once == folding one by one.
                    prop_assert_eq!(next, cursor);
                    check_invariants(&next)?;
                    if events.is_empty() {
                        prop_assert_eq!(next, s);
                    }
                    s = next;
                }
                Err(err) => {
                    // A refusal changes nothing: the caller keeps `s`,
                    // and retrying gives the same answer.
                    prop_assert_eq!(s.apply(cmd), Err(err.clone()));
                    if let TransitionError::NotAllowed { from, allowed, .. } = &err {
                        prop_assert_eq!(*from, s.status);
                        prop_assert_eq!(allowed, &s.allowed_actions());
                    }
                    check_invariants(&s)?;
                }
            }
        }
    }
}

#[cfg(test)]
mod release_tests;
