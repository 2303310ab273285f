//! Routing use cases (SPEC §5): handing waiting tickets to agents, agents' availability, the
//! queue views, the routing settings screens, and intake categories.
//!
//! Every assignment goes through the engine's drain, which runs inside the transaction of whatever made
//! room or work (a new ticket, a resolve, an agent back from away, a seat filled, a setting
//! changed): use cases call [`Work::reroute`](crate::app::Work::reroute) and routing reacts when the unit of work commits. So
//! the backlog moves on the events that free capacity, never on a polling loop, and the capacity
//! check and the assignment share one transaction under the workspace row's lock — two tickets
//! arriving together cannot both take an agent's last slot.

pub mod engine;
pub mod screens;
pub mod views;

pub use engine::{intake_timeout, pick_category, unassigned_alert};
pub use screens::{
    agents_screen, ask, intake_screen, routing_screen, AgentChange, IntakeChange, RoutingChange,
};
pub use screens::{ALERT_CHOICES, CAPACITY_CHOICES, INTAKE_TIMEOUT_CHOICES};
pub use views::{
    my_tickets, my_tickets_filtered, queue, queue_assign, queue_filtered, set_available,
};

#[cfg(test)]
mod tests {
    use super::engine::parse_skills;
    use super::screens::{parse_category, parse_keyword};
    use crate::app::effects::Invalid;
    use crate::domain::ticket::Priority;

    #[test]
    fn skills_are_lower_cased_trimmed_and_unique() {
        assert_eq!(
            parse_skills(" Billing, refunds ,billing,, "),
            vec!["billing".to_owned(), "refunds".to_owned()]
        );
        assert!(parse_skills("").is_empty());
    }

    #[test]
    fn categories_parse_with_optional_skill_and_priority() {
        assert_eq!(
            parse_category("Billing; Billing; high"),
            Ok(("Billing".into(), Some("billing".into()), Priority::High))
        );
        assert_eq!(
            parse_category("Other"),
            Ok(("Other".into(), None, Priority::Normal))
        );
        assert_eq!(parse_category(""), Err(Invalid::Category));
        assert_eq!(
            parse_category("A; b; sometimes"),
            Err(Invalid::CategoryPriority {
                typed: "sometimes".into()
            })
        );
        assert_eq!(parse_category("a;b;c;d"), Err(Invalid::Category));
    }

    #[test]
    fn keyword_rules_need_both_sides() {
        assert_eq!(
            parse_keyword("Refund = Billing"),
            Ok(("refund".into(), "billing".into()))
        );
        for bad in ["refund", "= billing", "refund ="] {
            assert_eq!(parse_keyword(bad), Err(Invalid::Keyword), "{bad}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_category_or_keyword_line_is_read_or_refused_within_bounds(
            text in proptest::prop_oneof![
                proptest::arbitrary::any::<String>(),
                "[a-zA-Z ;=,]{0,80}",
            ],
        ) {
            if let Ok((name, skill, _)) = parse_category(&text) {
                proptest::prop_assert!(!name.is_empty() && name.chars().count() <= 40);
                proptest::prop_assert!(skill.is_none_or(|s| s.chars().count() <= 32));
            }
            if let Ok((keyword, skill)) = parse_keyword(&text) {
                proptest::prop_assert!(keyword.chars().count() <= 40 && skill.chars().count() <= 32);
            }
            for skill in parse_skills(&text) {
                proptest::prop_assert!(!skill.is_empty() && skill.chars().count() <= 32);
            }
        }
    }
}
