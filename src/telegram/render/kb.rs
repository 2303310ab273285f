//! The words of the knowledge base: its settings screens and prompts, `/kb`'s private answer,
//! an article as posted into a topic (the customer reads it), and a new ticket's staff-chat
//! line with its suggestions.

use super::common::{back, cb, esc, t};
use super::{tickets, workspace, Button, Rendered};
use crate::app::effects::{ExternalHit, KbHit, KbNotice, KbPrompt, TicketSummary};
use crate::domain::ids::TicketId;
use crate::domain::kb::KbProblem;
use crate::telegram::callback::{KbButton, WorkspaceButton};

/// The longest article title shown on a button.
const LABEL_CHARS: usize = 48;

fn label(prefix: &str, title: &str) -> String {
    let mut s: String = title.chars().take(LABEL_CHARS).collect();
    if title.chars().count() > LABEL_CHARS {
        s.push('…');
    }
    format!("{prefix}{s}")
}

pub(super) fn notice(n: &KbNotice) -> Rendered {
    match n {
        KbNotice::Articles {
            count,
            page,
            pages,
            articles,
            external,
        } => list(*count, *page, *pages, articles, *external),
        KbNotice::Article {
            id,
            title,
            body,
            tags,
            url,
        } => article(*id, title, body, tags, url.as_deref()),
        KbNotice::External { url, token_set } => external(url.as_deref(), *token_set),
        KbNotice::Prompt { what } => workspace::prompt(prompt(what)),
        KbNotice::Refused { problem } => workspace::invalid_input(&refusal(problem)),
        KbNotice::Usage => t(USAGE),
        KbNotice::Matches {
            ticket,
            number,
            query,
            hits,
            external,
        } => matches(*ticket, *number, query, hits, external),
        KbNotice::Post { title, body, url } => post(title, body, url.as_deref()),
        KbNotice::Posted { number } => t(format!("📄 Posted in ticket #{number}.")),
        KbNotice::AlreadyPosted { number } => t(format!(
            "This article is already posted in ticket #{number}."
        )),
        KbNotice::NewTicket {
            ticket,
            suggestions,
        } => new_ticket(ticket, suggestions),
    }
}

const USAGE: &str = "Use /kb &lt;words&gt; in a ticket's topic, for example <code>/kb reset password</code>. The matching articles come to you privately, and the one you pick is posted in the topic.";

fn list(count: u64, page: u32, pages: u32, articles: &[KbHit], external: bool) -> Rendered {
    let mut text = format!("📚 <b>Knowledge base</b>\n{count} article(s)");
    if pages > 1 {
        text.push_str(&format!(" · page {} of {pages}", page + 1));
    }
    text.push_str(&format!(
        "\nExternal search: <b>{}</b>",
        if external { "on" } else { "off" }
    ));
    if articles.is_empty() {
        text.push_str("\n\nNo articles yet: press ➕ Article and send one as a message.");
    } else {
        text.push_str("\n\nPress an article to read, edit or delete it.");
    }
    let mut rows: Vec<Vec<Button>> = articles
        .iter()
        .map(|a| vec![cb(label("📄 ", &a.title), KbButton::KbArticle { id: a.id })])
        .collect();
    let page16 = |p: u32| u16::try_from(p).unwrap_or(u16::MAX);
    let mut nav = Vec::new();
    if page > 0 {
        nav.push(cb(
            "◀ Previous",
            KbButton::KbList {
                page: page16(page - 1),
            },
        ));
    }
    if page + 1 < pages {
        nav.push(cb(
            "Next ▶",
            KbButton::KbList {
                page: page16(page + 1),
            },
        ));
    }
    if !nav.is_empty() {
        rows.push(nav);
    }
    rows.push(vec![
        cb("➕ Article", KbButton::KbAdd),
        cb("🌐 External search", KbButton::KbExternal),
    ]);
    rows.push(vec![back(WorkspaceButton::SettingsHome)]);
    Rendered {
        text,
        keyboard: Some(rows),
    }
}

fn article(id: i64, title: &str, body: &str, tags: &[String], url: Option<&str>) -> Rendered {
    let mut text = format!("📄 <b>{}</b>\n\n{}", esc(title), esc(body));
    if !tags.is_empty() {
        text.push_str(&format!("\n\nTags: {}", esc(&tags.join(", "))));
    }
    if let Some(url) = url {
        text.push_str(&format!("\nLink: {}", esc(url)));
    }
    Rendered {
        text,
        keyboard: Some(vec![
            vec![
                cb("✏ Edit", KbButton::KbEdit { id }),
                cb("🗑 Delete", KbButton::KbDelete { id }),
            ],
            vec![back(KbButton::KbList { page: 0 })],
        ]),
    }
}

fn external(url: Option<&str>, token_set: bool) -> Rendered {
    let text = format!(
        "🌐 <b>External search</b>\nURL: {}\nBearer token: {}\n\nWhen a URL is set, /kb also asks <code>GET &lt;url&gt;?q=&lt;words&gt;</code> (at most 2 s; a slow or broken one is skipped) and lists its results after your articles. It answers JSON: <code>[{{\"title\", \"url\", \"snippet\"}}]</code> or <code>{{\"results\": […]}}</code>.",
        url.map_or_else(|| "—".to_owned(), esc),
        if token_set { "set (stored encrypted)" } else { "none" },
    );
    let mut rows = vec![vec![
        cb("✏ URL", KbButton::KbExternalUrl),
        cb("🔑 Token", KbButton::KbExternalToken),
    ]];
    if url.is_some() || token_set {
        rows.push(vec![cb(
            "✖ Remove external search",
            KbButton::KbExternalClear,
        )]);
    }
    rows.push(vec![back(KbButton::KbList { page: 0 })]);
    Rendered {
        text,
        keyboard: Some(rows),
    }
}

const ARTICLE_FORM: &str = "the title on the first line, then the body; optional lines <code>tags: billing, refunds</code> and <code>url: https://…</code>";

fn prompt(what: &KbPrompt) -> String {
    match what {
        KbPrompt::NewArticle => format!("Send the article as one message: {ARTICLE_FORM}."),
        KbPrompt::EditArticle { current, .. } => format!(
            "Send the new version of the article as one message ({ARTICLE_FORM}). It reads now:\n\n<pre>{}</pre>",
            esc(current)
        ),
        KbPrompt::ExternalUrl => "Send the external search's URL (http:// or https://). /kb will ask it <code>GET &lt;url&gt;?q=&lt;words&gt;</code>.".to_owned(),
        KbPrompt::ExternalToken => "Send the bearer token for the external search. It is stored encrypted, and your message is deleted as soon as it is read.".to_owned(),
    }
}

/// Why a typed article or setting was refused (plain text: the caller escapes it).
fn refusal(p: &KbProblem) -> String {
    match p {
        KbProblem::NoTitle => "The article needs a title on its first line.".to_owned(),
        KbProblem::TitleTooLong { max } => format!("A title has at most {max} characters."),
        KbProblem::NoBody => "The article needs a body after its title line.".to_owned(),
        KbProblem::BodyTooLong { max } => format!("A body has at most {max} characters."),
        KbProblem::BadUrl => "That is not an http:// or https:// link.".to_owned(),
        KbProblem::TooManyTags { max } => format!("An article has at most {max} tags."),
        KbProblem::BadTag { typed } => {
            format!("\"{typed}\" is not a tag: use letters, digits, - and _ (at most 32).")
        }
        KbProblem::TooManyArticles { max } => {
            format!("A workspace has at most {max} articles: delete one first.")
        }
        KbProblem::BadToken => {
            "A token is one word of printable characters (no spaces), at most 1000.".to_owned()
        }
    }
}

fn matches(
    ticket: i64,
    number: i64,
    query: &str,
    hits: &[KbHit],
    external: &[ExternalHit],
) -> Rendered {
    let mut text = format!("📚 Articles for “{}” (ticket #{number})", esc(query));
    if hits.is_empty() && external.is_empty() {
        text.push_str("\n\nNothing matches: try other words.");
    } else if !hits.is_empty() {
        text.push_str("\n\nPress an article to post it in the ticket's topic.");
    }
    let mut rows: Vec<Vec<Button>> = hits
        .iter()
        .map(|h| {
            vec![cb(
                label("📎 ", &h.title),
                KbButton::KbPost {
                    ticket: TicketId(ticket),
                    article: h.id,
                },
            )]
        })
        .collect();
    if !external.is_empty() {
        text.push_str("\n\n🌐 <b>From the external search</b>");
        for e in external {
            text.push_str(&format!("\n• {}", esc(&e.title)));
            if let Some(s) = &e.snippet {
                text.push_str(&format!(" — {}", esc(s)));
            }
            rows.push(vec![Button::Url(label("🌐 ", &e.title), e.url.clone())]);
        }
    }
    Rendered {
        text,
        keyboard: (!rows.is_empty()).then_some(rows),
    }
}

fn post(title: &str, body: &str, url: Option<&str>) -> Rendered {
    Rendered {
        text: format!("📄 <b>{}</b>\n\n{}", esc(title), esc(body)),
        keyboard: url.map(|u| vec![vec![Button::Url("🔗 Read more".into(), u.to_owned())]]),
    }
}

fn new_ticket(ticket: &TicketSummary, suggestions: &[KbHit]) -> Rendered {
    let mut r = tickets::new_ticket(ticket);
    r.text.push_str("\n\n📚 Suggested articles:");
    let mut rows = r.keyboard.take().unwrap_or_default();
    for s in suggestions {
        r.text.push_str(&format!("\n• {}", esc(&s.title)));
        rows.push(vec![cb(
            label("📎 Post: ", &s.title),
            KbButton::KbPost {
                ticket: TicketId(ticket.id),
                article: s.id,
            },
        )]);
    }
    r.keyboard = Some(rows);
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_people_wrote_is_escaped_everywhere() {
        let evil = "<b>x</b> & \"y\"";
        let hit = KbHit {
            id: 1,
            title: evil.into(),
            url: None,
        };
        let ext = ExternalHit {
            title: evil.into(),
            url: "https://x.example".into(),
            snippet: Some(evil.into()),
        };
        for r in [
            matches(
                1,
                2,
                evil,
                std::slice::from_ref(&hit),
                std::slice::from_ref(&ext),
            ),
            post(evil, evil, None),
            article(1, evil, evil, &[], Some(evil)),
            list(1, 0, 1, &[hit], false),
            external(Some(evil), true),
            workspace::prompt(prompt(&KbPrompt::EditArticle {
                id: 1,
                current: evil.into(),
            })),
        ] {
            assert!(!r.text.contains("<b>x"), "{}", r.text);
        }
    }

    #[test]
    fn the_post_shows_no_staff_data() {
        let r = post("Reset", "Press reset.", Some("https://help.example/reset"));
        assert_eq!(r.text, "📄 <b>Reset</b>\n\nPress reset.");
        assert_eq!(
            r.keyboard,
            Some(vec![vec![Button::Url(
                "🔗 Read more".into(),
                "https://help.example/reset".into()
            )]])
        );
    }
}
