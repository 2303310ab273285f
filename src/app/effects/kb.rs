//! What the knowledge base tells people ([`KbNotice`], one variant of `Notice`), as data; the
//! words are in `telegram::render::kb`. Stored in the outbox like every notice: add variants,
//! never repurpose them.

use serde::{Deserialize, Serialize};

use crate::domain::kb::KbProblem;
use crate::store::summary::TicketSummary;

/// An article in a list or among search results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KbHit {
    pub id: i64,
    pub title: String,
    pub url: Option<String>,
}

/// A result of the workspace's external search: a link only (it is no article of ours).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExternalHit {
    pub title: String,
    pub url: String,
    pub snippet: Option<String>,
}

/// What a knowledge-base prompt asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "prompt", rename_all = "snake_case")]
pub enum KbPrompt {
    NewArticle,
    /// `current` is the article as it would be typed, to copy and change.
    EditArticle {
        id: i64,
        current: String,
    },
    ExternalUrl,
    ExternalToken,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kb", rename_all = "snake_case")]
pub enum KbNotice {
    /// `/settings` → Knowledge base: one page of the articles.
    Articles {
        count: u64,
        page: u32,
        pages: u32,
        articles: Vec<KbHit>,
        external: bool,
    },
    /// One article, with its edit and delete buttons.
    Article {
        id: i64,
        title: String,
        body: String,
        tags: Vec<String>,
        url: Option<String>,
    },
    /// The external search screen; the token itself is never shown.
    External {
        url: Option<String>,
        token_set: bool,
    },
    /// Asks for text, with a Cancel button.
    Prompt { what: KbPrompt },
    /// A typed article or setting was refused; the prompt stays open.
    Refused { problem: KbProblem },
    /// `/kb` with nothing to search for.
    Usage,
    /// `/kb`'s answer, privately: local articles as buttons that post them, external links.
    Matches {
        ticket: i64,
        number: i64,
        query: String,
        hits: Vec<KbHit>,
        external: Vec<ExternalHit>,
    },
    /// Posted into the ticket's topic, as the bot: the customer reads it.
    Post {
        title: String,
        body: String,
        url: Option<String>,
    },
    /// The presser's toast: the article went into the topic.
    Posted { number: i64 },
    /// The article had been posted into this ticket already.
    AlreadyPosted { number: i64 },
    /// The staff chat's new-ticket line with up to three suggested articles.
    NewTicket {
        ticket: Box<TicketSummary>,
        suggestions: Vec<KbHit>,
    },
}

impl KbNotice {
    /// What only staff may read: search words, suggestions and the settings. In a group they go
    /// to the person privately (`Work::reply`).
    pub fn is_staff_only(&self) -> bool {
        match self {
            KbNotice::Articles { .. }
            | KbNotice::Article { .. }
            | KbNotice::External { .. }
            | KbNotice::Prompt { .. }
            | KbNotice::Refused { .. }
            | KbNotice::Usage
            | KbNotice::Matches { .. }
            | KbNotice::NewTicket { .. } => true,
            KbNotice::Post { .. } | KbNotice::Posted { .. } | KbNotice::AlreadyPosted { .. } => {
                false
            }
        }
    }

    /// Refusals are alerts.
    pub fn is_alert(&self) -> bool {
        matches!(self, KbNotice::AlreadyPosted { .. })
    }
}
