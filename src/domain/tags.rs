//! The pure side of managing tags: the filters `/queue tag:vip` and `/mytickets tag:vip` read
//! ([`parse_filter`]), and the stable handle a button carries to name a tag ([`handle`]): tag
//! names may be 32 letters of any alphabet, more than callback data holds.
//!
//! Tag names themselves are read by [`normalize_tag`](crate::domain::escalation::normalize_tag),
//! as `/tag` and the escalation rules read them.

use serde::{Deserialize, Serialize};

use crate::domain::escalation::normalize_tag;

/// At most this many terms in one filter.
pub const MAX_FILTER_TERMS: usize = 5;

/// One term of a ticket filter: tickets carrying a tag, or whose customer carries one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "on", content = "tag", rename_all = "snake_case")]
pub enum TagFilter {
    Ticket(String),
    Customer(String),
}

impl TagFilter {
    pub fn tag(&self) -> &str {
        match self {
            TagFilter::Ticket(t) | TagFilter::Customer(t) => t,
        }
    }
}

/// Reads the argument of `/queue` or `/mytickets`: nothing (no filter), or up to
/// [`MAX_FILTER_TERMS`] terms `tag:<tag>` / `customer_tag:<tag>`, all of which a ticket must
/// match. `None` when anything else is typed.
pub fn parse_filter(args: &str) -> Option<Vec<TagFilter>> {
    let mut out: Vec<TagFilter> = Vec::new();
    for term in args.split_whitespace() {
        if out.len() == MAX_FILTER_TERMS {
            return None;
        }
        let (name, value) = term.split_once(':')?;
        let tag = normalize_tag(value)?;
        let f = match name.to_lowercase().as_str() {
            "tag" => TagFilter::Ticket(tag),
            "customer_tag" | "customer-tag" | "ctag" => TagFilter::Customer(tag),
            _ => return None,
        };
        if !out.contains(&f) {
            out.push(f);
        }
    }
    Some(out)
}

/// The handle of a tag name that buttons and prompts carry: a stable 64-bit hash (FNV-1a), so
/// a button keeps naming its tag however the tag's rows change. Looked up only among the names
/// of the presser's own workspace.
pub fn handle(name: &str) -> i64 {
    crate::domain::fields::fnv1a(name.as_bytes()) as i64
}

/// Why a typed tag name is refused on the Tags screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum TagProblem {
    /// Not 1 to 32 letters, digits, `-` and `_`.
    BadName { typed: String },
    /// Merging into a tag that no ticket or customer carries.
    Unknown { tag: String },
    /// Merging a tag into itself.
    Same,
}

/// Reads a tag name typed at a prompt.
pub fn parse_name(typed: &str) -> Result<String, TagProblem> {
    normalize_tag(typed).ok_or_else(|| TagProblem::BadName {
        typed: typed.trim().chars().take(40).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_read_tag_and_customer_tag_terms() {
        assert_eq!(parse_filter(""), Some(vec![]));
        assert_eq!(parse_filter("  "), Some(vec![]));
        assert_eq!(
            parse_filter("tag:VIP customer_tag:#churn tag:vip"),
            Some(vec![
                TagFilter::Ticket("vip".into()),
                TagFilter::Customer("churn".into())
            ])
        );
        for bad in [
            "vip",
            "tag:",
            "tag:a.b",
            "status:open",
            "tag:vip extra",
            ":vip",
        ] {
            assert_eq!(parse_filter(bad), None, "{bad}");
        }
        let many: Vec<String> = (0..=MAX_FILTER_TERMS)
            .map(|i| format!("tag:t{i}"))
            .collect();
        assert_eq!(parse_filter(&many.join(" ")), None);
        assert_eq!(
            parse_filter(&many[1..].join(" ")).map(|f| f.len()),
            Some(MAX_FILTER_TERMS)
        );
    }

    #[test]
    fn handles_are_stable_and_distinct() {
        // Frozen: buttons already in chats carry these.
        assert_eq!(handle(""), 0xcbf2_9ce4_8422_2325_u64 as i64);
        assert_ne!(handle("vip"), handle("vip2"));
        assert_eq!(handle("vip"), handle("vip"));
    }

    #[test]
    fn typed_names_are_normalized_or_refused() {
        assert_eq!(parse_name(" #VIP "), Ok("vip".into()));
        assert_eq!(
            parse_name("a b"),
            Err(TagProblem::BadName {
                typed: "a b".into()
            })
        );
    }

    proptest::proptest! {
        #[test]
        fn any_filter_is_read_within_bounds_or_refused(args in proptest::arbitrary::any::<String>()) {
            if let Some(f) = parse_filter(&args) {
                proptest::prop_assert!(f.len() <= MAX_FILTER_TERMS);
            }
        }
    }
}
