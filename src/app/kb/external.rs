//! A workspace's external knowledge-base search: `GET <url>?q=<query>` with an optional bearer
//! token, answering JSON `[{"title", "url", "snippet"}]` or `{"results": [...]}`. Its results are
//! merged after the local articles. It may be slow or broken; a search never waits more than
//! [`TIMEOUT`] for it and never fails because of it, and its trouble is logged once (when it
//! starts, and again when it changes or recovers), not on every search.

use std::time::Duration;

use dashmap::DashMap;
use serde_json::Value;

use crate::app::effects::ExternalHit;
use crate::domain::kb::{check_url, MAX_QUERY_CHARS};
use crate::store::secrets::MasterKey;

/// The longest an external search may take, answer included.
pub const TIMEOUT: Duration = Duration::from_secs(2);
/// The most of an answer that is read.
const MAX_BODY_BYTES: usize = 256 * 1024;
/// External searches in flight at once, over all workspaces. Each `/kb` asks from its own task
/// (the update is not held up for it), so a burst of `/kb` must not become as many open
/// connections: past this, a search answers with the local articles alone.
pub const MAX_IN_FLIGHT: usize = 32;
/// External searches of one workspace in flight at once: one tenant pointing at a slow server
/// and sending `/kb` after `/kb` must not take every slot from the others.
pub const MAX_IN_FLIGHT_PER_WORKSPACE: usize = 4;
/// External results shown per search.
pub const MAX_RESULTS: usize = 3;
const MAX_TITLE_CHARS: usize = 100;
const MAX_SNIPPET_CHARS: usize = 200;

/// Where to ask, as decrypted for one search. `Debug` never shows the token.
#[derive(Clone)]
pub struct ExternalConfig {
    pub url: String,
    pub token: Option<String>,
}

impl std::fmt::Debug for ExternalConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExternalConfig")
            .field("url", &self.url)
            .field("token", &self.token.as_ref().map(|_| "***"))
            .finish()
    }
}

/// Why an external search gave nothing, as the log reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trouble {
    TimedOut,
    Unreachable,
    Status(u16),
    TooLarge,
    NotJson,
    /// The stored token does not decrypt with this master key.
    Token,
    /// [`MAX_IN_FLIGHT`] searches were already waiting for answers.
    Busy,
    /// The host is (or resolves to) a loopback, private or link-local address, and
    /// `TOPICDESK_WEBHOOK_ALLOW_PRIVATE` is off.
    PrivateAddress,
}

impl std::fmt::Display for Trouble {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Trouble::TimedOut => write!(f, "no answer within {} s", TIMEOUT.as_secs()),
            Trouble::Unreachable => f.write_str("cannot be reached"),
            Trouble::Status(code) => write!(f, "answered HTTP {code}"),
            Trouble::TooLarge => write!(f, "answered more than {MAX_BODY_BYTES} bytes"),
            Trouble::NotJson => f.write_str("answered something that is not the expected JSON"),
            Trouble::Token => {
                f.write_str("its stored token cannot be decrypted with this master key")
            }
            Trouble::PrivateAddress => f.write_str(
                "not asked: its host is a loopback, private or link-local address \
                 (TOPICDESK_WEBHOOK_ALLOW_PRIVATE=1 allows it)",
            ),
            Trouble::Busy => write!(
                f,
                "not asked: {MAX_IN_FLIGHT} searches were already waiting for it"
            ),
        }
    }
}

/// The external search client, the master key its tokens are stored under, and each
/// workspace's last trouble (what makes the log say it once).
pub struct Searcher {
    client: reqwest::Client,
    key: MasterKey,
    trouble: DashMap<i64, Trouble>,
    in_flight: tokio::sync::Semaphore,
    /// Searches in flight per workspace (entries are removed when they drop to zero).
    per_workspace: DashMap<i64, usize>,
    allow_private: bool,
}

/// A workspace's place among the searches in flight, given back when dropped.
struct Slot<'a> {
    searcher: &'a Searcher,
    workspace: i64,
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.searcher
            .per_workspace
            .remove_if_mut(&self.workspace, |_, n| {
                *n -= 1;
                *n == 0
            });
    }
}

impl Searcher {
    pub fn new(key: MasterKey, allow_private: bool) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(TIMEOUT)
            // A redirect could lead past the address check; the search URL is asked as set.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("topicdesk/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Searcher {
            client,
            key,
            trouble: DashMap::new(),
            in_flight: tokio::sync::Semaphore::new(MAX_IN_FLIGHT),
            per_workspace: DashMap::new(),
            allow_private,
        })
    }

    /// The key integration secrets are stored under.
    pub fn key(&self) -> &MasterKey {
        &self.key
    }

    /// Asks the external search; whatever goes wrong gives no results (and one log line).
    pub async fn search(
        &self,
        workspace: i64,
        cfg: &ExternalConfig,
        query: &str,
    ) -> Vec<ExternalHit> {
        let Some(_slot) = self.slot(workspace) else {
            self.note(workspace, Some(Trouble::Busy));
            return Vec::new();
        };
        let Ok(_permit) = self.in_flight.try_acquire() else {
            self.note(workspace, Some(Trouble::Busy));
            return Vec::new();
        };
        let asked = tokio::time::timeout(TIMEOUT, self.ask(cfg, query)).await;
        let outcome = match asked {
            Ok(result) => result,
            Err(_) => Err(Trouble::TimedOut),
        };
        match outcome {
            Ok(hits) => {
                self.note(workspace, None);
                hits
            }
            Err(trouble) => {
                self.note(workspace, Some(trouble));
                Vec::new()
            }
        }
    }

    async fn ask(&self, cfg: &ExternalConfig, query: &str) -> Result<Vec<ExternalHit>, Trouble> {
        if !self.allow_private {
            self.check_public(&cfg.url).await?;
        }
        let q: String = query.trim().chars().take(MAX_QUERY_CHARS).collect();
        let mut req = self.client.get(&cfg.url).query(&[("q", q.as_str())]);
        if let Some(token) = &cfg.token {
            req = req.bearer_auth(token);
        }
        let mut resp = req.send().await.map_err(|e| {
            if e.is_timeout() {
                Trouble::TimedOut
            } else {
                Trouble::Unreachable
            }
        })?;
        if !resp.status().is_success() {
            return Err(Trouble::Status(resp.status().as_u16()));
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| {
            if e.is_timeout() {
                Trouble::TimedOut
            } else {
                Trouble::Unreachable
            }
        })? {
            if body.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(Trouble::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        let json: Value = serde_json::from_slice(&body).map_err(|_| Trouble::NotJson)?;
        parse_results(&json).ok_or(Trouble::NotJson)
    }

    /// A place for one more of `workspace`'s searches, unless it has
    /// [`MAX_IN_FLIGHT_PER_WORKSPACE`] in flight.
    fn slot(&self, workspace: i64) -> Option<Slot<'_>> {
        let mut n = self.per_workspace.entry(workspace).or_insert(0);
        if *n >= MAX_IN_FLIGHT_PER_WORKSPACE {
            return None;
        }
        *n += 1;
        drop(n);
        Some(Slot {
            searcher: self,
            workspace,
        })
    }

    /// Refuses a URL whose host is, or resolves to, an address that is not public. (A name
    /// that resolves differently a moment later is not caught; the switch to refuse private
    /// targets is about admins probing the daemon's network by mistake or on purpose.)
    async fn check_public(&self, url: &str) -> Result<(), Trouble> {
        let url = reqwest::Url::parse(url).map_err(|_| Trouble::Unreachable)?;
        let host = url.host_str().ok_or(Trouble::Unreachable)?;
        let port = url.port_or_known_default().unwrap_or(443);
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let addrs: Vec<std::net::SocketAddr> = tokio::net::lookup_host((host, port))
            .await
            .map_err(|_| Trouble::Unreachable)?
            .collect();
        if addrs.is_empty() {
            return Err(Trouble::Unreachable);
        }
        if addrs.iter().all(|a| crate::domain::kb::is_public(a.ip())) {
            Ok(())
        } else {
            Err(Trouble::PrivateAddress)
        }
    }

    /// Records how a workspace's external search went; logs only a change. True when it logged.
    pub fn note(&self, workspace: i64, trouble: Option<Trouble>) -> bool {
        match trouble {
            Some(t) => {
                if self.trouble.get(&workspace).is_some_and(|old| *old == t) {
                    return false;
                }
                tracing::warn!(
                    workspace,
                    problem = %t,
                    "the external knowledge-base search failed; searches go on with local articles (logged again only when this changes)"
                );
                self.trouble.insert(workspace, t);
                true
            }
            None => {
                if self.trouble.remove(&workspace).is_some() {
                    tracing::info!(
                        workspace,
                        "the external knowledge-base search answers again"
                    );
                    return true;
                }
                false
            }
        }
    }
}

/// The results of an answer: an array of results, or an object holding one as `results`.
/// Entries without a title or an http(s) URL are skipped; `None` when the shape is neither.
pub fn parse_results(json: &Value) -> Option<Vec<ExternalHit>> {
    let items = match json {
        Value::Array(items) => items,
        Value::Object(o) => o.get("results")?.as_array()?,
        _ => return None,
    };
    Some(
        items
            .iter()
            .filter_map(|item| {
                let title = item.get("title")?.as_str()?.trim();
                let url = check_url(item.get("url")?.as_str()?)?;
                let snippet = item
                    .get("snippet")
                    .and_then(Value::as_str)
                    .map(|s| s.trim().chars().take(MAX_SNIPPET_CHARS).collect::<String>())
                    .filter(|s| !s.is_empty());
                (!title.is_empty()).then(|| ExternalHit {
                    title: title.chars().take(MAX_TITLE_CHARS).collect(),
                    url,
                    snippet,
                })
            })
            .take(MAX_RESULTS)
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn answers_are_read_in_both_shapes_and_bounded() {
        let item = json!({"title": " Reset ", "url": "https://x.example/r", "snippet": "How to"});
        let want = vec![ExternalHit {
            title: "Reset".into(),
            url: "https://x.example/r".into(),
            snippet: Some("How to".into()),
        }];
        assert_eq!(parse_results(&json!([item.clone()])), Some(want.clone()));
        assert_eq!(parse_results(&json!({ "results": [item] })), Some(want));
        let junk = json!([
            {"title": "no url"},
            {"title": "bad url", "url": "javascript:alert(1)"},
            {"url": "https://x.example/no-title"},
            "a string",
            {"title": "ok", "url": "http://x.example/1"},
            {"title": "ok", "url": "http://x.example/2"},
            {"title": "ok", "url": "http://x.example/3"},
            {"title": "ok", "url": "http://x.example/4"},
        ]);
        let hits = parse_results(&junk).expect("an array");
        assert_eq!(hits.len(), MAX_RESULTS);
        assert!(hits.iter().all(|h| h.title == "ok"));
        assert_eq!(parse_results(&json!({"items": []})), None);
        assert_eq!(parse_results(&json!(42)), None);
    }

    #[test]
    fn trouble_is_logged_once_until_it_changes_or_recovers() {
        let s = Searcher::new(MasterKey::generate(), true).expect("client");
        assert!(s.note(1, Some(Trouble::TimedOut)));
        assert!(!s.note(1, Some(Trouble::TimedOut)));
        assert!(s.note(2, Some(Trouble::TimedOut)), "per workspace");
        assert!(s.note(1, Some(Trouble::Status(500))), "a new trouble");
        assert!(s.note(1, None), "recovered");
        assert!(!s.note(1, None));
        assert!(s.note(1, Some(Trouble::Status(500))));
    }

    /// With every slot taken, a search asks nobody and answers at once, and says why once.
    #[tokio::test]
    async fn a_full_house_answers_with_nothing_and_asks_nobody() {
        let s = Searcher::new(MasterKey::generate(), true).expect("client");
        let held = s
            .in_flight
            .try_acquire_many(MAX_IN_FLIGHT as u32)
            .expect("all permits");
        // Nothing listens on port 9 (discard): were it asked, this would be Unreachable.
        let cfg = ExternalConfig {
            url: "http://127.0.0.1:9/search".into(),
            token: None,
        };
        assert!(s.search(7, &cfg, "reset password").await.is_empty());
        assert_eq!(s.trouble.get(&7).map(|t| t.clone()), Some(Trouble::Busy));
        drop(held);
        s.search(7, &cfg, "reset password").await;
        assert_ne!(s.trouble.get(&7).map(|t| t.clone()), Some(Trouble::Busy));
    }

    /// One workspace holds at most its share of the slots; the others keep theirs.
    #[test]
    fn one_workspace_cannot_take_every_slot() {
        let s = Searcher::new(MasterKey::generate(), true).expect("client");
        let held: Vec<Slot<'_>> = (0..MAX_IN_FLIGHT_PER_WORKSPACE)
            .map(|_| s.slot(1).expect("a slot"))
            .collect();
        assert!(s.slot(1).is_none());
        assert!(s.slot(2).is_some(), "another workspace still searches");
        drop(held);
        assert!(s.per_workspace.is_empty(), "slots are given back");
        assert!(s.slot(1).is_some());
    }

    /// Without the switch, loopback, private and link-local hosts are not asked.
    #[tokio::test]
    async fn private_hosts_are_refused_unless_allowed() {
        let s = Searcher::new(MasterKey::generate(), false).expect("client");
        for url in [
            "http://127.0.0.1:9/search",
            "http://localhost:9/search",
            "http://[::1]:9/search",
            "http://10.1.2.3/search",
            "http://169.254.169.254/latest/meta-data",
        ] {
            let cfg = ExternalConfig {
                url: url.into(),
                token: None,
            };
            assert!(s.search(3, &cfg, "q").await.is_empty());
            assert_eq!(
                s.trouble.get(&3).map(|t| t.clone()),
                Some(Trouble::PrivateAddress),
                "{url}"
            );
            s.note(3, None);
        }
    }

    #[test]
    fn the_token_never_shows_in_debug() {
        let cfg = ExternalConfig {
            url: "https://x.example".into(),
            token: Some("s3cret".into()),
        };
        assert!(!format!("{cfg:?}").contains("s3cret"));
    }
}
