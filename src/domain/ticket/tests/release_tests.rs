//! Tests of `Command::Release`: when an assignee leaves the workspace, the tickets they were
//! working go back to the queue and every other ticket stays as it is.

use super::*;

fn worked(status: Status) -> TicketState {
    TicketState {
        status,
        assignee: Some(UserId(7)),
        priority: Priority::High,
    }
}

#[test]
fn release_returns_worked_tickets_to_the_queue() {
    for status in [Status::Assigned, Status::InProgress, Status::Pending] {
        let s = worked(status);
        let events = s
            .apply(&Command::Release { by: Actor::System })
            .expect("never refused");
        assert_eq!(
            events,
            vec![
                Event::AssigneeChanged {
                    from: Some(UserId(7)),
                    to: None,
                    note: None
                },
                Event::StatusChanged {
                    from: status,
                    to: Status::Open
                },
            ]
        );
        let next = s.evolve(&events);
        assert_eq!(
            (next.status, next.assignee, next.priority),
            (Status::Open, None, Priority::High)
        );
    }
}

#[test]
fn release_leaves_other_tickets_alone() {
    for status in [Status::Open, Status::Resolved, Status::Closed] {
        let s = TicketState {
            status,
            assignee: None,
            priority: Priority::Normal,
        };
        assert_eq!(s.apply(&Command::Release { by: Actor::System }), Ok(vec![]));
    }
    let resolved = worked(Status::Resolved);
    assert_eq!(
        resolved.apply(&Command::Release { by: Actor::System }),
        Ok(vec![])
    );
}
