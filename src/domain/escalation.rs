//! Escalation rules (SPEC §9): "when this happens to a ticket, do that". Rules are typed here and
//! written by admins as one line of text (`resolution_breach -> mention_admins`), so the parser and
//! the matcher are pure and tested; the app layer stores the parts and performs the actions.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::ticket::Priority;

/// What sets a rule off.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Trigger {
    FirstResponseBreach,
    ResolutionBreach,
    /// The ticket has waited this many minutes without an assignee.
    Unassigned(u32),
    /// The ticket's priority became this one.
    Priority(Priority),
    /// The ticket got this tag.
    Tag(String),
    /// The ticket's customer has (or got) this tag.
    CustomerTag(String),
    /// An agent ran `/escalate`.
    Manual,
}

/// What a rule does.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Action {
    /// A post in the staff chat.
    Post,
    /// A post in the staff chat naming every Admin and the Owner.
    MentionAdmins,
    /// Give the ticket to an available agent with this skill (through routing).
    ReassignSkill(String),
    /// Give the ticket to this person (`@username` or a numeric id, resolved when it runs).
    ReassignAgent(String),
    /// One step up (low → normal → high → urgent).
    RaisePriority,
    /// Escalation level + 1.
    RaiseLevel,
}

/// One rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Rule {
    pub trigger: Trigger,
    pub action: Action,
}

/// Something that happened to a ticket, to match against triggers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Happened<'a> {
    FirstResponseBreach,
    ResolutionBreach,
    /// Waiting without an assignee, for more than `after` and at most `upto` minutes: rules with
    /// a threshold in `(after, upto]` fire, so each threshold fires once per wait.
    Unassigned {
        after: u32,
        upto: u32,
    },
    PriorityBecame(Priority),
    /// A tag was added to the ticket.
    Tagged(&'a str),
    /// The customer has this tag: added now, or present when their ticket was created.
    CustomerTagged(&'a str),
    Manual,
}

impl Trigger {
    /// Whether this trigger fires on `h`.
    pub fn matches(&self, h: Happened) -> bool {
        match (self, h) {
            (Trigger::FirstResponseBreach, Happened::FirstResponseBreach)
            | (Trigger::ResolutionBreach, Happened::ResolutionBreach)
            | (Trigger::Manual, Happened::Manual) => true,
            (Trigger::Unassigned(n), Happened::Unassigned { after, upto }) => {
                *n > after && *n <= upto
            }
            (Trigger::Priority(p), Happened::PriorityBecame(q)) => *p == q,
            (Trigger::Tag(t), Happened::Tagged(u))
            | (Trigger::CustomerTag(t), Happened::CustomerTagged(u)) => t == u,
            _ => false,
        }
    }

    /// The stored form: (kind, argument).
    pub fn parts(&self) -> (&'static str, Option<String>) {
        match self {
            Trigger::FirstResponseBreach => ("first_response_breach", None),
            Trigger::ResolutionBreach => ("resolution_breach", None),
            Trigger::Unassigned(n) => ("unassigned", Some(n.to_string())),
            Trigger::Priority(p) => ("priority", Some(p.as_str().to_owned())),
            Trigger::Tag(t) => ("tag", Some(t.clone())),
            Trigger::CustomerTag(t) => ("customer_tag", Some(t.clone())),
            Trigger::Manual => ("manual", None),
        }
    }
}

impl Action {
    pub fn parts(&self) -> (&'static str, Option<String>) {
        match self {
            Action::Post => ("post", None),
            Action::MentionAdmins => ("mention_admins", None),
            Action::ReassignSkill(s) => ("reassign_skill", Some(s.clone())),
            Action::ReassignAgent(a) => ("reassign_agent", Some(a.clone())),
            Action::RaisePriority => ("raise_priority", None),
            Action::RaiseLevel => ("raise_level", None),
        }
    }
}

/// The smallest `Unassigned` threshold above `after` among `rules`, for arming the next timer.
pub fn next_unassigned_threshold(rules: &[Rule], after: u32) -> Option<u32> {
    rules
        .iter()
        .filter_map(|r| match r.trigger {
            Trigger::Unassigned(n) if n > after => Some(n),
            _ => None,
        })
        .min()
}

/// A tag as stored: lower case, without `#`, letters, digits, `_` and `-`, 1 to 32 characters.
pub fn normalize_tag(s: &str) -> Option<String> {
    let t = s.trim().trim_start_matches('#').to_lowercase();
    let ok = !t.is_empty()
        && t.chars().count() <= 32
        && t.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    ok.then_some(t)
}

/// The longest wait an `unassigned <minutes>` trigger may name: a year.
pub const MAX_UNASSIGNED_MINUTES: u32 = 525_600;

/// Why a typed rule is refused: the first thing wrong, with the words at fault as typed (the
/// trigger lowercased). Travels inside the notice that asks for another try.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum RuleProblem {
    /// No `->` between the trigger and the action.
    NoArrow,
    /// `unassigned <typed>`, and `typed` is not a number of minutes from 1 to `max`.
    NotMinutes {
        typed: String,
        max: u32,
    },
    /// `priority <typed>`, and `typed` is not a priority.
    NotAPriority {
        typed: String,
    },
    /// `tag <typed>` or `customer_tag <typed>`, and `typed` is not a tag.
    NotATag {
        typed: String,
    },
    UnknownTrigger {
        typed: String,
    },
    /// `reassign agent` with an empty or overlong name.
    NoAgentName,
    UnknownAction {
        typed: String,
    },
}

/// Reads a rule from its stored parts; `None` for parts this version does not know.
pub fn from_parts(
    trigger: &str,
    trigger_arg: Option<&str>,
    action: &str,
    action_arg: Option<&str>,
) -> Option<Rule> {
    let trigger = match trigger_arg {
        Some(a) => format!("{trigger} {a}"),
        None => trigger.to_owned(),
    };
    let action = match (action, action_arg) {
        ("reassign_skill", Some(a)) => format!("reassign skill {a}"),
        ("reassign_agent", Some(a)) => format!("reassign agent {a}"),
        (other, _) => other.to_owned(),
    };
    parse_rule(&format!("{trigger} -> {action}")).ok()
}

/// Parses `<trigger> -> <action>`.
pub fn parse_rule(text: &str) -> Result<Rule, RuleProblem> {
    let typed = |s: &str| s.to_owned();
    let Some((t, a)) = text.split_once("->") else {
        return Err(RuleProblem::NoArrow);
    };
    let t: Vec<String> = t.split_whitespace().map(str::to_lowercase).collect();
    let a: Vec<String> = a.split_whitespace().map(|s| s.to_owned()).collect();
    let trigger = match t.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["first_response_breach"] => Trigger::FirstResponseBreach,
        ["resolution_breach"] => Trigger::ResolutionBreach,
        ["manual"] => Trigger::Manual,
        ["unassigned", n] => match n.parse::<u32>() {
            Ok(n) if (1..=MAX_UNASSIGNED_MINUTES).contains(&n) => Trigger::Unassigned(n),
            _ => {
                return Err(RuleProblem::NotMinutes {
                    typed: typed(n),
                    max: MAX_UNASSIGNED_MINUTES,
                })
            }
        },
        ["priority", p] => match p.parse::<Priority>() {
            Ok(p) => Trigger::Priority(p),
            Err(_) => return Err(RuleProblem::NotAPriority { typed: typed(p) }),
        },
        ["tag", t] => match normalize_tag(t) {
            Some(t) => Trigger::Tag(t),
            None => return Err(RuleProblem::NotATag { typed: typed(t) }),
        },
        ["customer_tag", t] => match normalize_tag(t) {
            Some(t) => Trigger::CustomerTag(t),
            None => return Err(RuleProblem::NotATag { typed: typed(t) }),
        },
        _ => return Err(RuleProblem::UnknownTrigger { typed: t.join(" ") }),
    };
    let lower: Vec<String> = a.iter().map(|s| s.to_lowercase()).collect();
    let action = match lower
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["post"] => Action::Post,
        ["mention_admins"] => Action::MentionAdmins,
        ["raise_priority"] => Action::RaisePriority,
        ["raise_level"] => Action::RaiseLevel,
        ["reassign", "skill", s] => {
            let s: String = s.chars().take(32).collect();
            Action::ReassignSkill(s)
        }
        ["reassign", "agent", _] => {
            let who = a.get(2).cloned().unwrap_or_default();
            let who = who.trim_start_matches('@').to_owned();
            if who.is_empty() || who.len() > 64 {
                return Err(RuleProblem::NoAgentName);
            }
            Action::ReassignAgent(who)
        }
        _ => return Err(RuleProblem::UnknownAction { typed: a.join(" ") }),
    };
    Ok(Rule { trigger, action })
}

/// The same text form `parse_rule` reads.
impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.trigger {
            Trigger::FirstResponseBreach => f.write_str("first_response_breach")?,
            Trigger::ResolutionBreach => f.write_str("resolution_breach")?,
            Trigger::Unassigned(n) => write!(f, "unassigned {n}")?,
            Trigger::Priority(p) => write!(f, "priority {}", p.as_str())?,
            Trigger::Tag(t) => write!(f, "tag {t}")?,
            Trigger::CustomerTag(t) => write!(f, "customer_tag {t}")?,
            Trigger::Manual => f.write_str("manual")?,
        }
        f.write_str(" -> ")?;
        match &self.action {
            Action::Post => f.write_str("post"),
            Action::MentionAdmins => f.write_str("mention_admins"),
            Action::ReassignSkill(s) => write!(f, "reassign skill {s}"),
            Action::ReassignAgent(a) => write!(f, "reassign agent @{a}"),
            Action::RaisePriority => f.write_str("raise_priority"),
            Action::RaiseLevel => f.write_str("raise_level"),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    fn rule(t: Trigger, a: Action) -> Rule {
        Rule {
            trigger: t,
            action: a,
        }
    }

    #[test]
    fn every_rule_round_trips_through_text_and_parts() {
        let rules = [
            rule(Trigger::FirstResponseBreach, Action::Post),
            rule(Trigger::ResolutionBreach, Action::MentionAdmins),
            rule(
                Trigger::Unassigned(30),
                Action::ReassignSkill("billing".into()),
            ),
            rule(
                Trigger::Priority(Priority::Urgent),
                Action::ReassignAgent("bob".into()),
            ),
            rule(Trigger::Manual, Action::RaisePriority),
            rule(Trigger::Manual, Action::RaiseLevel),
            rule(Trigger::Tag("vip".into()), Action::Post),
            rule(
                Trigger::CustomerTag("churn-risk".into()),
                Action::MentionAdmins,
            ),
        ];
        for r in rules {
            assert_eq!(parse_rule(&r.to_string()), Ok(r.clone()), "{r}");
            let (t, ta) = r.trigger.parts();
            let (a, aa) = r.action.parts();
            assert_eq!(
                from_parts(t, ta.as_deref(), a, aa.as_deref()),
                Some(r.clone()),
                "{r}"
            );
        }
    }

    #[test]
    fn parsing_is_forgiving_about_case_and_spaces_but_not_meaning() {
        assert_eq!(
            parse_rule("  Unassigned   15 ->  Reassign Skill billing "),
            Ok(rule(
                Trigger::Unassigned(15),
                Action::ReassignSkill("billing".into())
            ))
        );
        assert_eq!(
            parse_rule("priority urgent -> reassign agent @Bob"),
            Ok(rule(
                Trigger::Priority(Priority::Urgent),
                Action::ReassignAgent("Bob".into())
            ))
        );
        let typed = |s: &str| s.to_owned();
        for (bad, problem) in [
            ("resolution_breach mention_admins", RuleProblem::NoArrow),
            (
                "Late -> post",
                RuleProblem::UnknownTrigger {
                    typed: typed("late"),
                },
            ),
            (
                "unassigned -> post",
                RuleProblem::UnknownTrigger {
                    typed: typed("unassigned"),
                },
            ),
            (
                "unassigned 0 -> post",
                RuleProblem::NotMinutes {
                    typed: typed("0"),
                    max: MAX_UNASSIGNED_MINUTES,
                },
            ),
            (
                "priority soon -> post",
                RuleProblem::NotAPriority {
                    typed: typed("soon"),
                },
            ),
            (
                "manual -> Dance now",
                RuleProblem::UnknownAction {
                    typed: typed("Dance now"),
                },
            ),
            (
                "tag v.i.p -> post",
                RuleProblem::NotATag {
                    typed: typed("v.i.p"),
                },
            ),
            (
                "customer_tag -> post",
                RuleProblem::UnknownTrigger {
                    typed: typed("customer_tag"),
                },
            ),
            ("manual -> reassign agent @", RuleProblem::NoAgentName),
        ] {
            assert_eq!(parse_rule(bad), Err(problem), "{bad}");
        }
    }

    #[test]
    fn unassigned_thresholds_fire_once_per_wait() {
        let t = Trigger::Unassigned(30);
        assert!(!t.matches(Happened::Unassigned { after: 0, upto: 29 }));
        assert!(t.matches(Happened::Unassigned { after: 0, upto: 30 }));
        assert!(t.matches(Happened::Unassigned {
            after: 15,
            upto: 45
        }));
        assert!(!t.matches(Happened::Unassigned {
            after: 30,
            upto: 90
        }));
        let rules = [
            rule(Trigger::Unassigned(60), Action::Post),
            rule(Trigger::Unassigned(15), Action::Post),
            rule(Trigger::Manual, Action::Post),
        ];
        assert_eq!(next_unassigned_threshold(&rules, 0), Some(15));
        assert_eq!(next_unassigned_threshold(&rules, 15), Some(60));
        assert_eq!(next_unassigned_threshold(&rules, 60), None);
    }

    #[test]
    fn triggers_match_only_their_event() {
        assert!(Trigger::Priority(Priority::High).matches(Happened::PriorityBecame(Priority::High)));
        assert!(
            !Trigger::Priority(Priority::High).matches(Happened::PriorityBecame(Priority::Urgent))
        );
        assert!(Trigger::Manual.matches(Happened::Manual));
        assert!(!Trigger::Manual.matches(Happened::ResolutionBreach));
        assert!(Trigger::FirstResponseBreach.matches(Happened::FirstResponseBreach));
        assert!(Trigger::Tag("vip".into()).matches(Happened::Tagged("vip")));
        assert!(!Trigger::Tag("vip".into()).matches(Happened::CustomerTagged("vip")));
        assert!(Trigger::CustomerTag("vip".into()).matches(Happened::CustomerTagged("vip")));
        assert!(!Trigger::CustomerTag("vip".into()).matches(Happened::CustomerTagged("vips")));
        assert_eq!(normalize_tag(" #VIP "), Some("vip".into()));
        assert_eq!(normalize_tag("a b"), None);
        assert!(!Trigger::FirstResponseBreach.matches(Happened::ResolutionBreach));
    }

    /// Arbitrary text, and arbitrary bytes read as text the way Telegram would hand them on.
    fn typed() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            any::<String>(),
            proptest::collection::vec(any::<u8>(), 0..600)
                .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
            "(first_response_breach|unassigned|priority|tag|customer_tag|manual)? ?[0-9a-z@#_ -]{0,20} ?(->)? ?(post|mention_admins|reassign|raise_priority|raise_level)? ?(skill|agent)? ?[@0-9a-z_-]{0,20}",
        ]
    }

    proptest::proptest! {
        #[test]
        fn any_rule_text_is_read_or_refused_and_what_is_read_reads_back(text in typed()) {
            if let Ok(rule) = parse_rule(&text) {
                proptest::prop_assert_eq!(parse_rule(&rule.to_string()), Ok(rule.clone()));
                let (t, ta) = rule.trigger.parts();
                let (a, aa) = rule.action.parts();
                proptest::prop_assert_eq!(from_parts(t, ta.as_deref(), a, aa.as_deref()), Some(rule));
            }
            if let Some(tag) = normalize_tag(&text) {
                proptest::prop_assert!(tag.chars().count() <= 32);
            }
        }
    }
}
