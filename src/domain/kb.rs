//! Knowledge-base rules (SPEC §9): what an article may hold, how an Admin's typed article is
//! read, and how a person's search text becomes the terms both full-text engines are asked for.
//!
//! Search text never reaches SQL as written: it is cut into plain words (letters and digits
//! only), stop words are dropped and the count is bounded, so no FTS5 or `tsquery` syntax
//! (`"`, `*`, `NEAR`, `:`, `&`, `|`, `!`) can get through, and SQLite and PostgreSQL (whose
//! English configuration drops the same stop words) are asked the same question.

use serde::{Deserialize, Serialize};

use super::escalation::normalize_tag;

/// The longest title: it is a button label and a bold first line.
pub const MAX_TITLE_CHARS: usize = 120;
/// The longest body: title, body and link posted together fit in one Telegram message.
pub const MAX_BODY_CHARS: usize = 3_000;
/// Tags per article.
pub const MAX_TAGS: usize = 10;
/// The longest link.
pub const MAX_URL_CHARS: usize = 500;
/// Articles per workspace: the settings list pages through them, search ranks them all.
pub const MAX_ARTICLES: u64 = 2_000;
/// Characters of a search text that are read; the rest is ignored.
pub const MAX_QUERY_CHARS: usize = 300;
/// Distinct words a search asks for.
pub const MAX_TERMS: usize = 12;
/// The longest word kept (longer ones are cut).
const MAX_TERM_CHARS: usize = 40;
/// The longest bearer token kept for the external search.
pub const MAX_TOKEN_CHARS: usize = 1_000;

/// An article as an Admin wrote it, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    pub title: String,
    pub body: String,
    /// Normalized (lowercase, `a-z0-9_-`), distinct, in the order given.
    pub tags: Vec<String>,
    pub url: Option<String>,
}

/// Why a typed article or an external search setting is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum KbProblem {
    /// No title line.
    NoTitle,
    TitleTooLong {
        max: usize,
    },
    /// Nothing after the title.
    NoBody,
    BodyTooLong {
        max: usize,
    },
    /// A `url:` line that is no http(s) link (or too long).
    BadUrl,
    TooManyTags {
        max: usize,
    },
    /// A tag that is not a word (`typed` as written, cut short).
    BadTag {
        typed: String,
    },
    /// The workspace holds `max` articles already.
    TooManyArticles {
        max: u64,
    },
    /// A bearer token that is empty, too long or not printable.
    BadToken,
}

/// Reads an article typed as one message: the first line is the title, the lines after it the
/// body, and lines starting with `tags:` (comma- or space-separated) or `url:` anywhere after
/// the title set those.
pub fn parse_article(text: &str) -> Result<Article, KbProblem> {
    let mut lines = text.lines().skip_while(|l| l.trim().is_empty());
    let title = lines.next().map(str::trim).unwrap_or_default();
    if title.is_empty() {
        return Err(KbProblem::NoTitle);
    }
    if title.chars().count() > MAX_TITLE_CHARS {
        return Err(KbProblem::TitleTooLong {
            max: MAX_TITLE_CHARS,
        });
    }
    let mut body = Vec::new();
    let mut tags: Vec<String> = Vec::new();
    let mut url = None;
    for line in lines {
        if let Some(rest) = strip_label(line, "tags:") {
            for word in rest
                .split([',', ' ', '\t'])
                .filter(|w| !w.trim().is_empty())
            {
                let Some(tag) = normalize_tag(word) else {
                    return Err(KbProblem::BadTag {
                        typed: word.trim().chars().take(32).collect(),
                    });
                };
                if !tags.contains(&tag) {
                    tags.push(tag);
                }
            }
        } else if let Some(rest) = strip_label(line, "url:") {
            url = Some(check_url(rest.trim()).ok_or(KbProblem::BadUrl)?);
        } else {
            body.push(line.trim_end());
        }
    }
    if tags.len() > MAX_TAGS {
        return Err(KbProblem::TooManyTags { max: MAX_TAGS });
    }
    let body = body.join("\n").trim().to_owned();
    if body.is_empty() {
        return Err(KbProblem::NoBody);
    }
    if body.chars().count() > MAX_BODY_CHARS {
        return Err(KbProblem::BodyTooLong {
            max: MAX_BODY_CHARS,
        });
    }
    Ok(Article {
        title: title.to_owned(),
        body,
        tags,
        url,
    })
}

/// The article as an Admin would type it again (what an edit starts from, and the audit's
/// old and new values).
pub fn format_article(a: &Article) -> String {
    let mut out = format!("{}\n{}", a.title, a.body);
    if !a.tags.is_empty() {
        out.push_str(&format!("\ntags: {}", a.tags.join(", ")));
    }
    if let Some(url) = &a.url {
        out.push_str(&format!("\nurl: {url}"));
    }
    out
}

fn strip_label<'a>(line: &'a str, label: &str) -> Option<&'a str> {
    let t = line.trim_start();
    let head = t.get(..label.len())?;
    head.eq_ignore_ascii_case(label).then(|| &t[label.len()..])
}

/// An http(s) link of at most [`MAX_URL_CHARS`] with a host, as written; `None` otherwise.
pub fn check_url(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() || raw.chars().count() > MAX_URL_CHARS {
        return None;
    }
    let url = url::Url::parse(raw).ok()?;
    (matches!(url.scheme(), "http" | "https") && url.host_str().is_some_and(|h| !h.is_empty()))
        .then(|| raw.to_owned())
}

/// Whether an address is on the public internet: not loopback, private (RFC 1918, unique
/// local), link-local (cloud metadata lives there), carrier-grade NAT, unspecified, broadcast or
/// multicast. An IPv4 address written as IPv6 is judged as IPv4.
pub fn is_public(ip: std::net::IpAddr) -> bool {
    use std::net::IpAddr;
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || a == 0
                || (a == 100 && (64..128).contains(&b)))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80)
        }
    }
}

/// A bearer token as typed: trimmed, printable ASCII without spaces (what an HTTP header may
/// carry), at most [`MAX_TOKEN_CHARS`].
pub fn check_token(raw: &str) -> Result<String, KbProblem> {
    let t = raw.trim();
    let ok = !t.is_empty() && t.len() <= MAX_TOKEN_CHARS && t.chars().all(|c| c.is_ascii_graphic());
    ok.then(|| t.to_owned()).ok_or(KbProblem::BadToken)
}

/// The words a search asks for: letters and digits only, lowercased, at least two characters,
/// no English stop words, each once, at most [`MAX_TERMS`] of them, from the first
/// [`MAX_QUERY_CHARS`] characters. Empty when nothing searchable was typed.
pub fn query_terms(text: &str) -> Vec<String> {
    let head: String = text.chars().take(MAX_QUERY_CHARS).collect();
    let mut terms: Vec<String> = Vec::new();
    for word in head.split(|c: char| !c.is_alphanumeric()) {
        if terms.len() == MAX_TERMS {
            break;
        }
        let w: String = word.to_lowercase().chars().take(MAX_TERM_CHARS).collect();
        // Lowercasing may turn a letter into several characters, some of them not letters
        // (`İ` gives `i` and a combining dot): keep what is still a plain word.
        if w.chars().count() < 2
            || !w.chars().all(char::is_alphanumeric)
            || STOP_WORDS.contains(&w.as_str())
            || terms.contains(&w)
        {
            continue;
        }
        terms.push(w);
    }
    terms
}

/// An FTS5 `MATCH` expression asking for any of `terms`, each quoted (they hold only letters
/// and digits, so a quoted term is one plain word, never an operator).
pub fn fts5_query(terms: &[String]) -> String {
    terms
        .iter()
        .map(|t| format!("\"{t}\""))
        .collect::<Vec<_>>()
        .join(" OR ")
}

/// A `websearch_to_tsquery` text asking for any of `terms`. That parser never fails on what
/// it is given, and the terms are plain words (`or` itself is a stop word, never a term).
pub fn websearch(terms: &[String]) -> String {
    terms.join(" or ")
}

/// PostgreSQL's English stop words (`english.stop`): PostgreSQL drops them from queries, so the
/// SQLite side drops them too and both engines rank the same words.
const STOP_WORDS: &[&str] = &[
    "i",
    "me",
    "my",
    "myself",
    "we",
    "our",
    "ours",
    "ourselves",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
    "he",
    "him",
    "his",
    "himself",
    "she",
    "her",
    "hers",
    "herself",
    "it",
    "its",
    "itself",
    "they",
    "them",
    "their",
    "theirs",
    "themselves",
    "what",
    "which",
    "who",
    "whom",
    "this",
    "that",
    "these",
    "those",
    "am",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "have",
    "has",
    "had",
    "having",
    "do",
    "does",
    "did",
    "doing",
    "a",
    "an",
    "the",
    "and",
    "but",
    "if",
    "or",
    "because",
    "as",
    "until",
    "while",
    "of",
    "at",
    "by",
    "for",
    "with",
    "about",
    "against",
    "between",
    "into",
    "through",
    "during",
    "before",
    "after",
    "above",
    "below",
    "to",
    "from",
    "up",
    "down",
    "in",
    "out",
    "on",
    "off",
    "over",
    "under",
    "again",
    "further",
    "then",
    "once",
    "here",
    "there",
    "when",
    "where",
    "why",
    "how",
    "all",
    "any",
    "both",
    "each",
    "few",
    "more",
    "most",
    "other",
    "some",
    "such",
    "no",
    "nor",
    "not",
    "only",
    "own",
    "same",
    "so",
    "than",
    "too",
    "very",
    "s",
    "t",
    "can",
    "will",
    "just",
    "don",
    "should",
    "now",
];

#[cfg(test)]
mod address_tests {
    use super::is_public;

    #[test]
    fn only_public_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.0.0.1",
            "172.16.5.4",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
        ] {
            assert!(!is_public(private.parse().expect("ip")), "{private}");
        }
        for public in ["1.1.1.1", "93.184.216.34", "100.128.0.1", "2606:4700::1111"] {
            assert!(is_public(public.parse().expect("ip")), "{public}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_article_reads_title_body_tags_and_link() {
        let a = parse_article(
            "\n  Reset your password \nOpen Settings → Security.\n\nPress Reset.\ntags: Account, login #2fa\nURL: https://help.example.com/reset\n",
        )
        .expect("valid");
        assert_eq!(a.title, "Reset your password");
        assert_eq!(a.body, "Open Settings → Security.\n\nPress Reset.");
        assert_eq!(a.tags, ["account", "login", "2fa"]);
        assert_eq!(a.url.as_deref(), Some("https://help.example.com/reset"));
        assert_eq!(parse_article(&format_article(&a)), Ok(a));
    }

    #[test]
    fn bad_articles_say_what_is_wrong() {
        assert_eq!(parse_article("  \n \n"), Err(KbProblem::NoTitle));
        assert_eq!(parse_article("Only a title"), Err(KbProblem::NoBody));
        assert_eq!(
            parse_article(&format!("{}\nbody", "t".repeat(MAX_TITLE_CHARS + 1))),
            Err(KbProblem::TitleTooLong {
                max: MAX_TITLE_CHARS
            })
        );
        assert_eq!(
            parse_article(&format!("T\n{}", "b".repeat(MAX_BODY_CHARS + 1))),
            Err(KbProblem::BodyTooLong {
                max: MAX_BODY_CHARS
            })
        );
        assert_eq!(
            parse_article("T\nbody\nurl: javascript:alert(1)"),
            Err(KbProblem::BadUrl)
        );
        assert_eq!(
            parse_article("T\nbody\nurl: ftp://x.example"),
            Err(KbProblem::BadUrl)
        );
        assert_eq!(
            parse_article("T\nbody\ntags: ok, not.ok"),
            Err(KbProblem::BadTag {
                typed: "not.ok".into()
            })
        );
        let many: Vec<String> = (0..=MAX_TAGS).map(|i| format!("t{i}")).collect();
        assert_eq!(
            parse_article(&format!("T\nbody\ntags: {}", many.join(","))),
            Err(KbProblem::TooManyTags { max: MAX_TAGS })
        );
    }

    #[test]
    fn search_text_becomes_plain_distinct_words() {
        assert_eq!(
            query_terms("How do I reset my PASSWORD? password!"),
            ["reset", "password"]
        );
        // FTS5 and tsquery syntax is only punctuation between words.
        assert_eq!(
            query_terms(r#"refund* NEAR("card" : x) | !y & 'z' -- ;DROP"#),
            ["refund", "near", "card", "drop"]
        );
        assert_eq!(query_terms("the of a ! ? x"), Vec::<String>::new());
        assert_eq!(query_terms("Café ÜBER straße"), ["café", "über", "straße"]);
        let long = "w".repeat(100);
        assert_eq!(query_terms(&long), ["w".repeat(MAX_TERM_CHARS)]);
        let many: Vec<String> = (0..50).map(|i| format!("word{i}")).collect();
        assert_eq!(query_terms(&many.join(" ")).len(), MAX_TERMS);
    }

    #[test]
    fn queries_quote_every_term() {
        let terms = vec!["reset".to_owned(), "near".to_owned()];
        assert_eq!(fts5_query(&terms), r#""reset" OR "near""#);
        assert_eq!(websearch(&terms), "reset or near");
    }

    #[test]
    fn tokens_are_header_safe() {
        assert_eq!(check_token("  abc.DEF-123  "), Ok("abc.DEF-123".into()));
        for bad in ["", "a b", "tok\nen", "ключ"] {
            assert_eq!(check_token(bad), Err(KbProblem::BadToken), "{bad:?}");
        }
    }

    proptest::proptest! {
        /// Whatever is typed, the terms are bounded plain words, so the engines' queries built
        /// from them hold no syntax but their own.
        #[test]
        fn any_text_gives_bounded_plain_terms(text in proptest::arbitrary::any::<String>()) {
            let terms = query_terms(&text);
            proptest::prop_assert!(terms.len() <= MAX_TERMS);
            for t in &terms {
                proptest::prop_assert!(t.chars().all(char::is_alphanumeric));
                proptest::prop_assert!((2..=MAX_TERM_CHARS).contains(&t.chars().count()));
            }
            let _ = parse_article(&text);
        }
    }
}
