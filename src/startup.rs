//! Building and running the daemon: connect and migrate the database, bind the HTTP server,
//! greet Telegram, then run the listener, the inbox worker, the outbox dispatcher and the
//! scheduler until a shutdown signal. Shutdown stops taking updates, lets every loop finish the
//! item in hand, and returns.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use sea_orm::DatabaseConnection;
use teloxide::prelude::*;
use teloxide::types::Me;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::app::Ctx;
use crate::clock::{Clock, SystemClock};
use crate::config::{LogFormat, MigrateAction, SeatsAction, Settings};
use crate::domain::seats;
use crate::telegram::{self, AppState};
use crate::{http, jobs, store};

/// Installs the tracing subscriber (which also receives teloxide's `log` records).
pub fn init_tracing(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Pretty => builder.try_init(),
    };
}

async fn connect(settings: &Settings) -> anyhow::Result<DatabaseConnection> {
    store::connect(settings.database_url.expose())
        .await
        .map_err(|e| {
            let text = settings.database_url.scrub(&e.to_string());
            anyhow::anyhow!("DATABASE_URL: cannot connect to the database: {text}")
        })
}

/// `topicdesk migrate …`
pub async fn migrate(settings: &Settings, action: MigrateAction) -> anyhow::Result<()> {
    let db = connect(settings).await?;
    match action {
        MigrateAction::Up => Migrator::up(&db, None).await?,
        MigrateAction::Down => Migrator::down(&db, Some(1)).await?,
        MigrateAction::Fresh => Migrator::fresh(&db).await?,
        MigrateAction::Status => {
            for m in Migrator::get_migration_with_status(&db).await? {
                println!("{}\t{}", m.name(), m.status());
            }
            return Ok(());
        }
    }
    println!("migrate {action:?}: done");
    Ok(())
}

/// A context for one-shot operator commands (no Telegram, wall clock).
async fn operator_ctx(settings: &Settings) -> anyhow::Result<Ctx> {
    let db = connect(settings).await?;
    Migrator::up(&db, None)
        .await
        .context("applying database migrations")?;
    Ok(crate::app::context(db, Arc::new(SystemClock)))
}

/// `topicdesk workspaces`: id, name, owner and seat counts, tab-separated.
pub async fn list_workspaces(settings: &Settings) -> anyhow::Result<()> {
    let ctx = operator_ctx(settings).await?;
    let now = ctx.clock.now();
    println!("id\tname\towner\tbasic\tpro\texpired");
    for ws in store::team::all_workspaces(&ctx.db).await? {
        let seats = store::team::seats_of(&ctx.db, ws.id).await?;
        let count = |tier: &str| {
            seats
                .iter()
                .filter(|s| {
                    crate::domain::seats::Tier::from(s.tier).as_str() == tier && s.paid_until > now
                })
                .count()
        };
        let expired = seats.iter().filter(|s| s.paid_until <= now).count();
        println!(
            "{}\t{}\t{}\t{}\t{}\t{expired}",
            ws.id,
            ws.name,
            ws.owner_id,
            count("basic"),
            count("pro")
        );
    }
    Ok(())
}

/// `topicdesk seats grant …`
pub async fn seats(settings: &Settings, action: SeatsAction) -> anyhow::Result<()> {
    let SeatsAction::Grant {
        workspace,
        basic,
        pro,
        months,
        until,
    } = action;
    if basic == 0 && pro == 0 {
        anyhow::bail!("--basic and --pro are both 0: nothing to grant");
    }
    let ctx = operator_ctx(settings).await?;
    let now = ctx.clock.now();
    let until = match (months, until) {
        (_, Some(raw)) => chrono::DateTime::parse_from_rfc3339(&raw)
            .map_err(|e| anyhow::anyhow!("--until {raw:?} is not an RFC 3339 instant ({e})"))?
            .with_timezone(&chrono::Utc),
        (Some(m), None) if (1..=seats::MAX_GRANT_MONTHS).contains(&m) => {
            seats::extend(None, now, m)
        }
        (Some(m), None) if m > 0 => {
            anyhow::bail!("--months {m}: at most {} months", seats::MAX_GRANT_MONTHS)
        }
        _ => anyhow::bail!("give --months N (N > 0) or --until <RFC 3339>"),
    };
    if let Err(problem) = seats::check_grant(basic, pro, until, now) {
        anyhow::bail!(
            "cannot grant {basic} Basic and {pro} Pro seat(s) until {until}: {}",
            crate::http::billing::describe_grant(problem)
        );
    }
    let Some(ws) = crate::app::team::find_workspace(&ctx, &workspace).await? else {
        anyhow::bail!("no workspace {workspace:?} (see `topicdesk workspaces`)");
    };
    let ids = crate::app::team::grant(&ctx, ws.id, basic, pro, until).await?;
    println!(
        "granted {} seat(s) to workspace {} ({}) until {until}: seats {ids:?}",
        ids.len(),
        ws.id,
        ws.name
    );
    Ok(())
}

/// `topicdesk run`: until SIGINT or SIGTERM.
pub async fn run(settings: Settings) -> anyhow::Result<()> {
    let shutdown = CancellationToken::new();
    let app = Application::build(settings, Arc::new(SystemClock)).await?;
    tracing::info!(addr = %app.http_addr(), "topicdesk started");
    let signal = shutdown.clone();
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("shutdown signal received; finishing in-flight work");
        signal.cancel();
    });
    app.run_until_stopped(shutdown).await
}

#[cfg(unix)]
async fn wait_for_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    match (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) {
        (Ok(mut term), Ok(mut int)) => {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
        }
        _ => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(not(unix))]
async fn wait_for_signal() {
    let _ = tokio::signal::ctrl_c().await;
}

/// The built daemon, not yet running. Tests build it with a [`crate::clock::ManualClock`].
pub struct Application {
    settings: Settings,
    ctx: Ctx,
    listener: TcpListener,
    http_addr: SocketAddr,
    telegram_ready: Arc<AtomicBool>,
    kb: Arc<crate::app::kb::Searcher>,
}

impl Application {
    pub async fn build(settings: Settings, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let db = connect(&settings).await?;
        Migrator::up(&db, None)
            .await
            .context("applying database migrations")?;
        let listener = TcpListener::bind(settings.http_addr).await.map_err(|e| {
            anyhow::anyhow!(
                "TOPICDESK_HTTP_ADDR: cannot listen on {}: {e}",
                settings.http_addr
            )
        })?;
        let http_addr = listener.local_addr()?;
        let master_key = master_key(&settings, &db, clock.now()).await?;
        let kb = Arc::new(
            crate::app::kb::Searcher::new(master_key, settings.allow_private_targets)
                .context("building the knowledge base's HTTP client")?,
        );
        let ctx = crate::app::context(db, clock);
        Ok(Self {
            settings,
            ctx,
            listener,
            http_addr,
            telegram_ready: Arc::new(AtomicBool::new(false)),
            kb,
        })
    }

    pub fn http_addr(&self) -> SocketAddr {
        self.http_addr
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.ctx.db
    }

    pub async fn run_until_stopped(self, shutdown: CancellationToken) -> anyhow::Result<()> {
        let Application {
            settings,
            ctx,
            listener,
            telegram_ready,
            kb,
            ..
        } = self;
        let Some(bot) = telegram::raw_bot(&settings) else {
            anyhow::bail!("TELOXIDE_TOKEN: not set");
        };
        let state = Arc::new(AppState {
            ctx: ctx.clone(),
            bot: bot.clone(),
            me: Default::default(),
            dialogues: Default::default(),
            pricing: settings.pricing.clone(),
            provider_token: settings.payment_provider_token.clone(),
            billing_secret: settings.billing_secret.clone(),
            pacer: telegram::pacer(&settings),
            telegram_ready: telegram_ready.clone(),
            kb,
            #[cfg(feature = "fault-injection")]
            fault_injection: settings.fault_injection,
        });
        let http_shutdown = shutdown.clone();
        let http_state = state.clone();
        let http = tokio::spawn(async move {
            axum::serve(listener, http::router(http_state))
                .with_graceful_shutdown(async move { http_shutdown.cancelled().await })
                .await
        });

        let me = tokio::select! {
            _ = shutdown.cancelled() => {
                let _ = http.await;
                return Ok(());
            }
            me = greet(&bot) => me?,
        };
        telegram_ready.store(true, Ordering::Relaxed);
        tracing::info!(username = ?me.username, "connected to Telegram");
        // Set once, here, before any Telegram task starts.
        let _ = state.me.set(me);
        let commands_bot = bot.clone();
        let commands_stop = shutdown.clone();
        tokio::spawn(async move {
            let mut wait = Duration::from_secs(1);
            loop {
                match telegram::commands::register(&commands_bot).await {
                    Ok(()) => return,
                    Err(e) => tracing::warn!(error = %e, "setMyCommands failed; retrying"),
                }
                tokio::select! {
                    _ = commands_stop.cancelled() => return,
                    _ = tokio::time::sleep(wait) => {}
                }
                wait = (wait * 2).min(Duration::from_secs(300));
            }
        });
        if let Err(e) = bot.delete_webhook().await {
            tracing::warn!(error = %e, "deleteWebhook failed; polling may be refused while a webhook is set");
        }

        let poller = telegram::listener::Poller::new(
            settings
                .api_url
                .clone()
                .unwrap_or_else(telegram::default_api_url),
            settings
                .token
                .clone()
                .ok_or_else(|| anyhow::anyhow!("TELOXIDE_TOKEN: not set"))?,
            settings.poll_timeout,
        );
        let tasks = vec![
            tokio::spawn(telegram::listener::run(
                poller,
                ctx.clone(),
                telegram_ready.clone(),
                shutdown.clone(),
            )),
            tokio::spawn(telegram::inbox::run(state.clone(), shutdown.clone())),
            tokio::spawn(jobs::outbox::run(state.clone(), shutdown.clone())),
            tokio::spawn(jobs::scheduler::run(ctx.clone(), shutdown.clone())),
        ];
        shutdown.cancelled().await;
        for t in tasks {
            if let Err(e) = t.await {
                tracing::error!(error = %e, "a background task ended abnormally");
            }
        }
        match http.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "HTTP server error"),
            Err(e) => tracing::error!(error = %e, "HTTP server task failed"),
        }
        tracing::info!("topicdesk stopped");
        Ok(())
    }
}

/// The master key stored secrets are encrypted with: `TOPICDESK_MASTER_KEY`, or the key file
/// beside the database (made on first start), checked against the database's check value.
async fn master_key(
    settings: &Settings,
    db: &DatabaseConnection,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<store::secrets::MasterKey> {
    use store::secrets::{key_file_for, load_master_key, KeySource};
    let source = match (
        &settings.master_key,
        key_file_for(settings.database_url.expose()),
    ) {
        (Some(key), _) => KeySource::Variable(key.clone()),
        (None, Some(path)) => KeySource::File(path),
        (None, None) => KeySource::Ephemeral,
    };
    load_master_key(db, source, now).await
}

/// `getMe`, retried while Telegram is unreachable; a rejected token is fatal.
async fn greet(bot: &Bot) -> anyhow::Result<Me> {
    let mut wait = Duration::from_millis(500);
    loop {
        match bot.get_me().await {
            Ok(me) => return Ok(me),
            Err(teloxide::RequestError::Api(e))
                if e.to_string().to_lowercase().contains("unauthorized")
                    || e.to_string().contains("Not Found") =>
            {
                anyhow::bail!("TELOXIDE_TOKEN: Telegram rejected the token ({e})");
            }
            Err(e) => {
                tracing::warn!(error = %e, retry_in = ?wait, "getMe failed; Telegram unreachable?");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(30));
            }
        }
    }
}
