//! `/tag +vip -billing` (the ticket's tags) and `/tag customer +vip` (its customer's tags): a
//! small, workspace-scoped tag set that escalation rules trigger on ("tag vip", "customer_tag
//! vip").

use super::effects::Notice;
use super::work::access::{begin, take_out_of_group};
use super::work::{AppResult, Caller, Ctx, Origin};
use crate::domain::escalation::{normalize_tag, Happened};
use crate::domain::ids::UserId;
use crate::domain::ticket::Actor;
use crate::store::{self, audit::Entry, tags::On};

/// What `/tag` asks: which subject, and the tags to add (`true`) or remove.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagRequest {
    pub customer: bool,
    pub changes: Vec<(String, bool)>,
}

/// Tags one `/tag` may add or remove: each sets off the escalation rules, so one message must
/// not be able to ask for thousands.
pub const MAX_TAGS_PER_COMMAND: usize = 20;

/// Reads `+vip -billing`, `vip`, `customer +vip`; `None` if nothing valid was asked, or more
/// than [`MAX_TAGS_PER_COMMAND`] tags.
pub fn parse(args: &str) -> Option<TagRequest> {
    let mut words = args.split_whitespace().peekable();
    let customer = words
        .peek()
        .is_some_and(|w| w.eq_ignore_ascii_case("customer"));
    if customer {
        words.next();
    }
    let mut changes = Vec::new();
    for w in words {
        if changes.len() == MAX_TAGS_PER_COMMAND {
            return None;
        }
        let (add, name) = match w.strip_prefix('-') {
            Some(rest) => (false, rest),
            None => (true, w.strip_prefix('+').unwrap_or(w)),
        };
        changes.push((normalize_tag(name)?, add));
    }
    (!changes.is_empty()).then_some(TagRequest { customer, changes })
}

/// `/tag …` in a ticket's topic.
pub async fn tag(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    chat: i64,
    thread: i32,
    message_id: i32,
    args: &str,
) -> AppResult<()> {
    let Some(mut w) = begin(ctx, origin, caller).await? else {
        return Ok(());
    };
    // Tags are for staff: the command does not stay in the customer's topic.
    take_out_of_group(&mut w, caller, chat, message_id).await?;
    let Some((t, ws)) = super::lifecycle::agent_ticket(&mut w, caller, chat, thread).await? else {
        return w.commit().await;
    };
    let Some(req) = parse(args) else {
        w.reply(caller, Notice::TagUsage).await?;
        return w.commit().await;
    };
    let on = if req.customer {
        On::Customer(t.customer_id)
    } else {
        On::Ticket(t.id)
    };
    let old = store::tags::of(&w.tx, ws.id, on).await?;
    let mut added = Vec::new();
    for (name, add) in &req.changes {
        if *add {
            if store::tags::add(&w.tx, ws.id, on, name, w.now).await? {
                added.push(name.clone());
            }
        } else {
            store::tags::remove(&w.tx, ws.id, on, name).await?;
        }
    }
    let new = store::tags::of(&w.tx, ws.id, on).await?;
    if old != new {
        w.audit(Entry {
            workspace_id: ws.id,
            ticket_id: Some(t.id),
            actor: Actor::User(UserId(caller.profile.id)),
            action: if req.customer {
                "customer.tags"
            } else {
                "ticket.tags"
            },
            old_value: Some(old.join(",")),
            new_value: Some(new.join(",")),
            note: req.customer.then(|| format!("customer {}", t.customer_id)),
        })
        .await?;
    }
    let number = t.number;
    let mut t = t;
    for name in &added {
        let happened = if req.customer {
            Happened::CustomerTagged(name)
        } else {
            Happened::Tagged(name)
        };
        t = super::sla::escalation::trigger(&mut w, t, happened).await?;
    }
    w.reply(
        caller,
        Notice::Tagged {
            number,
            customer: req.customer,
            tags: new,
        },
    )
    .await?;
    w.commit().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_arguments_add_remove_and_name_the_customer() {
        assert_eq!(
            parse("+VIP -billing urgent-ish"),
            Some(TagRequest {
                customer: false,
                changes: vec![
                    ("vip".into(), true),
                    ("billing".into(), false),
                    ("urgent-ish".into(), true)
                ],
            })
        );
        assert_eq!(
            parse("customer +vip"),
            Some(TagRequest {
                customer: true,
                changes: vec![("vip".into(), true)],
            })
        );
        assert_eq!(parse(""), None);
        assert_eq!(parse("customer"), None);
        assert_eq!(parse("+a.b"), None);
        let many: Vec<String> = (0..=MAX_TAGS_PER_COMMAND)
            .map(|i| format!("+t{i}"))
            .collect();
        assert_eq!(parse(&many.join(" ")), None);
        assert!(parse(&many[1..].join(" ")).is_some());
    }

    proptest::proptest! {
        #[test]
        fn any_tag_arguments_are_read_or_refused_within_bounds(args in proptest::arbitrary::any::<String>()) {
            if let Some(req) = parse(&args) {
                proptest::prop_assert!(!req.changes.is_empty());
                proptest::prop_assert!(req.changes.len() <= MAX_TAGS_PER_COMMAND);
            }
        }
    }
}
