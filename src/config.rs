//! Typed settings. Everything comes from the environment (a `.env` file is read first), and the
//! flags of [`Cli`] override it. Validation happens here, once, so a bad value stops the daemon
//! with one line naming the variable instead of failing somewhere deep inside.

use std::net::SocketAddr;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};
use secrecy::SecretString;
use url::Url;

/// The command line. No `Debug`: it holds `DATABASE_URL`, password included.
#[derive(Parser)]
#[command(
    name = "topicdesk",
    version,
    about = "A helpdesk that lives inside Telegram forum groups"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Database URL: `sqlite://file.db?mode=rwc` or `postgres://user:pass@host/db`.
    #[arg(
        long,
        global = true,
        env = "DATABASE_URL",
        default_value = "sqlite://topicdesk.db?mode=rwc"
    )]
    pub database_url: String,

    /// Address of the HTTP server (health, readiness, metrics).
    #[arg(
        long,
        global = true,
        env = "TOPICDESK_HTTP_ADDR",
        default_value = "127.0.0.1:8080"
    )]
    pub http_addr: String,

    /// Bot API base URL; tests point it at a local fake.
    #[arg(long, global = true, env = "TELOXIDE_API_URL")]
    pub api_url: Option<String>,

    /// How updates arrive.
    #[arg(long, global = true, env = "TOPICDESK_MODE", default_value = "polling")]
    pub mode: String,

    /// `pretty` or `json`.
    #[arg(
        long,
        global = true,
        env = "TOPICDESK_LOG_FORMAT",
        default_value = "pretty"
    )]
    pub log_format: String,

    /// Messages per minute into one group before the bot queues.
    #[arg(
        long,
        global = true,
        env = "TOPICDESK_TG_GROUP_PER_MINUTE",
        default_value = "20"
    )]
    pub tg_group_per_minute: String,

    /// Messages per second in all.
    #[arg(
        long,
        global = true,
        env = "TOPICDESK_TG_GLOBAL_PER_SECOND",
        default_value = "30"
    )]
    pub tg_global_per_second: String,

    /// Seconds a getUpdates long poll is held (teloxide's client gives up at 17 s; Telegram
    /// answers 5xx slowly, so stay well under 10).
    #[arg(
        long,
        global = true,
        env = "TOPICDESK_POLL_TIMEOUT",
        default_value = "8"
    )]
    pub poll_timeout: String,
    /// `1` lets outgoing calls (the knowledge base's external search, webhooks) reach loopback,
    /// private and link-local addresses.
    #[arg(
        long,
        global = true,
        env = "TOPICDESK_WEBHOOK_ALLOW_PRIVATE",
        default_value = "0"
    )]
    pub webhook_allow_private: String,

    /// Invoice currency for seats (ignored for Telegram Stars).
    #[arg(
        long,
        global = true,
        env = "TOPICDESK_PAYMENT_CURRENCY",
        default_value = "EUR"
    )]
    pub payment_currency: String,

    /// Monthly price of a Basic seat in the currency's minor units (Stars: whole stars).
    #[arg(
        long,
        global = true,
        env = "TOPICDESK_PRICE_BASIC",
        default_value = "2900"
    )]
    pub price_basic: String,

    /// Monthly price of a Pro seat.
    #[arg(
        long,
        global = true,
        env = "TOPICDESK_PRICE_PRO",
        default_value = "3900"
    )]
    pub price_pro: String,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the daemon (the default).
    Run,
    /// Manage the database schema.
    Migrate {
        #[arg(value_enum, default_value = "up")]
        action: MigrateAction,
    },
    /// List workspaces (id, name, owner, seats).
    Workspaces,
    /// Manage seats for installations that bill elsewhere.
    Seats {
        #[command(subcommand)]
        action: SeatsAction,
    },
}

#[derive(Debug, Subcommand)]
pub enum SeatsAction {
    /// Add (or renew expired) seats, paid until a date.
    Grant {
        /// Workspace id or exact name.
        #[arg(long)]
        workspace: String,
        #[arg(long, default_value_t = 0)]
        basic: u32,
        #[arg(long, default_value_t = 0)]
        pro: u32,
        /// Paid for this many months from now.
        #[arg(long, conflicts_with = "until", required_unless_present = "until")]
        months: Option<u32>,
        /// Paid until this instant (RFC 3339).
        #[arg(long)]
        until: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum MigrateAction {
    /// Apply every pending migration.
    Up,
    /// Roll back the last applied migration.
    Down,
    /// List migrations and whether each is applied.
    Status,
    /// Drop every table and apply all migrations again.
    Fresh,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

/// How Telegram updates reach the daemon. Only long polling exists so far; webhook mode is refused
/// at start with a clear message rather than silently polling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Polling,
}

/// What seats cost, as the operator configured it (minor units; Stars: whole stars).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pricing {
    pub currency: String,
    pub basic: u32,
    pub pro: u32,
}

impl Pricing {
    pub fn unit(&self, tier: crate::domain::seats::Tier) -> u32 {
        match tier {
            crate::domain::seats::Tier::Basic => self.basic,
            crate::domain::seats::Tier::Pro => self.pro,
        }
    }
}

/// Everything the daemon needs, validated.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The bot token; `None` only for commands that never talk to Telegram (`migrate`).
    pub token: Option<SecretString>,
    pub api_url: Option<Url>,
    pub database_url: DatabaseUrl,
    pub http_addr: SocketAddr,
    pub mode: Mode,
    pub log_format: LogFormat,
    pub tg_group_per_minute: u32,
    pub tg_global_per_second: u32,
    pub poll_timeout: Duration,
    /// HMAC secret of the billing webhook; `None` = the endpoint answers 404.
    pub billing_secret: Option<SecretString>,
    /// Payment provider token for seat invoices; `None` = Telegram Stars (`XTR`).
    pub payment_provider_token: Option<SecretString>,
    pub pricing: Pricing,
    /// `TOPICDESK_MASTER_KEY`: the key stored secrets are encrypted with; `None` = the key file
    /// beside the database (`store::secrets`).
    pub master_key: Option<crate::store::secrets::MasterKey>,
    /// `TOPICDESK_WEBHOOK_ALLOW_PRIVATE`: outgoing calls an admin points somewhere may reach
    /// loopback, private and link-local addresses. Off by default: a workspace admin is anyone
    /// who created a workspace, and must not make the daemon probe its own network.
    pub allow_private_targets: bool,
    /// Test builds only (the `fault-injection` feature): a message with the trigger text panics
    /// its handler. Never read from the environment or flags, so a daemon started from the
    /// command line has it off whatever it was built with.
    #[cfg(feature = "fault-injection")]
    pub fault_injection: bool,
}

/// `DATABASE_URL`. Its password must never reach a log line, an error or `Debug` output, so the
/// URL is shown only with the password masked, and handed out whole only to connect.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    /// The URL with its password, for the database driver only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_sqlite(&self) -> bool {
        self.0.starts_with("sqlite:")
    }

    /// The URL with any password replaced by `***`.
    pub fn redacted(&self) -> String {
        redact_url(&self.0)
    }

    /// `text` (a driver's error, which may quote the URL it was given) with the URL and its
    /// password masked wherever they appear.
    pub fn scrub(&self, text: &str) -> String {
        let mut text = text.replace(&self.0, &self.redacted());
        if let Some(password) = Url::parse(&self.0)
            .ok()
            .and_then(|u| u.password().map(str::to_owned))
            .filter(|p| !p.is_empty())
        {
            text = text.replace(&password, "***");
        }
        text
    }
}

/// A URL with any password replaced by `***`; text that is not a URL is cut at an `@` it may
/// hold, so a malformed `user:secret@host` is not echoed either.
pub fn redact_url(raw: &str) -> String {
    match Url::parse(raw) {
        Ok(mut url) => {
            if url.password().is_some() && url.set_password(Some("***")).is_err() {
                return "(a URL with a password)".to_owned();
            }
            url.to_string()
        }
        Err(_) => match raw.rsplit_once('@') {
            Some((_, host)) => format!("***@{host}"),
            None => raw.to_owned(),
        },
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DatabaseUrl({:?})", self.redacted())
    }
}

impl std::fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// A configuration problem, displayed as one line naming the variable.
#[derive(Debug, thiserror::Error)]
#[error("{variable}: {problem}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub problem: String,
}

fn bad(variable: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        variable,
        problem: problem.into(),
    }
}

impl Settings {
    /// Validates the parsed command line (which already merged the environment).
    /// `needs_token` is true for `run`.
    pub fn from_cli(cli: &Cli, needs_token: bool) -> Result<Self, ConfigError> {
        let token = std::env::var("TELOXIDE_TOKEN")
            .ok()
            .filter(|t| !t.trim().is_empty());
        if needs_token && token.is_none() {
            return Err(bad(
                "TELOXIDE_TOKEN",
                "not set; put the bot token from @BotFather in the environment or in .env",
            ));
        }
        let api_url = match cli.api_url.as_deref().filter(|s| !s.trim().is_empty()) {
            None => None,
            Some(raw) => {
                let url = Url::parse(raw)
                    .map_err(|e| bad("TELOXIDE_API_URL", format!("{raw:?} is not a URL ({e})")))?;
                if !matches!(url.scheme(), "http" | "https") {
                    return Err(bad(
                        "TELOXIDE_API_URL",
                        format!("{raw:?} must be an http:// or https:// URL"),
                    ));
                }
                Some(url)
            }
        };
        let database_url = DatabaseUrl::new(cli.database_url.trim());
        let scheme_ok = ["sqlite:", "postgres://", "postgresql://"]
            .iter()
            .any(|p| database_url.expose().starts_with(p));
        if !scheme_ok || Url::parse(database_url.expose()).is_err() {
            return Err(bad(
                "DATABASE_URL",
                format!("{:?} is not a database URL (expected sqlite://file.db?mode=rwc or postgres://user:pass@host/db)", database_url.redacted()),
            ));
        }
        let http_addr = cli.http_addr.parse().map_err(|_| {
            bad(
                "TOPICDESK_HTTP_ADDR",
                format!("{:?} is not an address like 127.0.0.1:8080", cli.http_addr),
            )
        })?;
        let mode = match cli.mode.as_str() {
            "polling" => Mode::Polling,
            "webhook" => {
                return Err(bad(
                    "TOPICDESK_MODE",
                    "webhook mode is not available in this version; use polling",
                ))
            }
            other => {
                return Err(bad(
                    "TOPICDESK_MODE",
                    format!("{other:?} is not polling or webhook"),
                ))
            }
        };
        let log_format = match cli.log_format.as_str() {
            "pretty" => LogFormat::Pretty,
            "json" => LogFormat::Json,
            other => {
                return Err(bad(
                    "TOPICDESK_LOG_FORMAT",
                    format!("{other:?} is not pretty or json"),
                ))
            }
        };
        let positive = |variable: &'static str, raw: &str| -> Result<u32, ConfigError> {
            raw.trim()
                .parse::<u32>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| bad(variable, format!("{raw:?} is not a positive whole number")))
        };
        let tg_group_per_minute =
            positive("TOPICDESK_TG_GROUP_PER_MINUTE", &cli.tg_group_per_minute)?;
        let tg_global_per_second =
            positive("TOPICDESK_TG_GLOBAL_PER_SECOND", &cli.tg_global_per_second)?;
        let poll = positive("TOPICDESK_POLL_TIMEOUT", &cli.poll_timeout)?;
        if poll > 9 {
            return Err(bad("TOPICDESK_POLL_TIMEOUT", "must be at most 9 seconds"));
        }
        let secret = |name: &str| {
            std::env::var(name)
                .ok()
                .filter(|v| !v.trim().is_empty())
                .map(SecretString::from)
        };
        let payment_provider_token = secret("TOPICDESK_PAYMENT_PROVIDER_TOKEN");
        let price = |variable: &'static str, raw: &str| -> Result<u32, ConfigError> {
            raw.trim()
                .parse::<u32>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| {
                    bad(
                        variable,
                        format!("{raw:?} is not a positive price in minor units"),
                    )
                })
        };
        let currency = if payment_provider_token.is_none() {
            "XTR".to_owned()
        } else {
            let c = cli.payment_currency.trim().to_uppercase();
            if c.len() != 3 || !c.chars().all(|ch| ch.is_ascii_alphabetic()) {
                return Err(bad(
                    "TOPICDESK_PAYMENT_CURRENCY",
                    format!("{c:?} is not a three-letter currency code"),
                ));
            }
            c
        };
        let pricing = Pricing {
            currency,
            basic: price("TOPICDESK_PRICE_BASIC", &cli.price_basic)?,
            pro: price("TOPICDESK_PRICE_PRO", &cli.price_pro)?,
        };
        let master_key = match secret("TOPICDESK_MASTER_KEY") {
            None => None,
            Some(raw) => Some(
                crate::store::secrets::MasterKey::from_base64(
                    secrecy::ExposeSecret::expose_secret(&raw),
                )
                .map_err(|e| bad("TOPICDESK_MASTER_KEY", e.to_string()))?,
            ),
        };
        let allow_private_targets = match cli.webhook_allow_private.trim() {
            "0" | "" => false,
            "1" => true,
            other => {
                return Err(bad(
                    "TOPICDESK_WEBHOOK_ALLOW_PRIVATE",
                    format!("{other:?} is neither 0 nor 1"),
                ))
            }
        };
        Ok(Self {
            allow_private_targets,
            master_key,
            billing_secret: secret("TOPICDESK_BILLING_SECRET"),
            payment_provider_token,
            pricing,
            token: token.map(SecretString::from),
            api_url,
            database_url,
            http_addr,
            mode,
            log_format,
            tg_group_per_minute,
            tg_global_per_second,
            poll_timeout: Duration::from_secs(poll.into()),
            #[cfg(feature = "fault-injection")]
            fault_injection: false,
        })
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url.is_sqlite()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_passwords_never_show() {
        let url = DatabaseUrl::new("postgres://app:s3cr3t-pw@db.internal:5432/topicdesk");
        for shown in [format!("{url}"), format!("{url:?}"), url.redacted()] {
            assert!(!shown.contains("s3cr3t-pw"), "{shown}");
            assert!(shown.contains("db.internal"), "{shown}");
        }
        assert_eq!(
            url.expose(),
            "postgres://app:s3cr3t-pw@db.internal:5432/topicdesk"
        );
        assert!(!redact_url("postgres://app:s3cr3t-pw@[bad").contains("s3cr3t-pw"));
        let scrubbed = url.scrub("cannot reach postgres://app:s3cr3t-pw@db.internal (s3cr3t-pw)");
        assert!(!scrubbed.contains("s3cr3t-pw"), "{scrubbed}");
        assert!(scrubbed.contains("db.internal"), "{scrubbed}");
        assert_eq!(
            redact_url("sqlite://topicdesk.db?mode=rwc"),
            "sqlite://topicdesk.db?mode=rwc"
        );
    }
}
